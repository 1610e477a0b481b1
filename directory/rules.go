package directory

import (
	"strings"
	"time"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
	"github.com/swiftval/swiftval/rules/common"
)

// SWIFT's FIN codes used on MT messages (FIN Error Codes; UHB "Identifier
// Code must be a registered financial institution BIC (Error code(s): T27,
// T28, T29, T45)"): T27 for a BIC that is not registered, T29 for an
// unknown branch, T28 for a destination (the receiver of block 2) that is
// not valid. See ../shared/reference/mt-facts.md.
const (
	swiftInvalidBIC         = "T27"
	swiftInvalidDestination = "T28"
	swiftInvalidBranch      = "T29"
)

// RuleSetName is the name of the rule set of the directory checks.
const RuleSetName = "bic-directory"

// Sources of the directory checks (RuleInfo.Source): the standards the
// checks apply; the data is the directory the operator loads. The research
// behind each is its section of docs/sources.md.
const (
	srcRegistered = "ISO 9362 (BIC); SWIFT Standards MT SR2017, Identifier Code, network validated rules (T27, T29)"
	srcReceiver   = "ISO 9362 (BIC); SWIFT FIN error code T28 (the BIC is not a valid destination)"
	srcValidity   = "ISO 9362 (BIC): validity dates of the BIC directory in force"
	srcLEI        = "ISO 17442 (LEI); GLEIF BIC-to-LEI relationship files, https://www.gleif.org/en/lei-data/lei-mapping/download-bic-to-lei-relationship-files"
	srcCountry    = "ISO 9362 (BIC, country code); ISO 3166-1 alpha-2"
)

// appliesTo lists the types the payment view has adapters for: every MT
// (sender and receiver at least) and the MX payments with a typed model.
var appliesTo = []string{"MT*", "pacs.008.*", "pacs.009.*", "pacs.004.*", "pain.001.*"}

// maxTransactions bounds the transactions of one message whose BICs are
// checked (as for user rules): a pacs.008 under CBPR+ carries one, batches
// rarely more than a few hundred, and each costs a handful of map look-ups.
const maxTransactions = 1000

// RuleSet returns the directory checks as a rule set that reads the
// Directory in force in s (each validation takes it once, so a reload in
// the middle of a validation does not mix two files):
//
//	directory.bic.registered   a BIC of the message (agent, party, MX
//	                           AppHdr sender) is not in the directory:
//	                           MT fields T27 (institution) or T29 (branch),
//	                           elsewhere SVD601 or SVD602
//	directory.receiver         the receiver (MT block 2 destination, MX
//	                           AppHdr To) is not in the directory or, where
//	                           the directory says, not connected: MT T28,
//	                           MX SVD601, SVD602 or SVD604
//	directory.bic.validity     a BIC is not valid on the value date (SVD603)
//	directory.lei              an LEI beside a BIC is not one the directory
//	                           maps that BIC to (SVD605; BICs mapped to no
//	                           LEI are not checked)
//	directory.country          an agent's postal address names a country
//	                           other than its BIC's in the directory (SVD606)
//
// Every finding is an error; a rule set's severity_overrides can change
// that. Messages of the listed types without a payment view get SVD600.
func RuleSet(s *Store) *engine.RuleSet {
	mk := func(id, code, src, desc string, fn func(sc *scan, f *engine.Findings)) engine.Rule {
		info := engine.RuleInfo{ID: id, Code: code, Severity: engine.Error, AppliesTo: appliesTo, Source: src, Notes: common.Notes(id), Description: desc}
		return engine.NewRule(info,
			func(m *engine.Message, f *engine.Findings) {
				sc := scanOf(s, m)
				if sc.v == nil {
					if !sc.noViewSaid {
						sc.noViewSaid = true
						f.Error(CodeNoView, engine.Location{}, "BIC directory checks cannot run: no payment view for "+m.Format+" "+m.Type+" messages")
					}
					return
				}
				fn(sc, f)
			})
	}
	return &engine.RuleSet{
		Name: RuleSetName, Version: "1", Source: engine.SourceBuiltin,
		Description: "BIC and LEI directory checks (--bic-directory)",
		Rules: []engine.Rule{
			mk("directory.bic.registered", CodeUnknownBIC, srcRegistered, "every BIC of the message is in the BIC directory", checkRegistered),
			mk("directory.receiver", CodeNotConnected, srcReceiver, "the receiver is in the BIC directory and connected", checkReceiver),
			mk("directory.bic.validity", CodeNotValidOnDate, srcValidity, "every BIC of the message is valid on the value date", checkValidity),
			mk("directory.lei", CodeLEIMismatch, srcLEI, "an LEI given beside a BIC is one the directory maps the BIC to", checkLEI),
			mk("directory.country", CodeCountryMismatch, srcCountry, "an agent's address country is its BIC's country in the directory", checkCountry),
		},
	}
}

