package mt

import (
	"strings"
	"sync/atomic"
)

// fieldSpec is the format of one field tag (number plus option): its SWIFT
// notation and the names of its components, in order of appearance.
type fieldSpec struct {
	tag      string
	notation string
	names    string // comma-separated component names
	slash    bool   // T26: must not start or end with '/' nor contain "//"
	numbered byte   // > 0: NameAndAddress lines are "1!n/33x", numbers 1..numbered ascending (T56)
	is61     bool   // the spec of field 61, whose D/C mark checkSyntax re-splits (fix61)
	// compiled is the notation compiled, set on the spec's first use (see
	// get): a message uses a few dozen of the table's specs, and compiling
	// every one at package initialisation cost each run of every swiftval
	// command about a millisecond. TestFieldSpecsCompile compiles them all,
	// so a bad notation fails the tests, never a user's run.
	compiled atomic.Pointer[compiledSpec]
}

// compiledSpec is what a spec's notation compiles to.
type compiledSpec struct {
	pat  *Pattern
	post bool // postCheck has something to check: slash, numbered or a component with a semKind
}

// get returns the compiled spec, compiling it on first use. After that it
// is one atomic load, cheap enough for the per-field hot path.
func (s *fieldSpec) get() *compiledSpec {
	if c := s.compiled.Load(); c != nil {
		return c
	}
	return s.compile()
}

// compile compiles the notation and publishes the result. Two first uses
// at once may both compile; the first stored wins (the two are equal).
func (s *fieldSpec) compile() *compiledSpec {
	c := &compiledSpec{pat: MustCompile(s.notation, strings.Split(s.names, ",")...), post: s.slash || s.numbered > 0}
	for _, ci := range c.pat.comps {
		c.post = c.post || ci.kind != semNone
	}
	if !s.compiled.CompareAndSwap(nil, c) {
		return s.compiled.Load()
	}
	return c
}

// Party-field notations. The account/party-identifier line and its line
// break are one optional part, so a BIC alone is valid.
const (
	// notPartyA (51A 52A 53A 54A 55A 56A 57A 58A) is in partya.go.
	notPartyB = "[[/1!a][/34x]$]35x"   // 52B 53B 54B 55B 57B 58B: location (party id optional)
	notPartyD = "[[/1!a][/34x]$]4*35x" // 52D 53D 54D 55D 56D 57D 58D
	namPartyA = "DC,Account,BIC"
	namPartyB = "DC,Account,Location"
	namPartyD = "DC,Account,NameAndAddress"
	notBal    = "1!a6!n3!a15d" // 60F 60M 62F 62M 64 65 (PW-F Field60F.java)
	namBal    = "Mark,Date,Currency,Amount"
	notCcyAmt = "3!a15d" // 32B 33B 71F 71G (PW-F Field33B.java, Field71F.java)
	namCcyAmt = "Currency,Amount"
)

