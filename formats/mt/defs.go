package mt

import "sync/atomic"

// The message-type definitions: the one place a message type is declared.
// Everything else that depends on the set of types is derived from this
// table: the structure check and the variant (tag 119) resolution here, the
// UETR obligation, the type list of Format.MessageTypes, the rule pack's
// per-type registry (rules/mt, whose test fails for a type it does not
// register), the payment view's adapter (package payment, which maps by
// Payment shape, not by type name) and the rule-set families of
// rules/custom. See Types.
//
// Sources of the field lists, options, M/O and sequences: mt-facts.md 2.3-2.6
// and mt-facts-more.md sections 1-3 (both in ../shared/reference), each
// row checked there against Prowide Core SRU2025 (generated from SWIFT's own
// standards metadata) and, for categories 1, 2 and 9, against SwiftMTMessage
// (SR2025) and CyberFT. Where those disagree the choice and its reason are
// given beside the definition.

// Shared parts of the definitions (the variants differ only around them).
const (
	// MT 103 and MT 103 REMIT up to 59a; 23B codes: T36 (mt-facts 2.3;
	// FEC-2010), 23E codes: T47 in MT 103 and REMIT (UHB-2006 AHG004,
	// UHB-2015 ajh004).
	def103Head = `
20 M
13C O*
23B M codes=CRED,CRTS,SPAY,SPRI,SSTD:T36
23E O* codes=SDVA,INTC,REPA,CORT,HOLD,CHQB,PHOB,TELB,PHON,TELE,PHOI,TELI:T47
26T O
32A M
33B O
36 O
50a[AFK] M
51A O
52a[AD] O
53a[ABD] O
54a[ABD] O
55a[ABD] O
56a[ACD] O
57a[ABCD] O
59a[_AF] M`
	// 71A code words: T08 (IBM-TV).
	def103Charges = `
71A M codes=BEN,OUR,SHA:T08
71F O*
71G O
72 O
77B O`
	// MT n99 (free format): 20 M, 21 O, 79 M (PW-MT MT199.java).
	defN99 = `
20 M
21 O
79 M`
	def202 = `
20 M
21 M
13C O*
32A M
52a[AD] O
53a[ABD] O
54a[ABD] O
56a[AD] O
57a[ABD] O
58a[AD] M
72 O`
	// MT 205: the field list follows PW-MT mt2xx/MT205.java as remembered
	// (52a mandatory, no 54a); not re-checked in mt-facts.
	def205 = `
20 M
21 M
13C O*
32A M
52a[AD] M
53a[ABD] O
56a[AD] O
57a[ABD] O
58a[AD] M
72 O`
	// Sequence B of MT 202 COV and MT 205 COV (PW-MT MT202COV.java).
	defCovB = `
seq B M
50a[AFK] M
52a[AD] O
56a[ACD] O
57a[ABCD] O
59a[_AF] M
70 O
72 O
33B O
end`
	// MT n90 (advice of charges, interest and other adjustments):
	// mt-facts-more 1.6 (PW MT190/290, SMT, CFT agree).
	defN90 = `
20 M
21 M
25 M
32a[CD] M
52a[AD] O
71B M
72 O`
	// MT n91 (request for payment of charges): mt-facts-more 1.7.
	defN91 = `
20 M
21 M
32B M
52a[AD] O
57a[ABD] O
71B M
72 O`
	def192 = `
20 M
21 M
11S M
79 O
any O*`
	// MT n95 (queries): mt-facts-more 1.8; the copy of the original
	// message's fields is "any".
	defN95 = `
20 M
21 M
75 M
77A O
11a[RS] O
79 O
any O*`
	def196 = `
20 M
21 M
76 M
77A O
11a[RS] O
79 O
any O*`
	// MT 102 sequence A and B, shared by the STP variant except where
	// noted there (mt-facts-more 1.1: PW MT102.java and CFT agree).
	def102 = `
seq A M
20 M
23 M
51A O
50a[AFK] O
52a[ABC] O
26T O
77B O
71A O codes=BEN,OUR,SHA:T08
36 O
end
seq B M*
21 M
32B M
50a[AFK] O
52a[ABC] O
57a[AC] O
59a[_AF] M
70 O
26T O
77B O
33B O
71A O codes=BEN,OUR,SHA:T08
71F O*
71G O
36 O
end
seq C M
32A M
19 O
71G O
13C O*
53a[AC] O
54A O
72 O
end`
	// MT 102 STP (119:STP): no 51A, 52A and 57A only, 23 restricted to
	// CREDIT, CRTST, SPAY (T08; UHB-2015 us1m/ahf002.htm, UHB-2006
	// US1M/DOC/AGA.HTM).
	def102STP = `
seq A M
20 M
23 M codes=CREDIT,CRTST,SPAY:T08
50a[AFK] O
52A O
26T O
77B O
71A O codes=BEN,OUR,SHA:T08
36 O
end
seq B M*
21 M
32B M
50a[AFK] O
52A O
57A O
59a[_AF] M
70 O
26T O
77B O
33B O
71A O codes=BEN,OUR,SHA:T08
71F O*
71G O
36 O
end
seq C M
32A M
19 O
71G O
13C O*
53a[AC] O
54A O
72 O
end`
	// MT 104 (and 104 RFDD): mt-facts-more 1.2 (PW MT104.java and SMT
	// agree). 23E codes per sequence: T47 (UHB-2015 us1m/albf003.htm; B:
	// SMT). Sequence C 53a: PW (SRU2025, generated from SWIFT's metadata)
	// gives A and B, SMT adds D; PW is followed.
	def104 = `
seq A M
20 M
21R O
23E O codes=AUTH,NAUT,OTHR,RFDD,RTND:T47
21E O
30 M
51A O
50a[CL] O
50a[AK] O
52a[ACD] O
26T O
77B O
71A O codes=BEN,OUR,SHA:T08
72 O
end
seq B M*
21 M
23E O codes=AUTH,NAUT,OTHR:T47
21C O
21D O
21E O
32B M
50a[CL] O
50a[AK] O
52a[ACD] O
57a[ACD] O
59a[_A] M
70 O
26T O
77B O
33B O
71A O codes=BEN,OUR,SHA:T08
71F O
71G O
36 O
end
seq C O
32B M
19 O
71F O
71G O
53a[AB] O
end`
	// MT 107: as MT 104 without 21R, sequence C mandatory (mt-facts-more
	// 1.3). 23E in B: AUTH, NAUT, OTHR (UHB-2006 US1M/DOC/ALCF014.HTM);
	// SMT also accepts RTND there, but RTND is the sequence-A code of rule
	// C4 and the UHB lists only the three: the UHB is followed.
	def107 = `
seq A M
20 M
23E O codes=AUTH,NAUT,OTHR,RTND:T47
21E O
30 M
51A O
50a[CL] O
50a[AK] O
52a[ACD] O
26T O
77B O
71A O codes=BEN,OUR,SHA:T08
72 O
end
seq B M*
21 M
23E O codes=AUTH,NAUT,OTHR:T47
21C O
21D O
21E O
32B M
50a[CL] O
50a[AK] O
52a[ACD] O
57a[ACD] O
59a[_A] M
70 O
26T O
77B O
33B O
71A O codes=BEN,OUR,SHA:T08
71F O
71G O
36 O
end
seq C M
32B M
19 O
71F O
71G O
53a[AB] O
end`
	// MT 111 and 112 share all but the last field (mt-facts-more 1.5).
	def111Head = `
20 M
21 M
30 M
32a[AB] M
52a[ABD] O
59 O`
)

