package mt

import (
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
)

// check runs the block-4 checks: field syntax for every known tag and,
// for types with a definition, presence, order, options, repetition,
// code words and sequences.
func (m *Message) check(p *parser) {
	m.checkSyntax(p)
	if d := m.def; d != nil {
		m.checkStructure(p, d)
	}
}

// checkSyntax matches every field with a known spec and fills its
// components (one allocation for all components of the message).
func (m *Message) checkSyntax(p *parser) {
	m.compBuf = m.compBuf[:0]
	if cap(m.compBuf) == 0 {
		// A new Message: size the buffer once. A recycled one grows on
		// demand (see below) and then keeps its storage.
		if n := compsNeeded(m.Fields); n > 0 {
			m.compBuf = make([]Component, 0, n)
		}
	}
	var mt matcher
	for i := range mt.caps {
		mt.caps[i] = span{-1, -1}
	}
	for i := range m.Fields {
		if p.full() {
			return
		}
		f := &m.Fields[i]
		s := specOf(f)
		if s == nil {
			continue
		}
		cs := s.get()
		pat := cs.pat
		if !pat.match(&mt, f.Value) {
			fl := mt.failure()
			msg := "field " + f.Tag + ": " + fl.Reason + " (format " + s.notation + ")"
			if fl.Char != 0 {
				p.errRepeat(string(fl.Char), fl.Code, f.locAt(fl.Offset), msg)
			} else {
				p.err(fl.Code, f.locAt(fl.Offset), msg)
			}
			p.partialCheck(f, pat, &mt, fl)
			continue
		}
		if s.is61 {
			fix61(&mt, pat, f.Value)
		}
		buf := m.compBuf
		if cap(buf)-len(buf) < pat.ncomp {
			// Earlier fields keep pointing into the old buffer, which
			// stays valid.
			buf = make([]Component, 0, len(buf)+compsNeeded(m.Fields[i:]))
		}
		start := len(buf)
		buf = buf[:start+pat.ncomp]
		w := start
		for c, sp := range mt.caps[:pat.ncomp] {
			if sp.lo >= 0 {
				// Field by field: a composite literal is built on the
				// stack and copied with wide loads that stall on the
				// narrow stores just made (store forwarding).
				d := &buf[w]
				d.Name = pat.comps[c].name
				d.Value = f.Value[sp.lo:sp.hi]
				d.Offset = int(sp.lo)
				w++
			}
		}
		buf = buf[:w]
		m.compBuf = buf
		f.Components = buf[start:w:w]
		if cs.post {
			p.postCheck(f, s, pat, &mt)
		}
	}
}

// compsNeeded returns the most components the fields can have.
func compsNeeded(fs []Field) int {
	n := 0
	for i := range fs {
		if s := specOf(&fs[i]); s != nil {
			n += s.get().pat.ncomp
		}
	}
	return n
}

// fix61 re-splits the D/C mark of field 61 when "2a" also took the funds
// code ("DR100," is mark D, funds code R, not mark "DR"), working on the
// captured spans before components are built.
func fix61(mt *matcher, p *Pattern, v string) {
	mark, funds := -1, -1
	for c := 0; c < p.ncomp; c++ {
		switch p.comps[c].name {
		case "Mark":
			mark = c
		case "FundsCode":
			funds = c
		}
	}
	if mark < 0 || funds < 0 || mt.caps[funds].lo >= 0 {
		return
	}
	sp := mt.caps[mark]
	if sp.lo < 0 || sp.hi-sp.lo != 2 {
		return
	}
	m := v[sp.lo:sp.hi]
	if validMark61(m) || !validMark61(m[:1]) {
		return
	}
	mt.caps[mark] = span{sp.lo, sp.lo + 1}
	mt.caps[funds] = span{sp.lo + 1, sp.hi}
}

func validMark61(s string) bool {
	switch s {
	case "C", "D", "RC", "RD":
		return true
	}
	return false
}