// role is a place where a message names a BIC.
type role struct {
	name string
	// mtCustomer and mtFI are the MT field of the role in customer transfers
	// (MT 101/102/103) and in institution transfers (MT 202/203/205); empty
	// when the role has no field there.
	mtCustomer, mtFI string
	// mx lists where the role's BIC is, relative to the transaction element
	// and then to its parent (pain.001 PmtInf, pacs GrpHdr).
	mx    []string
	agent func(t *payment.Transaction) *payment.Agent
	party func(t *payment.Transaction) *payment.Party
}

var roles = []role{
	{name: "debtor", mtCustomer: "50a", mtFI: "52a", mx: []string{"Dbtr/Id/OrgId/AnyBIC", "Dbtr/FinInstnId/BICFI"},
		party: func(t *payment.Transaction) *payment.Party { return &t.Debtor }},
	{name: "debtor agent", mtCustomer: "52a", mx: []string{"DbtrAgt/FinInstnId/BICFI"},
		agent: func(t *payment.Transaction) *payment.Agent { return &t.Debtor.Agent }},
	{name: "intermediary", mtCustomer: "56a", mtFI: "56a", mx: []string{"IntrmyAgt1/FinInstnId/BICFI"},
		agent: func(t *payment.Transaction) *payment.Agent { return &t.Intermediary }},
	{name: "creditor agent", mtCustomer: "57a", mtFI: "57a", mx: []string{"CdtrAgt/FinInstnId/BICFI"},
		agent: func(t *payment.Transaction) *payment.Agent { return &t.Creditor.Agent }},
	{name: "creditor", mtCustomer: "59a", mtFI: "58a", mx: []string{"Cdtr/Id/OrgId/AnyBIC", "Cdtr/FinInstnId/BICFI"},
		party: func(t *payment.Transaction) *payment.Party { return &t.Creditor }},
	{name: "instructing agent", mx: []string{"InstgAgt/FinInstnId/BICFI", "GrpHdr/InstgAgt/FinInstnId/BICFI"},
		agent: func(t *payment.Transaction) *payment.Agent { return &t.InstructingAgent }},
	{name: "instructed agent", mx: []string{"InstdAgt/FinInstnId/BICFI", "GrpHdr/InstdAgt/FinInstnId/BICFI"},
		agent: func(t *payment.Transaction) *payment.Agent { return &t.InstructedAgent }},
}

// use is one BIC of the message with what the directory says of it.
type use struct {
	role  *role // nil for the sender and the receiver
	what  string
	bic   string
	lei   string // the LEI given beside the BIC
	ctry  string // the address country given beside an agent's BIC
	tx    int    // index of the transaction; -1 for the sender and receiver
	date  Date
	entry Entry
	res   Result
	recv  bool
	mtTag string // the MT field holding it ("" for headers and MX)
}

// scan is the directory's answer for every BIC of one message, worked out
// by the first directory rule that runs and shared by the others through
// the message's cache slot.
type scan struct {
	v          *payment.View
	d          *Directory
	uses       []use
	noViewSaid bool
}

var scanSlot = engine.NewCacheSlot()