// typeSource declares one message type. def holds one line per field
// slot:
//
//	NN[a[OPTS]] M|O[*] [codes=C1,C2,...:CODE]
//
// "50a[AFK]" allows options A, F, K ("_" is the no-letter option, so
// "59a[_AF]" is 59, 59A, 59F); a plain "20" or "32A" allows that tag only.
// M is mandatory, O optional, "*" repeatable. codes= lists the code words
// allowed in the field's Code component and the error code for others.
// "seq NAME M|O[*] [MIN-MAX]" ... "end" delimits a sequence (M: at least
// once; "*": repetitive; MIN-MAX bounds the occurrences, T11 below MIN,
// T10 above MAX). "any O*" accepts any further field (copies of the
// original message in MT n92/n95/n96).
type typeSource struct {
	typ, desc string
	// variant is the block 3 tag 119 validation flag that selects this
	// type ("STP" for MT103STP); "" for a base type.
	variant string
	family  Family
	payment PaymentShape
	// uetr: block 3 tag 121 is mandatory (SR2018: MT 103, 103 STP, 103
	// REMIT, 202, 202 COV, 205, 205 COV; mt-facts 2.2).
	uetr bool
	def  string
	// compiled is def compiled, set on first use (see get).
	compiled atomic.Pointer[typeDef]
}