// postCheck applies the semantic checks of components with a known
// meaning: dates (T50), times (T38), time offsets (T16), signs (T15),
// currencies (T52), amounts (T40, T43), debit/credit marks (T51), and the
// slash rule of references (T26).
//
// mt holds the captures the components of f were built from, in the same
// order, so the kind of each comes from the pattern rather than from its
// name.
func (p *parser) postCheck(f *Field, s *fieldSpec, pat *Pattern, mt *matcher) {
	if s.slash {
		v := f.Value
		if len(v) > 0 && (v[0] == '/' || v[len(v)-1] == '/' || containsSlashSlash(v)) {
			p.err(codeT26, f.locAt(0), "field "+f.Tag+" must not start or end with '/' nor contain \"//\": "+engine.Echo(v))
		}
	}
	if s.numbered > 0 {
		p.checkNumbered(f, s.numbered)
	}
	i := 0
	for k, sp := range mt.caps[:pat.ncomp] {
		if sp.lo < 0 {
			continue
		}
		c := &f.Components[i]
		i++
		if kind := pat.comps[k].kind; kind != semNone {
			if code, bad := semCheck(kind, f.Tag, c.Value); bad != "" {
				p.err(code, f.locAt(c.Offset), "field "+f.Tag+": "+c.Name+" "+engine.Echo(c.Value)+" "+bad)
			}
		}
	}
}

// semCheck checks one component value of a known kind and returns the code
// and the reason when it is wrong.
func semCheck(k semKind, tag, v string) (code, bad string) {
	switch k {
	case semDate:
		if _, _, _, ok := ParseDate(v); !ok {
			return codeT50, "is not a valid date (YYMMDD)"
		}
	case semMMDD:
		if len(v) == 4 {
			mo := int(v[0]-'0')*10 + int(v[1]-'0')
			d := int(v[2]-'0')*10 + int(v[3]-'0')
			if mo < 1 || mo > 12 || d < 1 || d > daysIn(2000, mo) {
				return codeT50, "is not a valid date (MMDD)"
			}
		}
	case semTime:
		if !validHHMM(v) {
			return codeT38, "is not a valid time (HHMM)"
		}
	case semOffset:
		// UHB-2006 ALAF007: HH 00-13, MM 00-59 (T16).
		if len(v) == 4 && (int(v[0]-'0')*10+int(v[1]-'0') > 13 || int(v[2]-'0')*10+int(v[3]-'0') > 59) {
			return codeT16, "is not a valid time offset (HH 00-13, MM 00-59)"
		}
	case semSign:
		if v != "+" && v != "-" {
			return codeT15, "must be + or -"
		}
	case semCurrency:
		if !knownCurrency(v) {
			return codeT52, "is not an ISO 4217 currency code"
		}
	case semDecimal:
		return checkDecimal(v)
	case semMark:
		if tag == "61" {
			if !validMark61(v) {
				return codeT51, "must be C, D, RC or RD"
			}
		} else if v != "C" && v != "D" {
			return codeT51, "must be C or D"
		}
	}
	return "", ""
}

// partialCheck runs the semantic checks on the components before a
// structural failure at offset off (linear patterns only), so a wrong date
// is reported even when the amount after it is malformed too.
func (p *parser) partialCheck(f *Field, pat *Pattern, mt *matcher, fail Failure) {
	if !pat.linear {
		return
	}
	for i := range mt.caps[:pat.ncomp] {
		mt.caps[i] = span{-1, -1}
	}
	pat.matchLinear(mt, f.Value)
	for c := 0; c < pat.ncomp; c++ {
		sp := mt.caps[c]
		ci := &pat.comps[c]
		if sp.lo < 0 || c == fail.Component || int(sp.hi) > fail.Offset || ci.kind == semNone || ci.kind == semDecimal {
			continue
		}
		v := f.Value[sp.lo:sp.hi]
		if len(v) < ci.min {
			continue
		}
		if code, bad := semCheck(ci.kind, f.Tag, v); bad != "" {
			p.err(code, f.locAt(int(sp.lo)), "field "+f.Tag+": "+ci.name+" "+engine.Echo(v)+" "+bad)
		}
	}
	for i := range mt.caps {
		mt.caps[i] = span{-1, -1}
	}
}

