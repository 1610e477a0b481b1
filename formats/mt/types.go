package mt

import (
	"strconv"
	"strings"
)

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
	def199 = `
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
	def192 = `
20 M
21 M
11S M
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
)

// typeSources are the message definitions, one line per field slot:
//
//	NN[a[OPTS]] M|O[*] [codes=C1,C2,...:CODE]
//
// "50a[AFK]" allows options A, F, K ("_" is the no-letter option, so
// "59a[_AF]" is 59, 59A, 59F); a plain "20" or "32A" allows that tag only.
// M is mandatory, O optional, "*" repeatable. codes= lists the code words
// allowed in the field's Code component and the error code for others.
// "seq NAME M|O[*]" ... "end" delimits a sequence (M: at least once; "*":
// repetitive). "any O*" accepts any further field (copies of the original
// message in MT n92/n96).
//
// Field lists, options and M/O come from mt-facts 2.3-2.6 (checked there
// against PW-MT mt1xx/mt2xx/mt9xx SRU 2025); code-word lists and codes as
// cited per line.
var typeSources = []struct{ typ, desc, def string }{
	{"MT101", "Request for Transfer", `
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
23E O*
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
	{"MT103", "Single Customer Credit Transfer", def103Head + "\n70 O" + def103Charges},
	// MT 103 STP (119:STP): options restricted, no 51A, 23E codes and T48
	// (PW-MT MT103_STP.java; UHB-2006 AIG004).
	{"MT103STP", "Single Customer Credit Transfer (STP)", `
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
	{"MT103REMIT", "Single Customer Credit Transfer (REMIT)", def103Head + def103Charges + "\n77T M"},
	{"MT199", "Free Format Message", def199},
	{"MT299", "Free Format Message", def199},
	{"MT202", "General Financial Institution Transfer", def202},
	{"MT202COV", "General Financial Institution Transfer (cover)", "seq A M" + def202 + "\nend" + defCovB},
	{"MT205", "Financial Institution Transfer Execution", def205},
	{"MT205COV", "Financial Institution Transfer Execution (cover)", "seq A M" + def205 + "\nend" + defCovB},
	{"MT900", "Confirmation of Debit", `
20 M
21 M
25a[_P] M
13D O
32A M
52a[AD] O
72 O`},
	{"MT910", "Confirmation of Credit", `
20 M
21 M
25a[_P] M
13D O
32A M
50a[AFK] O
52a[AD] O
56a[AD] O
72 O`},
	{"MT940", "Customer Statement Message", `
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
	{"MT942", "Interim Transaction Report", `
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
	{"MT950", "Statement Message", `
20 M
25 M
28C M
60a[FM] M
seq 61 O*
61 M
end
62a[FM] M
64 O`},
	{"MT192", "Request for Cancellation", def192},
	{"MT292", "Request for Cancellation", def192},
	{"MT196", "Answers", def196},
	{"MT296", "Answers", def196},
}

// slot is one field position of a message definition.
type slot struct {
	num     string // tag number "50"; "" for any
	opts    string // allowed options; "_" is no letter; "" with exact tag
	tag     string // display form: "50a" or "32A"
	mand    bool
	rep     bool
	codes   []string
	codeErr string
	group   int    // index into def.groups, -1 outside sequences
	key     int    // tag number 0-99 (num as a number), -1 for any
	optMask uint32 // options allowed, by tagKey option index: bit 0 no letter, 1-26 A-Z
	same    int8   // 1 + the index of the next slot with the same number, 0 when none (direct definitions)
}

type group struct {
	name        string
	first, last int // slot range, inclusive
	min         int
	rep         bool
}

// typeDef is a compiled message definition.
type typeDef struct {
	Type, Desc string
	slots      []slot
	groups     []group
	// next[k] is the first slot at or after k that is mandatory or starts a
	// sequence (len(slots) when none): the only slots walker.missing
	// reports on. len(next) is len(slots)+1.
	next []int
	// direct is set when no sequence and no "any" slot is defined and
	// each tag number and option is allowed by at most one slot: a field
	// can then only ever take that slot, and checkStructure first tries
	// the in-order check (Message.inOrder). first[n] is 1 + the index of
	// the first slot with tag number n (0 when none), chained by slot.same.
	direct bool
	first  [100]int8
}

var (
	typeList []*typeDef
	typeMap  = map[string]*typeDef{}
	// defByNum holds the definitions of base types ("MT103") by number.
	defByNum [1000]*typeDef
)

func init() {
	for _, src := range typeSources {
		d, err := compileDef(src.typ, src.desc, src.def)
		if err != nil {
			panic("mt: " + err.Error())
		}
		typeList = append(typeList, d)
		typeMap[d.Type] = d
		if t := d.Type; len(t) == 5 && t[:2] == "MT" && isDigits(t[2:]) {
			defByNum[int(t[2]-'0')*100+int(t[3]-'0')*10+int(t[4]-'0')] = d
		}
	}
}

func compileDef(typ, desc, def string) (*typeDef, error) {
	d := &typeDef{Type: typ, Desc: desc}
	cur := -1
	for n, line := range strings.Split(strings.TrimSpace(def), "\n") {
		bad := func(why string) error {
			return &defError{typ, n + 1, line, why}
		}
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		switch w[0] {
		case "seq":
			if len(w) != 3 || cur >= 0 {
				return nil, bad("seq NAME M|O[*] (not nested)")
			}
			g := group{name: w[1], first: len(d.slots), rep: strings.HasSuffix(w[2], "*")}
			if w[2][0] == 'M' {
				g.min = 1
			}
			d.groups = append(d.groups, g)
			cur = len(d.groups) - 1
			continue
		case "end":
			if cur < 0 || d.groups[cur].first == len(d.slots) {
				return nil, bad("end without seq, or empty seq")
			}
			d.groups[cur].last = len(d.slots) - 1
			cur = -1
			continue
		}
		if len(w) < 2 {
			return nil, bad("missing M/O")
		}
		s := slot{group: cur, mand: w[1][0] == 'M', rep: strings.HasSuffix(w[1], "*")}
		t := w[0]
		switch {
		case t == "any":
			s.tag = "any"
		case len(t) >= 4 && t[2] == 'a' && t[3] == '[' && strings.HasSuffix(t, "]"):
			s.num, s.opts, s.tag = t[:2], t[4:len(t)-1], t[:3]
		default:
			if n, _ := tagKey(t); n < 0 {
				return nil, bad("bad tag")
			}
			s.num, s.opts, s.tag = t[:2], "_", t
			if len(t) == 3 {
				s.opts = t[2:]
			}
		}
		if s.tag != "any" {
			// Every option must have a field spec.
			for i := 0; i < len(s.opts); i++ {
				tag := s.num
				if s.opts[i] != '_' {
					tag += s.opts[i : i+1]
				}
				if specFor(tag) == nil {
					return nil, bad("no field spec for " + tag)
				}
			}
		}
		for _, x := range w[2:] {
			if !strings.HasPrefix(x, "codes=") {
				return nil, bad("unknown attribute " + x)
			}
			list, code, ok := strings.Cut(x[6:], ":")
			if !ok {
				return nil, bad("codes=LIST:CODE")
			}
			s.codes, s.codeErr = strings.Split(list, ","), code
		}
		s.key = -1
		if s.tag != "any" {
			s.key = int(s.num[0]-'0')*10 + int(s.num[1]-'0')
			for i := 0; i < len(s.opts); i++ {
				if s.opts[i] == '_' {
					s.optMask |= 1
				} else if isUpper(s.opts[i]) {
					s.optMask |= 1 << (s.opts[i] - 'A' + 1)
				}
			}
		}
		d.slots = append(d.slots, s)
	}
	if cur >= 0 {
		return nil, &defError{typ, 0, "", "seq without end"}
	}
	if len(d.slots) > maxSlots {
		return nil, &defError{typ, 0, "", "too many slots"}
	}
	d.next = make([]int, len(d.slots)+1)
	d.next[len(d.slots)] = len(d.slots)
	for k := len(d.slots) - 1; k >= 0; k-- {
		s := &d.slots[k]
		if s.mand || (s.group >= 0 && d.groups[s.group].first == k) {
			d.next[k] = k
		} else {
			d.next[k] = d.next[k+1]
		}
	}
	d.linkDirect()
	return d, nil
}

// linkDirect sets d.direct, d.first and the slots' same links when the
// definition qualifies (see typeDef.direct).
func (d *typeDef) linkDirect() {
	if len(d.groups) > 0 {
		return
	}
	var seen [100]uint32 // options allowed so far, per tag number
	for k := range d.slots {
		s := &d.slots[k]
		if s.key < 0 || seen[s.key]&s.optMask != 0 {
			return
		}
		seen[s.key] |= s.optMask
	}
	for k := len(d.slots) - 1; k >= 0; k-- {
		s := &d.slots[k]
		s.same = d.first[s.key]
		d.first[s.key] = int8(k + 1)
	}
	d.direct = true
}

// maxSlots bounds a definition so the checker can keep its state on the
// stack.
const maxSlots = 64

type defError struct {
	typ  string
	line int
	text string
	why  string
}

// Error implements error.
func (e *defError) Error() string {
	return "definition of " + e.typ + " line " + strconv.Itoa(e.line) + " " + strconv.Quote(e.text) + ": " + e.why
}

func defFor(t string) *typeDef { return typeMap[t] }

var mtNames [1000]string

func init() {
	for i := range mtNames {
		mtNames[i] = "MT" + string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
	}
}

// mtName returns "MT" + the three digits d without allocating.
func mtName(d string) string {
	if len(d) != 3 || !isDigits(d) {
		return "MT" + d
	}
	return mtNames[int(d[0]-'0')*100+int(d[1]-'0')*10+int(d[2]-'0')]
}

// variantType returns the full type for a base type and a 119 validation
// flag ("MT103" + "STP" → "MT103STP"), or "" when the flag is not defined
// for that type. Flags per mt-facts 2.2 (PW MTVariant.java): STP (MT102,
// MT103), REMIT (MT103), COV (MT202, MT205), RFDD (MT104).
func variantType(base, v string) string {
	switch base {
	case "MT103":
		switch v {
		case "STP":
			return "MT103STP"
		case "REMIT":
			return "MT103REMIT"
		}
	case "MT102":
		if v == "STP" {
			return "MT102STP"
		}
	case "MT104":
		if v == "RFDD" {
			return "MT104RFDD"
		}
	case "MT202":
		if v == "COV" {
			return "MT202COV"
		}
	case "MT205":
		if v == "COV" {
			return "MT205COV"
		}
	}
	return ""
}

// hasVariants reports whether a base type has 119 validation flags.
func hasVariants(base string) bool {
	switch base {
	case "MT102", "MT103", "MT104", "MT202", "MT205":
		return true
	}
	return false
}