func scanOf(s *Store, m *engine.Message) *scan {
	if sc, ok := m.Cached(scanSlot).(*scan); ok {
		return sc
	}
	sc := &scan{v: payment.Of(m), d: s.Directory()}
	m.SetCached(scanSlot, sc)
	if sc.v != nil {
		sc.collect()
	}
	return sc
}

// collect lists the BICs of the view and looks each up.
func (sc *scan) collect() {
	v := sc.v
	today := Date(0)
	dateOf := func(t *payment.Transaction) Date {
		if d, ok := ParseDate(t.ValueDate); ok {
			return d
		}
		if today == 0 {
			y, mo, d := time.Now().UTC().Date()
			today = Date(y*10000 + int(mo)*100 + d)
		}
		return today
	}
	msgDate := Date(0)
	if len(v.Transactions) > 0 {
		msgDate = dateOf(&v.Transactions[0])
	} else {
		msgDate = dateOf(&payment.Transaction{})
	}
	if v.Sender != "" {
		sc.add(use{what: "sender", bic: v.Sender, tx: -1, date: msgDate})
	}
	if v.Receiver != "" {
		sc.add(use{what: "receiver", bic: v.Receiver, tx: -1, date: msgDate, recv: true})
	}
	fi := strings.HasPrefix(v.Base, "MT202") || strings.HasPrefix(v.Base, "MT205") || v.Base == "MT203"
	for i := range min(len(v.Transactions), maxTransactions) {
		t := &v.Transactions[i]
		date := dateOf(t)
		for k := range roles {
			r := &roles[k]
			u := use{role: r, what: r.name, tx: i, date: date}
			if r.agent != nil {
				a := r.agent(t)
				u.bic, u.lei, u.ctry = a.BIC, a.LEI, a.Country
			} else {
				p := r.party(t)
				u.bic, u.lei = p.BIC, p.LEI
			}
			if u.bic == "" {
				continue
			}
			if v.Format == "mt" {
				// MT: only fields present in the message; the view fills
				// absent agents from the header, which is checked already.
				u.mtTag = r.mtCustomer
				if fi {
					u.mtTag = r.mtFI
				}
				if u.mtTag == "" || v.MT == nil {
					continue
				}
				if _, ok := v.MT.Field(u.mtTag); !ok {
					continue
				}
			}
			sc.add(u)
		}
	}
}

// add looks a BIC up and keeps it; malformed BICs are left to the syntax
// rules (T27 on MT fields, SVX2xx and SVI305 on MX).
func (sc *scan) add(u use) {
	if !common.IsBIC(u.bic) {
		return
	}
	u.entry, u.res = sc.d.Lookup(u.bic)
	sc.uses = append(sc.uses, u)
}

// location says where a use is in the message.
func (sc *scan) location(u *use, leaf string) engine.Location {
	v := sc.v
	if v.Format == "mt" {
		switch {
		case u.role == nil && u.recv:
			return engine.Location{Block: 2, Line: 1}
		case u.role == nil:
			return engine.Location{Block: 1, Line: 1}
		}
		if loc, ok := v.MT.(payment.MTLocator); ok && u.tx >= 0 && v.Transactions[u.tx].MTSequenceB > 0 {
			return loc.LocationIn(u.mtTag, v.Transactions[u.tx].MTSequenceB)
		}
		return v.MT.Location(u.mtTag)
	}
	if u.role == nil {
		p := "/AppHdr/Fr/FIId/FinInstnId/BICFI"
		if u.recv {
			p = "/AppHdr/To/FIId/FinInstnId/BICFI"
		}
		return sc.mxLoc(swapLeaf(p, leaf), "/AppHdr")
	}
	tp := v.Transactions[u.tx].Path
	for _, base := range []string{tp, parent(tp)} {
		for _, rel := range u.role.mx {
			if v.MX == nil {
				break
			}
			if l := v.MX.Location(base + "/" + swapLeaf(rel, leaf)); l.Path != "" {
				return l
			}
		}
	}
	return engine.Location{Path: tp}
}

