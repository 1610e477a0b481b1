package mt

import (
	"strconv"
	"strings"
	"sync"
)

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
	min         int // occurrences at least (0 optional, 1 mandatory, more with MIN-MAX)
	max         int // occurrences at most, 0 unbounded (repetitive) ; 1 when not repetitive
	rep         bool
}

// typeDef is a compiled message definition.
type typeDef struct {
	Type, Desc string
	src        *typeSource
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

// defTable indexes the declared message types (typeSources). Each
// declaration's definition is compiled on its first use (typeSource.get):
// a run validates a few types, and compiling all 47 at package
// initialisation cost every swiftval command about half a millisecond and
// 1600 allocations. TestDefinitionsCompile compiles every one, so a bad
// definition fails the tests, never a user's run.
type defTable struct {
	byName map[string]*typeSource
	// byNum holds the declarations of base types ("MT103") by number.
	byNum [1000]*typeSource
	// variants are the declarations selected by a tag 119 flag.
	variants []*typeSource
}

// defs returns the index of the declarations, built on first use (no
// definition is compiled). A malformed declaration is a bug of this
// package: it panics, and TestDefinitionsCompile catches it.
var defs = sync.OnceValue(func() *defTable {
	t := &defTable{byName: make(map[string]*typeSource, len(typeSources))}
	for i := range typeSources {
		src := &typeSources[i]
		if err := src.check(); err != nil {
			panic("mt: " + err.Error())
		}
		if t.byName[src.typ] != nil {
			panic("mt: type " + src.typ + " defined twice")
		}
		t.byName[src.typ] = src
		if src.variant != "" {
			t.variants = append(t.variants, src)
			continue
		}
		t.byNum[src.num()] = src
	}
	for _, v := range t.variants {
		if t.byNum[v.num()] == nil {
			panic("mt: variant " + v.typ + " without its base type")
		}
	}
	return t
})

// get returns the compiled definition, compiling it on first use; after
// that it is one atomic load. Two first uses at once may both compile; the
// first stored wins (the two are equal).
func (s *typeSource) get() *typeDef {
	if d := s.compiled.Load(); d != nil {
		return d
	}
	d, err := compileDef(s.typ, s.desc, s.def)
	if err != nil {
		panic("mt: " + err.Error())
	}
	d.src = s
	if !s.compiled.CompareAndSwap(nil, d) {
		return s.compiled.Load()
	}
	return d
}

// sequences returns the names of the sequences of the definition, in
// order, without compiling it: the second word of each "seq" line.
// TestDefinitionsCompile checks it against the compiled groups.
func (s *typeSource) sequences() []string {
	var out []string
	for line := range strings.Lines(s.def) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "seq "); ok {
			name, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
			out = append(out, name)
		}
	}
	return out
}

// check reports a declaration that does not name its type as "MT" + three
// digits + the variant flag.
func (s *typeSource) check() error {
	t := s.typ
	if len(t) < 5 || t[:2] != "MT" || !isDigits(t[2:5]) || t[5:] != s.variant || s.desc == "" || s.family == "" {
		return &defError{t, 0, "", "type must be MT + 3 digits + its variant flag, with a description and a family"}
	}
	if s.variant != "" && !matchSet(s.variant, 1, 8, setC) {
		return &defError{t, 0, "", "variant flag must be 1 to 8 upper-case letters or digits (tag 119)"}
	}
	return nil
}

// num is the three-digit number of the type.
func (s *typeSource) num() int {
	t := s.typ
	return int(t[2]-'0')*100 + int(t[3]-'0')*10 + int(t[4]-'0')
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
			if (len(w) != 3 && len(w) != 4) || cur >= 0 {
				return nil, bad("seq NAME M|O[*] [MIN-MAX] (not nested)")
			}
			g := group{name: w[1], first: len(d.slots), rep: strings.HasSuffix(w[2], "*"), max: 1}
			if w[2][0] == 'M' {
				g.min = 1
			}
			if g.rep {
				g.max = 0
			}
			if len(w) == 4 {
				lo, hi, ok := strings.Cut(w[3], "-")
				a, err1 := strconv.Atoi(lo)
				b, err2 := strconv.Atoi(hi)
				if !ok || err1 != nil || err2 != nil || !g.rep || a < g.min || a > b || (g.min == 0 && a != 0) {
					return nil, bad("bounds MIN-MAX need a repetitive sequence and MIN >= 1 for M, 0 for O")
				}
				g.min, g.max = a, b
			}
			if len(d.groups) == maxGroups {
				return nil, bad("too many sequences")
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

// maxSlots and maxGroups bound a definition so the checker can keep its
// state on the stack (walker.used, walker.occ).
const (
	maxSlots  = 64
	maxGroups = 8
)

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

// defFor returns the compiled definition of a full type, or nil.
func defFor(t string) *typeDef {
	if src := defs().byName[t]; src != nil {
		return src.get()
	}
	return nil
}

// mtNames holds "MT000" to "MT999", slices of one string built on first
// use (two allocations, rather than a thousand at initialisation).
var mtNames = sync.OnceValue(func() *[1000]string {
	b := make([]byte, 0, 5*1000)
	for i := range 1000 {
		b = append(b, 'M', 'T', byte('0'+i/100), byte('0'+i/10%10), byte('0'+i%10))
	}
	all := string(b)
	var names [1000]string
	for i := range names {
		names[i] = all[5*i : 5*i+5]
	}
	return &names
})

// mtName returns "MT" + the three digits d without allocating.
func mtName(d string) string {
	if len(d) != 3 || !isDigits(d) {
		return "MT" + d
	}
	return mtNames()[int(d[0]-'0')*100+int(d[1]-'0')*10+int(d[2]-'0')]
}

// variantType returns the full type for a base type and a 119 validation
// flag ("MT103" + "STP" → "MT103STP"), or "" when the flag is not defined
// for that type: the variants declared in typeSources.
func variantType(base, v string) string {
	for _, src := range defs().variants {
		if src.variant == v && src.typ[:5] == base {
			return src.typ
		}
	}
	return ""
}

// hasVariants reports whether a base type has 119 validation flags.
func hasVariants(base string) bool {
	for _, src := range defs().variants {
		if src.typ[:5] == base {
			return true
		}
	}
	return false
}