// fieldSpecs is the table of known field formats. Sources: mt-facts 2.1-2.6
// (PW-F Field*.java classes and the UHB pages cited there). Where the table
// simplifies SWIFT's format it says so.
var fieldSpecs = []fieldSpec{
	{tag: "11R", notation: "3!n$6!n[$4!n6!n]", names: "MT,Date,Session,ISN"},
	{tag: "12", notation: "3!n", names: "Code"},
	{tag: "11S", notation: "3!n$6!n[$4!n6!n]", names: "MT,Date,Session,ISN"},
	{tag: "13C", notation: "/8c/4!n1!x4!n", names: "Code,Time,Sign,Offset"},
	{tag: "13D", notation: "6!n4!n1!x4!n", names: "Date,Time,Sign,Offset"},
	// 19 (sum of amounts): 17d (mt-facts-more 0; C03, T40, T43).
	{tag: "19", notation: "17d", names: "Amount"},
	{tag: "20", notation: "16x", names: "Reference", slash: true},
	{tag: "21", notation: "16x", names: "Reference", slash: true},
	{tag: "21F", notation: "16x", names: "Reference", slash: true},
	{tag: "21C", notation: "35x", names: "Reference"},
	{tag: "21D", notation: "35x", names: "Reference"},
	{tag: "21E", notation: "35x", names: "Reference"},
	{tag: "21R", notation: "16x", names: "Reference", slash: true},
	// 23 (MT 102 bank operation code, MT 935 further identification): 16x.
	{tag: "23", notation: "16x", names: "Code"},
	{tag: "23B", notation: "4!c", names: "Code"},
	{tag: "23E", notation: "4!c[/30x]", names: "Code,Info"},
	{tag: "25", notation: "35x", names: "Account"},
	{tag: "25A", notation: "/34x", names: "Account"},
	{tag: "25P", notation: "35x$<BIC>", names: "Account,BIC"},
	{tag: "26T", notation: "3!c", names: "Code"},
	// 28 (MT 941): statement number and optional page number.
	{tag: "28", notation: "5n[/2n]", names: "StatementNumber,SequenceNumber"},
	{tag: "28C", notation: "5n[/5n]", names: "StatementNumber,SequenceNumber"},
	{tag: "28D", notation: "5n/5n", names: "Index,Total"},
	{tag: "30", notation: "6!n", names: "Date"},
	{tag: "32A", notation: "6!n3!a15d", names: "Date,Currency,Amount"},
	{tag: "32B", notation: notCcyAmt, names: namCcyAmt},
	{tag: "32C", notation: "6!n3!a15d", names: "Date,Currency,Amount"},
	{tag: "32D", notation: "6!n3!a15d", names: "Date,Currency,Amount"},
	{tag: "33B", notation: notCcyAmt, names: namCcyAmt},
	{tag: "34F", notation: "3!a[1!a]15d", names: "Currency,Mark,Amount"},
	{tag: "36", notation: "12d", names: "Rate"},
	// 37H: indicator C or D (T51), optional sign N, rate (mt-facts-more 0;
	// SMT field37.rs). The sign is named NSign: it is "N", not "+" or "-".
	{tag: "37H", notation: "1!a[1!a]12d", names: "Mark,NSign,Rate"},
	// 50 (no letter, MT 210): name and address.
	{tag: "50", notation: "4*35x", names: "NameAndAddress"},
	{tag: "50A", notation: "[/34x$]<BIC>", names: "Account,BIC"},
	{tag: "50C", notation: "<BIC>", names: "BIC"},
	// 50F: party identifier line then up to 4 numbered lines "1!n/33x"
	// (numbers 1-8 in ascending order, T56: UHB-2017 us1m/ajh017.htm via
	// mt-facts; the country code check T73 is not done here).
	{tag: "50F", notation: "35x$4*35x", names: "PartyIdentifier,NameAndAddress", numbered: '8'},
	{tag: "50G", notation: "/34x$<BIC>", names: "Account,BIC"},
	{tag: "50H", notation: "/34x$4*35x", names: "Account,NameAndAddress"},
	{tag: "50K", notation: "[/34x$]4*35x", names: "Account,NameAndAddress"},
	{tag: "50L", notation: "35x", names: "PartyIdentifier"},
	{tag: "51A", notation: notPartyA, names: namPartyA},
	{tag: "52A", notation: notPartyA, names: namPartyA},
	{tag: "52B", notation: notPartyB, names: namPartyB},
	{tag: "52C", notation: "/34x", names: "Account"},
	{tag: "52D", notation: notPartyD, names: namPartyD},
	{tag: "53A", notation: notPartyA, names: namPartyA},
	{tag: "53B", notation: notPartyB, names: namPartyB},
	{tag: "53C", notation: "/34x", names: "Account"},
	{tag: "53D", notation: notPartyD, names: namPartyD},
	{tag: "54A", notation: notPartyA, names: namPartyA},
	{tag: "54B", notation: notPartyB, names: namPartyB},
	{tag: "54D", notation: notPartyD, names: namPartyD},
	{tag: "55A", notation: notPartyA, names: namPartyA},
	{tag: "55B", notation: notPartyB, names: namPartyB},
	{tag: "55D", notation: notPartyD, names: namPartyD},
	{tag: "56A", notation: notPartyA, names: namPartyA},
	{tag: "56C", notation: "/34x", names: "Account"},
	{tag: "56D", notation: notPartyD, names: namPartyD},
	{tag: "57A", notation: notPartyA, names: namPartyA},
	{tag: "57B", notation: notPartyB, names: namPartyB},
	{tag: "57C", notation: "/34x", names: "Account"},
	{tag: "57D", notation: notPartyD, names: namPartyD},
	{tag: "58A", notation: notPartyA, names: namPartyA},
	{tag: "58B", notation: notPartyB, names: namPartyB},
	{tag: "58D", notation: notPartyD, names: namPartyD},
	{tag: "59", notation: "[/34x$]4*35x", names: "Account,NameAndAddress"},
	{tag: "59A", notation: "[/34x$]<BIC>", names: "Account,BIC"},
	// 59F: account then up to 4 numbered lines "1!n/33x", numbers 1-3 in
	// ascending order (T56, as 50F; T73 not done here).
	{tag: "59F", notation: "[/34x$]4*35x", names: "Account,NameAndAddress", numbered: '3'},
	{tag: "60F", notation: notBal, names: namBal},
	{tag: "60M", notation: notBal, names: namBal},
	// 61: value date, entry date (MMDD), D/C mark (C, D, RC, RD), funds
	// code, amount, transaction type (N, F, S) and identification code,
	// reference for the account owner, bank reference, supplementary
	// details on a second line (PW-F Field61.java; exact string unconfirmed).
	{tag: "61", notation: "6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][$34x]", names: "ValueDate,EntryDate,Mark,FundsCode,Amount,TransactionType,IdentificationCode,Reference,BankReference,Details"},
	{tag: "62F", notation: notBal, names: namBal},
	{tag: "62M", notation: notBal, names: namBal},
	{tag: "64", notation: notBal, names: namBal},
	{tag: "65", notation: notBal, names: namBal},
	{tag: "70", notation: "4*35x", names: "Narrative"},
	{tag: "71A", notation: "3!a", names: "Code"},
	{tag: "71B", notation: "6*35x", names: "Narrative"},
	{tag: "71F", notation: notCcyAmt, names: namCcyAmt},
	{tag: "71G", notation: notCcyAmt, names: namCcyAmt},
	{tag: "72", notation: "6*35x", names: "Narrative"},
	{tag: "75", notation: "6*35x", names: "Narrative"},
	{tag: "76", notation: "6*35x", names: "Narrative"},
	{tag: "77A", notation: "20*35x", names: "Narrative"},
	{tag: "77B", notation: "3*35x", names: "Narrative"},
	{tag: "77T", notation: "9000z", names: "Envelope"},
	{tag: "79", notation: "35*50x", names: "Narrative"},
	{tag: "86", notation: "6*65x", names: "Narrative"},
	{tag: "90C", notation: "5n3!a15d", names: "Number,Currency,Amount"},
	{tag: "90D", notation: "5n3!a15d", names: "Number,Currency,Amount"},
}