// checkNumbered checks the numbered lines of 50F/59F: each "N/text" with
// N from 1 to max, numbers never decreasing (T56).
func (p *parser) checkNumbered(f *Field, max byte) {
	var c *Component
	for i := range f.Components {
		if f.Components[i].Name == "NameAndAddress" {
			c = &f.Components[i]
		}
	}
	if c == nil {
		return
	}
	v, off := c.Value, c.Offset
	last := byte('0')
	for len(v) > 0 {
		line := v
		if k := strings.IndexByte(v, '\n'); k >= 0 {
			line = v[:k]
			v = v[k+1:]
		} else {
			v = ""
		}
		line = trimCR(line)
		switch {
		case len(line) < 3 || line[1] != '/' || line[0] < '1' || line[0] > max:
			p.err(codeT56, f.locAt(off), "field "+f.Tag+": line "+engine.Echo(cut(line, 12))+" must be a line number 1-"+string(max)+", '/' and text")
		case line[0] < last:
			p.err(codeT56, f.locAt(off), "field "+f.Tag+": line numbers must be in ascending order")
		default:
			last = line[0]
		}
		off += len(line)
		for off < len(f.Value) && (f.Value[off] == '\r' || f.Value[off] == '\n') {
			off++
		}
	}
}

func trimCR(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\r' {
		return s[:n-1]
	}
	return s
}

// checkDecimal applies SWIFT's decimal rules: at least one digit before the
// comma (T40), exactly one comma (T43) (UHB-2017 us3ma/ahg026.htm).
func checkDecimal(v string) (string, string) {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return codeT40, "must start with a digit: SWIFT writes 0,50, not ,50"
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] == ',' {
			n++
		}
	}
	switch {
	case n == 0:
		return codeT43, "has no decimal comma: SWIFT amounts always have one (write " + engine.Echo(v+",") + ")"
	case n > 1:
		return codeT43, "has " + strconv.Itoa(n) + " commas: SWIFT amounts have exactly one, the decimal mark, and no thousands separator"
	}
	return "", ""
}

func containsSlashSlash(v string) bool {
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '/' && v[i+1] == '/' {
			return true
		}
	}
	return false
}

// walker is the state of the structure check; it lives on the stack.
type walker struct {
	p    *parser
	m    *Message
	d    *typeDef
	used [maxSlots]bool
	occ  [maxGroups]int // occurrences per group
	i    int            // current slot
	any  bool           // i points at a slot that was used
}

// at is the location of a finding about the missing field tag (a slot's
// display form: "59a" for a field with options, "32A" for an exact tag):
// the place it was expected, that is the tag of field f, before which it
// should stand, or, when f is nil (missing at the end of block 4), the end
// of the last field's value (the start of block 4 when it has no field).
// Location.Field is the missing tag.
func (w *walker) at(f *Field, tag string) engine.Location {
	if f != nil {
		return engine.Location{Block: 4, Field: tag, Line: f.Line, Column: f.Column}
	}
	loc := w.m.endOfText()
	loc.Field = tag
	return loc
}

// where says where a missing field or sequence was expected, for the
// finding's text.
func (w *walker) where(f *Field) string {
	if f == nil {
		return " (expected before the end of block 4)"
	}
	return " (expected before field " + f.Tag + ")"
}

// endOfText is the location just after the last field of block 4 (the
// start of block 4 when it has no field).
func (m *Message) endOfText() engine.Location {
	l, c := m.TextLine, m.TextColumn
	if n := len(m.Fields); n > 0 {
		last := &m.Fields[n-1]
		end := last.locAt(len(last.Value))
		l, c = end.Line, end.Column
	}
	return engine.Location{Block: 4, Line: l, Column: c}
}