// typeSources are the message types with a full definition.
var typeSources = []typeSource{
	{typ: "MT101", desc: "Request for Transfer", family: FamilyCustomerTransfers, payment: PayCustomerBatch, def: `
seq A M
20 M
21R O
28D M
50a[CL] O
50a[FGH] O
52a[AC] O
51A O
30 M
25 O
end
seq B M*
21 M
21F O
23E O* codes=CHQB,CMSW,CMTO,CMZB,CORT,EQUI,INTC,NETS,OTHR,PHON,REPA,RTGS,URGP:T47
32B M
50a[CL] O
50a[FGH] O
52a[AC] O
56a[ACD] O
57a[ACD] O
59a[_AF] M
70 O
77B O
33B O
71A M codes=BEN,OUR,SHA:T08
25A O
36 O
end`},
	{typ: "MT102", desc: "Multiple Customer Credit Transfer", family: FamilyCustomerTransfers, payment: PayCustomerBatch, def: def102},
	{typ: "MT102STP", variant: "STP", desc: "Multiple Customer Credit Transfer (STP)", family: FamilyCustomerTransfers, payment: PayCustomerBatch, def: def102STP},
	{typ: "MT103", desc: "Single Customer Credit Transfer", family: FamilyCustomerTransfers, payment: PayCustomer, uetr: true, def: def103Head + "\n70 O" + def103Charges},
	// MT 103 STP (119:STP): options restricted, no 51A, 23E codes and T48
	// (PW-MT MT103_STP.java; UHB-2006 AIG004).
	{typ: "MT103STP", variant: "STP", desc: "Single Customer Credit Transfer (STP)", family: FamilyCustomerTransfers, payment: PayCustomer, uetr: true, def: `
20 M
13C O*
23B M codes=CRED,CRTS,SPAY,SPRI,SSTD:T36
23E O* codes=SDVA,INTC,REPA,CORT:T48
26T O
32A M
33B O
36 O
50a[AFK] M
52A O
53a[AB] O
54A O
55A O
56A O
57A O
59a[_AF] M
70 O` + def103Charges},
	// MT 103 REMIT (119:REMIT): no 70, 77T mandatory (PW-MT
	// MT103_REMIT.java).
	{typ: "MT103REMIT", variant: "REMIT", desc: "Single Customer Credit Transfer (REMIT)", family: FamilyCustomerTransfers, payment: PayCustomer, uetr: true, def: def103Head + def103Charges + "\n77T M"},
	{typ: "MT104", desc: "Direct Debit and Request for Debit Transfer", family: FamilyDirectDebits, payment: PayDirectDebit, def: def104},
	{typ: "MT104RFDD", variant: "RFDD", desc: "Request for Direct Debit", family: FamilyDirectDebits, payment: PayDirectDebit, def: def104},
	{typ: "MT107", desc: "General Direct Debit Message", family: FamilyDirectDebits, payment: PayDirectDebit, def: def107},
	// MT 110: 59a no letter or F (UHB-2017 us1m/alee010.htm and PW; SMT
	// also allows 59A, not followed). At most 10 cheques (C1, T10).
	{typ: "MT110", desc: "Advice of Cheque(s)", family: FamilyCheques, def: `
20 M
53a[ABD] O
54a[ABD] O
72 O
seq B M* 1-10
21 M
30 M
32a[AB] M
50a[AFK] O
52a[ABD] O
59a[_F] M
end`},
	{typ: "MT111", desc: "Request for Stop Payment of a Cheque", family: FamilyCheques, def: def111Head + "\n75 O"},
	{typ: "MT112", desc: "Status of a Request for Stop Payment of a Cheque", family: FamilyCheques, def: def111Head + "\n76 M"},
	{typ: "MT190", desc: "Advice of Charges, Interest and Other Adjustments", family: FamilyCharges, def: defN90},
	{typ: "MT191", desc: "Request for Payment of Charges, Interest and Other Expenses", family: FamilyCharges, def: defN91},
	{typ: "MT192", desc: "Request for Cancellation", family: FamilyCommon, def: def192},
	{typ: "MT195", desc: "Queries", family: FamilyCommon, def: defN95},
	{typ: "MT196", desc: "Answers", family: FamilyCommon, def: def196},
	{typ: "MT199", desc: "Free Format Message", family: FamilyCommon, def: defN99},
	// MT 200: mt-facts-more 2.1.
	{typ: "MT200", desc: "Financial Institution Transfer for its Own Account", family: FamilyFITransfers, payment: PayInstitution, def: `
20 M
32A M
53B O
56a[AD] O
57a[ABD] M
72 O`},
	// MT 201: 2 to 10 transfers (C3: T11, T10); the repetitive block is
	// unnamed in the UHB and named B here.
	{typ: "MT201", desc: "Multiple Financial Institution Transfer for its Own Account", family: FamilyFITransfers, payment: PayInstitutionBatch, def: `
19 M
30 M
53B O
72 O
seq B M* 2-10
20 M
32B M
56a[AD] O
57a[ABD] M
72 O
end`},
	{typ: "MT202", desc: "General Financial Institution Transfer", family: FamilyFITransfers, payment: PayInstitution, uetr: true, def: def202},
	{typ: "MT202COV", variant: "COV", desc: "General Financial Institution Transfer (cover)", family: FamilyFITransfers, payment: PayInstitution, uetr: true, def: "seq A M" + def202 + "\nend" + defCovB},
	// MT 203: 2 to 10 transfers (C3: T11, T10).
	{typ: "MT203", desc: "Multiple General Financial Institution Transfer", family: FamilyFITransfers, payment: PayInstitutionBatch, def: `
19 M
30 M
52a[AD] O
53a[ABD] O
54a[ABD] O
72 O
seq B M* 2-10
20 M
21 M
32B M
56a[AD] O
57a[ABD] O
58a[AD] M
72 O
end`},
	// MT 204: sequence B at most 10 times (C3, T10). B 53a is mandatory in
	// PW (SRU2025) and CFT, optional in SMT: PW and CFT are followed.
	{typ: "MT204", desc: "Financial Markets Direct Debit Message", family: FamilyDirectDebits, payment: PayInstitutionDebit, def: `
seq A M
20 M
19 M
30 M
57a[ABD] O
58a[AD] O
72 O
end
seq B M* 1-10
20 M
21 O
32B M
53a[ABD] M
72 O
end`},
	{typ: "MT205", desc: "Financial Institution Transfer Execution", family: FamilyFITransfers, payment: PayInstitution, uetr: true, def: def205},
	{typ: "MT205COV", variant: "COV", desc: "Financial Institution Transfer Execution (cover)", family: FamilyFITransfers, payment: PayInstitution, uetr: true, def: "seq A M" + def205 + "\nend" + defCovB},
	// MT 210: at most 10 notices (C1, T10). 21 is mandatory in PW and CFT,
	// optional in SMT: PW and CFT are followed.
	{typ: "MT210", desc: "Notice to Receive", family: FamilyNotices, payment: PayNotice, def: `
20 M
25 O
30 M
seq B M* 1-10
21 M
32B M
50a[_CF] O
52a[AD] O
56a[AD] O
end`},
	{typ: "MT290", desc: "Advice of Charges, Interest and Other Adjustments", family: FamilyCharges, def: defN90},
	{typ: "MT291", desc: "Request for Payment of Charges, Interest and Other Expenses", family: FamilyCharges, def: defN91},
	{typ: "MT292", desc: "Request for Cancellation", family: FamilyCommon, def: def192},
	{typ: "MT295", desc: "Queries", family: FamilyCommon, def: defN95},
	{typ: "MT296", desc: "Answers", family: FamilyCommon, def: def196},
	{typ: "MT299", desc: "Free Format Message", family: FamilyCommon, def: defN99},
	{typ: "MT900", desc: "Confirmation of Debit", family: FamilyConfirmations, def: `
20 M
21 M
25a[_P] M
13D O
32A M
52a[AD] O
72 O`},
	{typ: "MT910", desc: "Confirmation of Credit", family: FamilyConfirmations, def: `
20 M
21 M
25a[_P] M
13D O
32A M
50a[AFK] O
52a[AD] O
56a[AD] O
72 O`},
	// MT 920: 12 is 940, 941, 942 or 950 (T88, SMT); the number of
	// requests is not bounded in any source seen.
	{typ: "MT920", desc: "Request Message", family: FamilyStatements, def: `
20 M
seq B M*
12 M codes=940,941,942,950:T88
25 M
34F O
34F O
end`},
	// MT 935: 1 to 10 rate changes (C1, T10), then 72.
	{typ: "MT935", desc: "Rate Change Advice", family: FamilyRates, def: `
20 M
seq B M* 1-10
23 O
25 O
30 M
37H M*
end
72 O`},
	{typ: "MT940", desc: "Customer Statement Message", family: FamilyStatements, def: `
20 M
21 O
25a[_P] M
28C M
60a[FM] M
seq 61 O*
61 M
86 O
end
62a[FM] M
64 O
65 O*
86 O`},
	// MT 941: mt-facts-more 3.3 (PW, SMT, CFT agree).
	{typ: "MT941", desc: "Balance Report", family: FamilyStatements, def: `
20 M
21 O
25a[_P] M
28 M
13D O
60F O
90D O
90C O
62F M
64 O
65 O*
86 O`},
	{typ: "MT942", desc: "Interim Transaction Report", family: FamilyStatements, def: `
20 M
21 O
25a[_P] M
28C M
34F M
34F O
13D M
seq 61 O*
61 M
86 O
end
90D O
90C O
86 O`},
	{typ: "MT950", desc: "Statement Message", family: FamilyStatements, def: `
20 M
25 M
28C M
60a[FM] M
seq 61 O*
61 M
end
62a[FM] M
64 O`},
	{typ: "MT990", desc: "Advice of Charges, Interest and Other Adjustments", family: FamilyCharges, def: defN90},
	{typ: "MT991", desc: "Request for Payment of Charges, Interest and Other Expenses", family: FamilyCharges, def: defN91},
	{typ: "MT992", desc: "Request for Cancellation", family: FamilyCommon, def: def192},
	{typ: "MT995", desc: "Queries", family: FamilyCommon, def: defN95},
	{typ: "MT996", desc: "Answers", family: FamilyCommon, def: def196},
	{typ: "MT999", desc: "Free Format Message", family: FamilyCommon, def: defN99},
}