// specIndex finds a spec by tag number and option without hashing:
// [number][0 for no letter, 1..26 for A..Z]. Filling it at initialisation
// takes about a microsecond and allocates nothing; the notations are
// compiled on first use (fieldSpec.get).
var specIndex [100][27]*fieldSpec

func init() {
	for i := range fieldSpecs {
		s := &fieldSpecs[i]
		s.is61 = s.tag == "61"
		num, opt := tagKey(s.tag)
		if num < 0 || specIndex[num][opt] != nil {
			panic("mt: bad or duplicate field spec " + s.tag)
		}
		specIndex[num][opt] = s
	}
}

// tagKey splits "32A" into 32 and 1 (A); -1 when malformed.
func tagKey(tag string) (int, int) {
	if len(tag) < 2 || len(tag) > 3 || !isDigit(tag[0]) || !isDigit(tag[1]) {
		return -1, 0
	}
	n := int(tag[0]-'0')*10 + int(tag[1]-'0')
	if len(tag) == 2 {
		return n, 0
	}
	if !isUpper(tag[2]) {
		return -1, 0
	}
	return n, int(tag[2]-'A') + 1
}

// specOf is specFor(f.Tag) on the tag key the tokenizer kept.
func specOf(f *Field) *fieldSpec {
	n, o := f.key()
	if n < 0 {
		return nil
	}
	return specIndex[n][o]
}

func specFor(tag string) *fieldSpec {
	n, o := tagKey(tag)
	if n < 0 {
		return nil
	}
	return specIndex[n][o]
}

// SpecNotation returns the notation of a known field tag ("32A" →
// "6!n3!a15d") and its component names, or ok false for an unknown tag.
func SpecNotation(tag string) (notation string, components []string, ok bool) {
	s := specFor(tag)
	if s == nil {
		return "", nil, false
	}
	return s.notation, strings.Split(s.names, ","), true
}