// checkStructure walks the fields against the definition: each field goes
// to the next slot that takes its tag (re-entering a repetitive sequence at
// its first slot); mandatory slots skipped on the way, fields no slot takes
// and option letters not allowed are T13 (FEC-2010: "field tag not
// expected ... mandatory field missing ... sequence incorrect ... field not
// allowed"); a mandatory repetitive sequence that never occurs is T11.
//
// For a direct definition the in-order check runs first; when it finds
// nothing to report the walk is not needed.
func (m *Message) checkStructure(p *parser, d *typeDef) {
	if d.direct && m.inOrder(d) {
		return // a direct definition has no sequences to build
	}
	m.walk(p, d)
}

// walk is the structure walk of checkStructure.
func (m *Message) walk(p *parser, d *typeDef) {
	w := walker{p: p, m: m, d: d}
	// compileDef keeps len(d.groups) <= maxGroups = len(w.occ).
	for fi := range m.Fields {
		if p.full() {
			return
		}
		f := &m.Fields[fi]
		j, exact := w.find(f)
		if j < 0 {
			w.unexpected(f)
			continue
		}
		w.advance(j, f)
		f.slot = int8(j + 1)
		s := &d.slots[j]
		if !exact {
			p.err(codeT13, f.Loc(), "option "+engine.Echo(f.Option())+" of field "+s.tag+" is not allowed in "+m.Type+" (allowed: "+optList(s.opts)+")")
		}
		if s.codes != nil {
			c := f.Code()
			if f.Components == nil {
				c = ""
			}
			if f.Components != nil && !inList(s.codes, c) {
				p.err(s.codeErr, f.LocOf("Code"), "field "+f.Tag+": code word "+engine.Echo(c)+" is not allowed in "+m.Type)
			}
		}
		if s.group >= 0 {
			g := &d.groups[s.group]
			f.Seq = g.name
			if g.rep {
				f.SeqIndex = w.occ[s.group]
			}
		}
	}
	w.finish()
	m.buildSeqs()
}

// inOrder reports whether the walk of checkStructure would find nothing
// to report on a direct definition d (see typeDef.direct): every field
// takes the one slot that allows its tag number and option, in slot order
// (the same slot again only when repeatable), no mandatory slot is skipped
// or left at the end, and code words are in their slot's list. It reports
// nothing itself: on false the walk runs from the start and explains.
func (m *Message) inOrder(d *typeDef) bool {
	cur := -1 // the slot the last field took
	for i := range m.Fields {
		f := &m.Fields[i]
		num, opt := f.key()
		if num < 0 {
			return false
		}
		j := int(d.first[num]) - 1
		for j >= 0 && d.slots[j].optMask&(1<<opt) == 0 {
			j = int(d.slots[j].same) - 1
		}
		if j < 0 {
			return false
		}
		s := &d.slots[j]
		switch {
		case j == cur:
			if !s.rep {
				return false
			}
		case j < cur || d.next[cur+1] < j:
			return false // out of order, or a mandatory slot skipped
		}
		if s.codes != nil && f.Components != nil && !inList(s.codes, f.Code()) {
			return false
		}
		f.slot = int8(j + 1)
		cur = j
	}
	return d.next[cur+1] >= len(d.slots)
}

func optList(opts string) string {
	b := make([]byte, 0, 2*len(opts))
	for i := 0; i < len(opts); i++ {
		if i > 0 {
			b = append(b, ',', ' ')
		}
		if opts[i] == '_' {
			b = append(b, "no letter"...)
			continue
		}
		b = append(b, opts[i])
	}
	return string(b)
}