func (sc *scan) mxLoc(p, fallback string) engine.Location {
	if sc.v.MX != nil {
		if l := sc.v.MX.Location(p); l.Path != "" {
			return l
		}
	}
	return engine.Location{Path: fallback}
}

// swapLeaf replaces the last step of an MX path (the BIC element) with
// leaf ("LEI", "PstlAdr/Ctry"); "" keeps it.
func swapLeaf(p, leaf string) string {
	if leaf == "" {
		return p
	}
	return p[:strings.LastIndexByte(p, '/')+1] + leaf
}

func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return p
}

func checkRegistered(sc *scan, f *engine.Findings) {
	for i := range sc.uses {
		u := &sc.uses[i]
		if u.recv || u.res == Found {
			continue
		}
		code := CodeUnknownBIC
		if u.res == BranchUnknown {
			code = CodeUnknownBranch
		}
		if u.mtTag != "" {
			code = swiftInvalidBIC
			if u.res == BranchUnknown {
				code = swiftInvalidBranch
			}
		}
		f.Error(code, sc.location(u, ""), notFound(u))
	}
}

func notFound(u *use) string {
	if u.res == BranchUnknown {
		return "BIC " + u.bic + " (" + u.what + "): the institution is in the BIC directory but this branch is not"
	}
	return "BIC " + u.bic + " (" + u.what + ") is not in the BIC directory"
}

func checkReceiver(sc *scan, f *engine.Findings) {
	for i := range sc.uses {
		u := &sc.uses[i]
		if !u.recv {
			continue
		}
		mt := sc.v.Format == "mt"
		switch {
		case u.res != Found:
			code := CodeUnknownBIC
			if u.res == BranchUnknown {
				code = CodeUnknownBranch
			}
			if mt {
				code = swiftInvalidDestination
			}
			f.Error(code, sc.location(u, ""), notFound(u))
		case u.entry.Connected == NotConnected:
			code := CodeNotConnected
			if mt {
				code = swiftInvalidDestination
			}
			f.Error(code, sc.location(u, ""), "receiver "+u.bic+" is not connected to the network (BIC directory), so it is not a valid destination")
		}
	}
}

func checkValidity(sc *scan, f *engine.Findings) {
	for i := range sc.uses {
		u := &sc.uses[i]
		if u.res != Found || u.entry.ValidOn(u.date) {
			continue
		}
		var why string
		if u.entry.ValidFrom != 0 && u.date < u.entry.ValidFrom {
			why = "valid only from " + u.entry.ValidFrom.String()
		} else {
			why = "valid only until " + u.entry.ValidTo.String()
		}
		f.Error(CodeNotValidOnDate, sc.location(u, ""), "BIC "+u.bic+" ("+u.what+") is not valid on "+u.date.String()+": the BIC directory has it "+why)
	}
}

func checkLEI(sc *scan, f *engine.Findings) {
	for i := range sc.uses {
		u := &sc.uses[i]
		if u.lei == "" || u.res != Found || u.entry.LEIs() == 0 || u.entry.HasLEI(u.lei) {
			continue
		}
		var sb strings.Builder
		for j := range u.entry.LEIs() {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(u.entry.LEI(j))
		}
		f.Error(CodeLEIMismatch, sc.location(u, "LEI"), "LEI "+engine.Echo(u.lei)+" ("+u.what+") is not the LEI of BIC "+u.bic+" in the BIC directory ("+sb.String()+")")
	}
}

func checkCountry(sc *scan, f *engine.Findings) {
	for i := range sc.uses {
		u := &sc.uses[i]
		// The view fills an agent's country from its BIC when no address
		// gives one: only a country other than the BIC's own comes from an
		// address.
		if u.role == nil || u.role.agent == nil || u.ctry == "" || u.ctry == common.BICCountry(u.bic) || u.res != Found || u.ctry == u.entry.Country {
			continue
		}
		f.Error(CodeCountryMismatch, sc.location(u, "PstlAdr/Ctry"), "address country "+engine.Echo(u.ctry)+" of the "+u.what+" differs from the country "+u.entry.Country+" of its BIC "+u.bic+" in the BIC directory")
	}
}