func inList(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// fieldKey is a field tag as tagKey splits it: number and option index.
type fieldKey struct{ num, opt int }

func keyOf(f *Field) fieldKey {
	n, o := f.key()
	return fieldKey{n, o}
}

// slotTakes reports whether slot s takes a field with tag k: same number
// and, when exact, an option listed in s.opts (compared as precomputed
// numbers rather than strings).
func slotTakes(s *slot, k fieldKey, exact bool) bool {
	if s.key < 0 {
		return true // "any"
	}
	if k.num != s.key {
		return false
	}
	return !exact || s.optMask&(1<<k.opt) != 0
}

// find returns the slot for f and whether its option is allowed there, or
// -1. Order of preference: the current slot again if repeatable, later
// slots of the current sequence occurrence, a new occurrence of the current
// repetitive sequence, then later slots; exact option matches first.
func (w *walker) find(f *Field) (int, bool) {
	k := keyOf(f)
	if k.num < 0 {
		// Not a tag the tokenizer makes; compare as the strings did.
		return w.findSlow(f)
	}
	for _, exact := range [2]bool{true, false} {
		if j := w.scan(k, exact); j >= 0 {
			return j, exact
		}
	}
	return -1, false
}

// findSlow is find for a malformed tag: only "any" slots can take it.
func (w *walker) findSlow(f *Field) (int, bool) {
	for _, exact := range [2]bool{true, false} {
		if j := w.scan(fieldKey{num: -2}, exact); j >= 0 {
			return j, exact
		}
	}
	return -1, false
}

func (w *walker) scan(f fieldKey, exact bool) int {
	sl := w.d.slots
	i := w.i
	if i < len(sl) && w.any && sl[i].rep && slotTakes(&sl[i], f, exact) {
		return i
	}
	start := i
	if w.any {
		start = i + 1
	}
	cg := -1
	if w.any && i < len(sl) {
		cg = sl[i].group
	}
	for j := start; j < len(sl); j++ {
		if cg >= 0 {
			g := &w.d.groups[cg]
			if j == g.last+1 && g.rep {
				if k := w.restart(g, f, exact); k >= 0 {
					return k
				}
			}
		}
		if slotTakes(&sl[j], f, exact) {
			return j
		}
	}
	if cg >= 0 {
		g := &w.d.groups[cg]
		if g.last == len(sl)-1 && g.rep {
			return w.restart(g, f, exact)
		}
	}
	return -1
}

// restart returns the slot of group g that takes f as the first field of a
// new occurrence, or -1: the group's first slot, or one of the optional
// slots up to and including its first mandatory one (MT 935's rate block
// starts with 23 or 25, both optional).
func (w *walker) restart(g *group, f fieldKey, exact bool) int {
	sl := w.d.slots
	for k := g.first; k <= g.last; k++ {
		if slotTakes(&sl[k], f, exact) {
			return k
		}
		if sl[k].mand {
			break
		}
	}
	return -1
}

// advance moves to slot j for field f, reporting mandatory slots skipped.
func (w *walker) advance(j int, f *Field) {
	sl := w.d.slots
	i := w.i
	if w.any && j == i {
		return // repeat of the current slot
	}
	if w.any && j <= i {
		// New occurrence of the current repetitive sequence.
		g := sl[j].group
		w.missing(i+1, w.d.groups[g].last+1, f)
		for k := w.d.groups[g].first; k <= w.d.groups[g].last; k++ {
			w.used[k] = false
		}
		w.occ[g]++
		if gr := &w.d.groups[g]; gr.max > 0 && w.occ[g] == gr.max+1 {
			w.p.err(codeT10, f.Loc(), "sequence "+gr.name+" of "+w.m.Type+" occurs more than "+strconv.Itoa(gr.max)+" times")
		}
		w.i, w.any = j, true
		w.used[j] = true
		return
	}
	start := i
	if w.any {
		start = i + 1
	}
	if g := sl[j].group; g >= 0 && w.occ[g] == 0 {
		// Entering a sequence: slots of the sequence before j count.
		w.missing(start, w.d.groups[g].first, f)
		w.occ[g] = 1
		w.missing(w.d.groups[g].first, j, f)
	} else {
		w.missing(start, j, f)
	}
	w.i, w.any = j, true
	w.used[j] = true
}

// missing reports mandatory slots in [from, to) that were not used.
// Sequences never entered are reported once (if mandatory) and skipped.
//
// The finding is located at field f, or at the end of block 4 when f is
// nil (see at); the location is built only when there is something to
// report.
func (w *walker) missing(from, to int, f *Field) {
	sl := w.d.slots
	if from < 0 || from >= len(sl) {
		return
	}
	// Only mandatory slots and sequence starts can report anything: jump
	// from one to the next.
	nx := w.d.next
	for k := nx[from]; k < to && k < len(sl); k = nx[k+1] {
		s := &sl[k]
		if g := s.group; g >= 0 && w.occ[g] == 0 {
			gr := &w.d.groups[g]
			if k == gr.first && gr.min > 0 {
				code := codeT13
				if gr.rep {
					code = codeT11
				}
				at := w.at(f, sl[gr.first].tag)
				w.p.err(code, at, "mandatory sequence "+gr.name+" of "+w.m.Type+" (starting with field "+sl[gr.first].tag+") is missing"+w.where(f))
			}
			if gr.last >= k {
				k = gr.last
			}
			continue
		}
		if s.mand && !w.used[k] {
			w.p.err(codeT13, w.at(f, s.tag), "mandatory field "+s.tag+" is missing"+w.where(f))
		}
	}
}

// unexpected reports a field no slot takes.
func (w *walker) unexpected(f *Field) {
	key := keyOf(f)
	if key.num < 0 {
		key.num = -2
	}
	for k := range w.d.slots {
		s := &w.d.slots[k]
		if slotTakes(s, key, false) {
			why := "is out of order"
			if w.used[k] && !s.rep && k == w.i {
				why = "is not repeatable here"
			}
			w.p.err(codeT13, f.Loc(), "field "+f.Tag+" "+why+" in "+w.m.Type)
			return
		}
	}
	w.p.err(codeT13, f.Loc(), "field "+f.Tag+" is not allowed in "+w.m.Type)
}

// finish reports mandatory slots after the last field.
func (w *walker) finish() {
	start := w.i
	if w.any {
		start = w.i + 1
	}
	w.missing(start, len(w.d.slots), nil)
	for g := range w.d.groups {
		gr := &w.d.groups[g]
		if n := w.occ[g]; n > 0 && n < gr.min {
			w.p.err(codeT11, w.afterGroup(g), "sequence "+gr.name+" of "+w.m.Type+" occurs "+strconv.Itoa(n)+" times; at least "+strconv.Itoa(gr.min)+" are required")
		}
	}
}

// afterGroup is where a further occurrence of group g was expected: after
// the last field of its last occurrence. Location.Field is the group's
// first tag.
func (w *walker) afterGroup(g int) engine.Location {
	first := w.d.slots[w.d.groups[g].first].tag
	for i := len(w.m.Fields) - 1; i >= 0; i-- {
		f := &w.m.Fields[i]
		if s := int(f.slot) - 1; s >= 0 && w.d.slots[s].group == g {
			loc := f.locAt(len(f.Value))
			loc.Field = first
			return loc
		}
	}
	loc := w.m.endOfText()
	loc.Field = first
	return loc
}

// buildSeqs groups consecutive fields of the same sequence occurrence.
func (m *Message) buildSeqs() {
	n := 0
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Seq != "" && (i == 0 || m.Fields[i-1].Seq != f.Seq || m.Fields[i-1].SeqIndex != f.SeqIndex) {
			n++
		}
	}
	if n == 0 {
		return
	}
	switch {
	case n <= len(m.seqBuf):
		m.Seqs = m.seqBuf[:0:n]
	case cap(m.seqStore) >= n:
		m.Seqs = m.seqStore[:0]
	default:
		m.seqStore = make([]Sequence, 0, n)
		m.Seqs = m.seqStore
	}
	for i := 0; i < len(m.Fields); {
		f := &m.Fields[i]
		if f.Seq == "" {
			i++
			continue
		}
		j := i + 1
		for j < len(m.Fields) && m.Fields[j].Seq == f.Seq && m.Fields[j].SeqIndex == f.SeqIndex {
			j++
		}
		idx := f.SeqIndex
		if idx == 0 {
			idx = 1
		}
		m.Seqs = append(m.Seqs, Sequence{Name: f.Seq, Index: idx, Fields: m.Fields[i:j:j]})
		i = j
	}
}
