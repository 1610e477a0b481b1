package mt

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/swiftval/swiftval/engine"
)

// SWIFT character sets (mt-facts 2.1; the set table itself is marked
// unconfirmed there):
//
//	n digits; a upper-case letters; c upper-case letters and digits;
//	h upper-case hex; x the X set; y the Y set; z the Z set; d digits and
//	the decimal comma; e a blank.
type charset uint8

const (
	setN charset = iota
	setA
	setC
	setH
	setX
	setY
	setZ
	setD
	setE
	setUC // internal: upper-case letters and digits (BIC)
	numSets
)

// setTable is filled by a variable initializer rather than an init
// function so that it is ready before any init function of the package
// could compile a notation (package variables are initialised first). It
// takes about a microsecond and allocates nothing.
var setTable = buildSetTable()

func buildSetTable() [numSets][256]bool {
	var setTable [numSets][256]bool
	add := func(s charset, chars string) {
		for i := 0; i < len(chars); i++ {
			setTable[s][chars[i]] = true
		}
	}
	const digits = "0123456789"
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const lower = "abcdefghijklmnopqrstuvwxyz"
	add(setN, digits)
	add(setA, upper)
	add(setC, upper+digits)
	add(setUC, upper+digits)
	add(setH, digits+"ABCDEF")
	add(setX, upper+lower+digits+"/-?:().,'+ ")
	add(setY, upper+digits+".,-()/='+:?!\"%&*<>; ")
	add(setZ, upper+lower+digits+"/-?:().,'+ =!\"%&*<>;{@#_\r\n")
	add(setD, digits+",")
	add(setE, " ")
	return setTable
}

func setOf(c byte) (charset, bool) {
	switch c {
	case 'n':
		return setN, true
	case 'a':
		return setA, true
	case 'c':
		return setC, true
	case 'h':
		return setH, true
	case 'x':
		return setX, true
	case 'y':
		return setY, true
	case 'z':
		return setZ, true
	case 'd':
		return setD, true
	case 'e':
		return setE, true
	}
	return 0, false
}

// matchSet reports whether v has min..max characters, all in set s.
func matchSet(v string, min, max int, s charset) bool {
	if len(v) < min || len(v) > max {
		return false
	}
	t := &setTable[s]
	for i := 0; i < len(v); i++ {
		if !t[v[i]] {
			return false
		}
	}
	return true
}

type nodeKind uint8

const (
	kLit nodeKind = iota
	kComp
	kOpt
	kNL
	kBIC
)

type node struct {
	kind  nodeKind
	set   charset
	lit   string
	min   int
	max   int
	lines int // > 0: up to lines lines of up to max characters
	comp  int // component index (kComp, kBIC)
	sub   []node
	// kOpt: the bytes a match of sub can start with (a superset) and
	// whether sub can match nothing; see firstSet.
	first    byteSet
	nullable bool
}

// byteSet is a set of bytes.
type byteSet [4]uint64

func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) union(o *byteSet) {
	b[0], b[1], b[2], b[3] = b[0]|o[0], b[1]|o[1], b[2]|o[2], b[3]|o[3]
}
func (b *byteSet) addSet(t *[256]bool) {
	for c := range t {
		if t[c] {
			b.add(byte(c))
		}
	}
}

// firstSet returns the bytes a match of nodes can start with (a superset:
// every node but kOpt consumes at least one byte, and a match of it starts
// with one of these) and whether nodes can match the empty string. It
// fills first and nullable of the kOpt nodes on the way.
func firstSet(nodes []node) (byteSet, bool) {
	var set byteSet
	for k := range nodes {
		n := &nodes[k]
		switch n.kind {
		case kOpt:
			n.first, n.nullable = firstSet(n.sub)
			set.union(&n.first)
			continue
		case kLit:
			set.add(n.lit[0])
		case kNL:
			set.add('\n')
			set.add('\r')
		case kBIC:
			for c := byte('A'); c <= 'Z'; c++ {
				set.add(c)
			}
		case kComp:
			var t byteSet
			t.addSet(&setTable[n.set])
			if n.lines > 0 || n.set != setZ {
				// Only z takes line breaks, and never as the first
				// character of a line of a multi-line component.
				t[0] &^= 1<<'\n' | 1<<'\r'
			}
			set.union(&t)
		}
		// Continue past the first node that consumes input only to fill
		// the kOpt nodes after it.
		for j := k + 1; j < len(nodes); j++ {
			if nodes[j].kind == kOpt {
				nodes[j].first, nodes[j].nullable = firstSet(nodes[j].sub)
			}
		}
		return set, false
	}
	return set, true
}

// Pattern is a compiled SWIFT field format ("6!n3!a15d", "[/1!a][/34x]$<BIC>",
// "4*35x"). It is immutable and safe for concurrent use.
//
// Notation: a count then a character set is a component ("16x" up to 16,
// "6!n" exactly 6, "1-3n" 1 to 3, "4*35x" up to 4 lines of up to 35); "[...]"
// is optional; "$" is a line break; "<BIC>" is a BIC (4!a2!a2!c[3!c]) as one
// component; any other characters ("/", "//", "N", code words) are literals.
type Pattern struct {
	// Notation is the source notation.
	Notation string
	nodes    []node
	ncomp    int
	comps    []compInfo
	// linear is true when the pattern can be matched left to right without
	// backtracking (no optional parts, each variable component followed by
	// something it cannot consume); such values take the fast path.
	linear bool
	// partyA is true for the option-A party format (notPartyA), whose
	// common values matchPartyA matches by hand.
	partyA bool
}

type compInfo struct {
	name string
	set  charset
	min  int
	max  int
	bic  bool
	kind semKind
}

// semKind is the meaning of a component, from its name, for the checks
// that follow a structural match.
type semKind uint8

const (
	semNone semKind = iota
	semDate
	semMMDD
	semTime
	semOffset
	semSign
	semCurrency
	semDecimal
	semMark
)

func kindOf(name string) semKind {
	switch name {
	case "Date", "ValueDate":
		return semDate
	case "EntryDate":
		return semMMDD
	case "Time":
		return semTime
	case "Offset":
		return semOffset
	case "Sign":
		return semSign
	case "Currency":
		return semCurrency
	case "Amount", "Rate":
		return semDecimal
	case "Mark":
		return semMark
	}
	return semNone
}

// MaxComponents is the most components a pattern may have.
const MaxComponents = 16

// ErrNotation is wrapped by Compile errors.
var ErrNotation = errors.New("invalid field notation")

// Compile compiles a notation once; names, when given, name the components
// in order of appearance (a name per component, or none).
func Compile(notation string, names ...string) (*Pattern, error) {
	c := compiler{s: notation}
	nodes, err := c.seq(0)
	if err != nil {
		return nil, err
	}
	if c.i < len(c.s) {
		return nil, c.fail("unbalanced ']'")
	}
	if len(names) > 0 && len(names) != len(c.comps) {
		return nil, errors.Join(ErrNotation, errors.New(strconv.Itoa(len(c.comps))+" components in "+strconv.Quote(notation)+" but "+strconv.Itoa(len(names))+" names"))
	}
	for i := range c.comps {
		if i < len(names) {
			c.comps[i].name = names[i]
		} else {
			c.comps[i].name = "C" + strconv.Itoa(i+1)
		}
		c.comps[i].kind = kindOf(c.comps[i].name)
	}
	firstSet(nodes)
	return &Pattern{Notation: notation, nodes: nodes, ncomp: len(c.comps), comps: c.comps, linear: isLinear(nodes),
		partyA: notation == notPartyA}, nil
}

// isLinear reports whether greedy left-to-right matching of nodes is
// exact: see Pattern.linear.
func isLinear(nodes []node) bool {
	for k := range nodes {
		n := &nodes[k]
		switch n.kind {
		case kOpt, kBIC:
			return false
		case kComp:
			if n.lines > 0 && k != len(nodes)-1 {
				return false
			}
			if n.min == n.max || k == len(nodes)-1 {
				continue
			}
			if n.set == setZ {
				return false // z also takes line breaks: not worth the case analysis
			}
			nx := &nodes[k+1]
			switch nx.kind {
			case kNL:
			case kLit:
				if setTable[n.set][nx.lit[0]] {
					return false
				}
			case kComp:
				for c := 0; c < 256; c++ {
					if setTable[n.set][c] && setTable[nx.set][c] {
						return false
					}
				}
			default:
				return false
			}
		}
	}
	return true
}

// runTable is setTable as bytes (1 in the set, 0 not), so that runs can
// test four bytes with one branch; its extra set zLine is z without the
// line breaks, for lineRun.
var runTable = buildRunTable()

const zLine = numSets

func buildRunTable() [numSets + 1][256]uint8 {
	var t [numSets + 1][256]uint8
	for s := range numSets {
		for c := range 256 {
			if setTable[s][c] {
				t[s][c] = 1
			}
		}
	}
	t[zLine] = t[setZ]
	t[zLine]['\r'], t[zLine]['\n'] = 0, 0
	return t
}

// run returns the length of the run of bytes of r in the set t: four
// bytes a step while all four are in it, then byte by byte.
func run(t *[256]uint8, r string) int {
	l := 0
	for ; len(r)-l >= 4; l += 4 {
		q := r[l : l+4]
		if t[q[0]]&t[q[1]]&t[q[2]]&t[q[3]] == 0 {
			break
		}
	}
	for l < len(r) && t[r[l]] != 0 {
		l++
	}
	return l
}

// compRun returns how many bytes of v from pos, at most max, are in the
// set s: a single-line component's greedy run. Only z holds line breaks,
// so testing the set alone is the same as also stopping at '\r' and '\n'
// for the other sets (TestRuns).
func compRun(s charset, v string, pos, max int) int {
	r := v[pos:]
	if len(r) > max {
		r = r[:max]
	}
	return run(&runTable[s], r)
}

// lineRun returns the length of the run of bytes of set s from q that
// stops at a line break: one line of a multi-line component.
func lineRun(s charset, v string, q int) int {
	if s == setZ {
		s = zLine
	}
	return run(&runTable[s], v[q:])
}

// matchLinear matches a linear pattern greedily, filling mt.caps. It
// reports only success; on failure the backtracking matcher explains why.
func (p *Pattern) matchLinear(mt *matcher, v string) bool {
	pos := 0
	for k := range p.nodes {
		n := &p.nodes[k]
		switch n.kind {
		case kLit:
			if len(v)-pos < len(n.lit) || v[pos:pos+len(n.lit)] != n.lit {
				return false
			}
			pos += len(n.lit)
		case kNL:
			if pos < len(v) && v[pos] == '\n' {
				pos++
			} else if pos+1 < len(v) && v[pos] == '\r' && v[pos+1] == '\n' {
				pos += 2
			} else {
				return false
			}
		case kComp:
			if n.lines > 0 {
				st := pos
				lines := 0
				for {
					l := lineRun(n.set, v, pos)
					if l == 0 || l > n.max {
						return false
					}
					lines++
					pos += l
					if pos == len(v) {
						break
					}
					if lines == n.lines {
						return false
					}
					if v[pos] == '\n' {
						pos++
					} else if pos+1 < len(v) && v[pos] == '\r' && v[pos+1] == '\n' {
						pos += 2
					} else {
						return false
					}
				}
				mt.caps[n.comp] = span{int32(st), int32(pos)}
				continue
			}
			l := compRun(n.set, v, pos, n.max)
			if l < n.min {
				return false
			}
			mt.caps[n.comp] = span{int32(pos), int32(pos + l)}
			pos += l
		}
	}
	return pos == len(v)
}

// MustCompile is Compile that panics on error (for the built-in tables).
func MustCompile(notation string, names ...string) *Pattern {
	p, err := Compile(notation, names...)
	if err != nil {
		panic(err)
	}
	return p
}

type compiler struct {
	s     string
	i     int
	depth int
	comps []compInfo
}

func (c *compiler) fail(why string) error {
	return errors.Join(ErrNotation, errors.New(strconv.Quote(c.s)+" at "+strconv.Itoa(c.i)+": "+why))
}

func (c *compiler) num() (int, bool) {
	st := c.i
	n := 0
	for c.i < len(c.s) && isDigit(c.s[c.i]) {
		n = n*10 + int(c.s[c.i]-'0')
		c.i++
		if n > 100000 {
			return 0, false
		}
	}
	return n, c.i > st
}

func (c *compiler) seq(depth int) ([]node, error) {
	if depth > 8 {
		return nil, c.fail("optional parts nested too deeply")
	}
	var out []node
	for c.i < len(c.s) {
		ch := c.s[c.i]
		switch {
		case ch == '[':
			c.i++
			sub, err := c.seq(depth + 1)
			if err != nil {
				return nil, err
			}
			if c.i >= len(c.s) || c.s[c.i] != ']' {
				return nil, c.fail("missing ']'")
			}
			c.i++
			if len(sub) == 0 {
				return nil, c.fail("empty optional part")
			}
			out = append(out, node{kind: kOpt, sub: sub})
		case ch == ']':
			if depth == 0 {
				return nil, c.fail("unbalanced ']'")
			}
			return out, nil
		case ch == '$':
			c.i++
			out = append(out, node{kind: kNL})
		case ch == '<':
			if !strings.HasPrefix(c.s[c.i:], "<BIC>") {
				return nil, c.fail("unknown macro (only <BIC>)")
			}
			c.i += 5
			if len(c.comps) >= MaxComponents {
				return nil, c.fail("too many components")
			}
			out = append(out, node{kind: kBIC, min: 8, max: 11, comp: len(c.comps)})
			c.comps = append(c.comps, compInfo{set: setUC, min: 8, max: 11, bic: true})
		case isDigit(ch):
			n, ok := c.num()
			if !ok || n == 0 {
				return nil, c.fail("bad length")
			}
			nd := node{kind: kComp, min: 1, max: n}
			if c.i < len(c.s) && c.s[c.i] == '!' {
				nd.min = n
				c.i++
			} else if c.i < len(c.s) && c.s[c.i] == '-' {
				c.i++
				m, ok := c.num()
				if !ok || m < n {
					return nil, c.fail("bad length range")
				}
				nd.min, nd.max = n, m
			} else if c.i < len(c.s) && c.s[c.i] == '*' {
				c.i++
				m, ok := c.num()
				if !ok || m == 0 {
					return nil, c.fail("bad line length")
				}
				nd.lines, nd.min, nd.max = n, 1, m
			}
			if c.i >= len(c.s) {
				return nil, c.fail("missing character set")
			}
			set, ok := setOf(c.s[c.i])
			if !ok {
				return nil, c.fail("unknown character set " + strconv.Quote(c.s[c.i:c.i+1]))
			}
			c.i++
			if nd.max > 10000 || nd.lines > 1000 {
				return nil, c.fail("length too large")
			}
			if len(c.comps) >= MaxComponents {
				return nil, c.fail("too many components")
			}
			nd.set, nd.comp = set, len(c.comps)
			out = append(out, nd)
			c.comps = append(c.comps, compInfo{set: set, min: nd.min, max: nd.max})
		case ch >= 'a' && ch <= 'z':
			return nil, c.fail("character set without a length")
		default:
			st := c.i
			for c.i < len(c.s) {
				d := c.s[c.i]
				if d == '[' || d == ']' || d == '$' || d == '<' || isDigit(d) || (d >= 'a' && d <= 'z') {
					break
				}
				c.i++
			}
			out = append(out, node{kind: kLit, lit: c.s[st:c.i]})
		}
	}
	if depth > 0 {
		return nil, c.fail("missing ']'")
	}
	return out, nil
}

// Failure says why a value does not match a pattern.
type Failure struct {
	// Code is the SWIFT error code (T17, T31, T33, T34 ... or a component
	// specific code such as T50 for a date, T27 for a BIC).
	Code string
	// Component is the index of the failing component, -1 when the failure
	// is a separator or trailing text.
	Component int
	// Name is the failing component's name ("" when Component is -1).
	Name string
	// Offset is the byte offset within the value where the failure is.
	Offset int
	// Reason is a plain-English explanation. It quotes the offending text
	// (at most engine.MaxEcho characters) and names a character outside the
	// set by code point.
	Reason string
	// Char is the offending character when it is not ASCII or is a control
	// character (a no-break space, a typographic quote, a tab): the same
	// character met in field after field is one problem. 0 otherwise.
	Char rune
}

type span struct{ lo, hi int32 }

type frame struct {
	nodes []node
	k     int
	next  *frame
}

// matcher is the state of one match; it lives on the caller's stack.
type matcher struct {
	p     *Pattern
	v     string
	caps  [MaxComponents]span
	steps int
	// furthest failure
	fpos   int
	fcomp  int
	fkind  failKind
	fset   bool
	fextra int // for messages: the limit involved
	fstart int // where the failing component (or its failing line) starts
}

type failKind uint8

const (
	fNone failKind = iota
	fShort
	fChar
	fLong
	fLit
	fNL
	fTrailing
	fLines
	fBlank
	fBudget
	fStop // a variable component stopped at a character outside its set
)

// maxSteps bounds the backtracking of one match (patterns are tiny; this
// only matters for hostile notations in fuzzing).
const maxSteps = 20000

func (mt *matcher) failAt(pos, comp int, k failKind, extra int) {
	// The furthest failure wins; at the same position a component failure
	// is more telling than a missing separator of an optional part.
	if !mt.fset || pos > mt.fpos || (pos == mt.fpos && mt.weaker(comp, k)) {
		mt.fpos, mt.fcomp, mt.fkind, mt.fextra, mt.fset, mt.fstart = pos, comp, k, extra, true, pos
	}
}

// failComp is failAt for a failure inside a component that starts at start
// (for a multi-line component, the start of the failing line), so that the
// message can quote the component's text.
func (mt *matcher) failComp(start, pos, comp int, k failKind, extra int) {
	mt.failAt(pos, comp, k, extra)
	if mt.fpos == pos && mt.fcomp == comp && mt.fkind == k {
		mt.fstart = start
	}
}

// weaker reports whether the recorded failure at the same position should
// give way to a new one of kind k.
func (mt *matcher) weaker(comp int, k failKind) bool {
	switch mt.fkind {
	case fStop:
		return k != fTrailing && k != fStop
	case fLit, fNL:
		return comp >= 0 && k != fLit && k != fNL && k != fStop && k != fTrailing
	}
	return false
}

// Match reports whether v matches the pattern; when not, the Failure
// describes the furthest point reached.
func (p *Pattern) Match(v string) (bool, Failure) {
	var mt matcher
	ok := p.match(&mt, v)
	if ok {
		return true, Failure{}
	}
	return false, mt.failure()
}

func (p *Pattern) match(mt *matcher, v string) bool {
	mt.p, mt.v, mt.steps, mt.fset = p, v, 0, false
	switch {
	case p.linear:
		if p.matchLinear(mt, v) {
			return true
		}
	case p.partyA:
		if matchPartyA(mt, v) {
			return true
		}
	case p.matchFirst(mt, v):
		return true
	}
	for i := range mt.caps[:p.ncomp] {
		mt.caps[i] = span{-1, -1}
	}
	return mt.seq(p.nodes, 0, 0, -1, nil)
}

// Outcomes of firstPath.
const (
	fpOK      = iota // the nodes matched
	fpNone           // no way through the nodes exists (every path fails)
	fpUnknown        // the first path failed but others were not tried
)

// matchFirst matches a pattern along the backtracking matcher's first path
// only: at each choice it takes the alternative the backtracking matcher
// tries first (an optional part taken, the preferred cut or the longest
// run of a component, 11 characters of a BIC, the most lines). An optional
// part is skipped only when taking it fails before any choice was made
// (so every way through it fails). When the first path matches, it is the
// backtracking matcher's answer, with the same components; when it does
// not, matchFirst reports false and the caller runs the backtracking
// matcher, which also explains the failure. It neither records failures
// nor counts steps.
func (p *Pattern) matchFirst(mt *matcher, v string) bool {
	mt.p, mt.v = p, v
	for i := range mt.caps[:p.ncomp] {
		mt.caps[i] = span{-1, -1}
	}
	pos, r := mt.firstPath(p.nodes, 0)
	return r == fpOK && pos == len(v)
}

// clearCaps resets the captures of the components in nodes.
func clearCaps(mt *matcher, nodes []node) {
	for k := range nodes {
		switch n := &nodes[k]; n.kind {
		case kComp, kBIC:
			mt.caps[n.comp] = span{-1, -1}
		case kOpt:
			clearCaps(mt, n.sub)
		}
	}
}

// failOutcome is firstPath's outcome on a failure: no way through when no
// choice was made on the way.
func failOutcome(chose bool) int {
	if chose {
		return fpUnknown
	}
	return fpNone
}

// firstPath follows the first path through nodes from pos; see matchFirst.
func (mt *matcher) firstPath(nodes []node, pos int) (int, int) {
	v := mt.v
	chose := false // a choice with untried alternatives was made
	for k := range nodes {
		n := &nodes[k]
		switch n.kind {
		case kLit:
			if len(v)-pos < len(n.lit) || v[pos:pos+len(n.lit)] != n.lit {
				return pos, failOutcome(chose)
			}
			pos += len(n.lit)
		case kNL:
			if pos < len(v) && v[pos] == '\n' {
				pos++
			} else if pos+1 < len(v) && v[pos] == '\r' && v[pos+1] == '\n' {
				pos += 2
			} else {
				return pos, failOutcome(chose)
			}
		case kOpt:
			if !n.nullable && (pos >= len(v) || !n.first.has(v[pos])) {
				// No match of sub starts here: firstPath(sub) would
				// report fpNone without capturing anything.
				continue
			}
			np, r := mt.firstPath(n.sub, pos)
			switch r {
			case fpOK:
				pos, chose = np, true // skipping it is the untried alternative
			case fpUnknown:
				return pos, fpUnknown
			}
			if r == fpNone {
				// Taking it fails whatever follows: skip it, forgetting
				// what its components captured on the way.
				clearCaps(mt, n.sub)
			}
		case kBIC:
			if len(v)-pos < 8 || !isBIC(v[pos:pos+8]) {
				return pos, failOutcome(chose)
			}
			l := 8
			if len(v)-pos >= 11 && allUC(v[pos+8:pos+11]) {
				l, chose = 11, true
			}
			mt.caps[n.comp] = span{int32(pos), int32(pos + l)}
			pos += l
		case kComp:
			if n.lines > 0 {
				// As multi: collect lines greedily, take them all.
				cnt, end, q := 0, -1, pos
				for {
					l := lineRun(n.set, v, q)
					if (q+l < len(v) && v[q+l] != '\n' && v[q+l] != '\r') || l == 0 || l > n.max || cnt == n.lines || cnt == 64 {
						break
					}
					cnt++
					q += l
					end = q
					if q < len(v) && v[q] == '\r' && q+1 < len(v) && v[q+1] == '\n' {
						q += 2
					} else if q < len(v) && v[q] == '\n' {
						q++
					} else {
						break
					}
				}
				if cnt == 0 {
					return pos, failOutcome(chose)
				}
				if cnt > 1 {
					chose = true
				}
				mt.caps[n.comp] = span{int32(pos), int32(end)}
				pos = end
				continue
			}
			l := compRun(n.set, v, pos, n.max)
			if l < n.min {
				return pos, failOutcome(chose)
			}
			j := l
			if lit := nextLit(nodes, k+1); lit != "" {
				if c := strings.Index(v[pos:pos+l], lit); c >= n.min {
					j = c
				}
			}
			if l > n.min {
				chose = true
			}
			mt.caps[n.comp] = span{int32(pos), int32(pos + j)}
			pos += j
		}
	}
	return pos, fpOK
}

func (mt *matcher) seq(nodes []node, k, pos, prev int, cont *frame) bool {
	mt.steps++
	if mt.steps > maxSteps {
		mt.failAt(pos, prev, fBudget, 0)
		return false
	}
	v := mt.v
	if k == len(nodes) {
		if cont != nil {
			return mt.seq(cont.nodes, cont.k, pos, prev, cont.next)
		}
		if pos == len(v) {
			return true
		}
		mt.failAt(pos, prev, fTrailing, 0)
		return false
	}
	n := &nodes[k]
	switch n.kind {
	case kLit:
		if len(v)-pos >= len(n.lit) && v[pos:pos+len(n.lit)] == n.lit {
			return mt.seq(nodes, k+1, pos+len(n.lit), prev, cont)
		}
		mt.failAt(pos, -1-k, fLit, 0)
		return false
	case kNL:
		if pos < len(v) && v[pos] == '\n' {
			return mt.seq(nodes, k+1, pos+1, prev, cont)
		}
		if pos+1 < len(v) && v[pos] == '\r' && v[pos+1] == '\n' {
			return mt.seq(nodes, k+1, pos+2, prev, cont)
		}
		mt.failAt(pos, prev, fNL, 0)
		return false
	case kOpt:
		after := frame{nodes: nodes, k: k + 1, next: cont}
		if mt.seq(n.sub, 0, pos, prev, &after) {
			return true
		}
		return mt.seq(nodes, k+1, pos, prev, cont)
	case kBIC:
		if len(v)-pos >= 8 && isBIC(v[pos:pos+8]) {
			if len(v)-pos >= 11 && allUC(v[pos+8:pos+11]) && mt.seq(nodes, k+1, pos+11, n.comp, cont) {
				mt.caps[n.comp] = span{int32(pos), int32(pos + 11)}
				return true
			}
			if mt.seq(nodes, k+1, pos+8, n.comp, cont) {
				mt.caps[n.comp] = span{int32(pos), int32(pos + 8)}
				return true
			}
			return false
		}
		mt.failComp(pos, pos, n.comp, fChar, 0)
		return false
	}
	// kComp
	if n.lines > 0 {
		return mt.multi(nodes, k, pos, cont)
	}
	t := &setTable[n.set]
	l := 0
	for pos+l < len(v) && l < n.max && t[v[pos+l]] {
		if (v[pos+l] == '\r' || v[pos+l] == '\n') && n.set != setZ {
			break
		}
		l++
	}
	if l < n.min {
		switch {
		case l == 0 && (pos == len(v) || v[pos] == '\r' || v[pos] == '\n'):
			mt.failComp(pos, pos, n.comp, fBlank, n.min)
		case pos+l < len(v) && !t[v[pos+l]] && v[pos+l] != '\r' && v[pos+l] != '\n':
			mt.failComp(pos, pos+l, n.comp, fChar, 0)
		default:
			mt.failComp(pos, pos+l, n.comp, fShort, n.min)
		}
		return false
	}
	// Note where the component stopped for diagnostics: too long, or a
	// character outside its set (weak: a separator or the next component
	// failing at the same place is the better explanation).
	if pos+l < len(v) && v[pos+l] != '\r' && v[pos+l] != '\n' {
		if l == n.max && t[v[pos+l]] {
			mt.failComp(pos, pos+l, n.comp, fLong, n.max)
		} else if l < n.max && !t[v[pos+l]] {
			mt.failComp(pos, pos+l, n.comp, fStop, 0)
		}
	}
	// Preferred cut: before the first occurrence of the literal that
	// follows, so "16x[//16x]" splits at "//".
	pref := -1
	if lit := nextLit(nodes, k+1); lit != "" {
		if j := strings.Index(v[pos:pos+l], lit); j >= n.min {
			pref = j
			if mt.tryComp(nodes, k, pos, j, cont) {
				return true
			}
		}
	}
	for j := l; j >= n.min; j-- {
		if j == pref {
			continue
		}
		if mt.tryComp(nodes, k, pos, j, cont) {
			return true
		}
		if mt.steps > maxSteps {
			return false
		}
	}
	return false
}

func (mt *matcher) tryComp(nodes []node, k, pos, l int, cont *frame) bool {
	n := &nodes[k]
	if mt.seq(nodes, k+1, pos+l, n.comp, cont) {
		mt.caps[n.comp] = span{int32(pos), int32(pos + l)}
		return true
	}
	return false
}

// multi matches an N*M component: 1..N lines of 1..M characters.
func (mt *matcher) multi(nodes []node, k, pos int, cont *frame) bool {
	n := &nodes[k]
	v := mt.v
	t := &setTable[n.set]
	// Collect line ends greedily.
	var ends [64]int
	cnt := 0
	p := pos
	for {
		l := 0
		for p+l < len(v) && v[p+l] != '\n' && v[p+l] != '\r' && t[v[p+l]] {
			l++
		}
		if p+l < len(v) && v[p+l] != '\n' && v[p+l] != '\r' {
			mt.failComp(p, p+l, n.comp, fChar, 0)
			break
		}
		if l == 0 {
			mt.failComp(p, p, n.comp, fBlank, 1)
			break
		}
		if l > n.max {
			mt.failComp(p, p+n.max, n.comp, fLong, n.max)
			break
		}
		if cnt == n.lines || cnt == len(ends) {
			mt.failAt(p, n.comp, fLines, n.lines)
			break
		}
		ends[cnt] = p + l
		cnt++
		p += l
		if p < len(v) && v[p] == '\r' && p+1 < len(v) && v[p+1] == '\n' {
			p += 2
		} else if p < len(v) && v[p] == '\n' {
			p++
		} else {
			break
		}
	}
	for c := cnt; c >= 1; c-- {
		if mt.seq(nodes, k+1, ends[c-1], n.comp, cont) {
			mt.caps[n.comp] = span{int32(pos), int32(ends[c-1])}
			return true
		}
	}
	return false
}

func nextLit(nodes []node, k int) string {
	if k >= len(nodes) {
		return ""
	}
	switch nodes[k].kind {
	case kLit:
		return nodes[k].lit
	case kOpt:
		if len(nodes[k].sub) > 0 && nodes[k].sub[0].kind == kLit {
			return nodes[k].sub[0].lit
		}
	}
	return ""
}

// isBIC checks the first 8 characters of a BIC: 4!a2!a2!c.
func isBIC(s string) bool {
	for i := 0; i < 6; i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	return isUpperDigit(s[6]) && isUpperDigit(s[7])
}

func allUC(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpperDigit(s[i]) {
			return false
		}
	}
	return true
}

// failure turns the furthest failure into a Failure with a SWIFT code.
// Codes: T17 blank/missing (unconfirmed), T31 separator (unconfirmed), T33
// too long (unconfirmed), T30 too many lines (unconfirmed), T34 too short or
// wrong character (FEC-2010); component-specific codes override them: T27
// BIC, T50 date, T38 time, T52 currency, T40/T43 amount, T51 D/C mark, T15
// sign (see compCode).
//
// The reason quotes the offending text (engine.Echo caps it), names a
// character outside the set by its code point and Unicode name (so that a
// no-break space or a Cyrillic "А" can be told from what it looks like),
// and says how to fix it where there is one way: SWIFT's decimal comma, the
// part of a BIC that is wrong. It is built only for a value that failed.
func (mt *matcher) failure() Failure {
	p := mt.p
	f := Failure{Component: -1, Offset: mt.fpos}
	ci := mt.fcomp
	var info *compInfo
	if ci >= 0 && ci < p.ncomp {
		info = &p.comps[ci]
		f.Component, f.Name = ci, info.name
	}
	v := mt.v
	pos := min(mt.fpos, len(v))
	start := min(mt.fstart, pos)
	desc := "the value"
	if info != nil {
		desc = "component " + info.name
	}
	// text is the component's text on its line, from its start; rest is
	// what follows the failure on its line.
	text := v[start:lineEnd(v, pos)]
	rest := v[pos:lineEnd(v, pos)]
	switch mt.fkind {
	case fBlank:
		f.Code, f.Reason = codeT17, desc+" is missing or blank"
	case fShort:
		// The component ends (line break or end of value) too early.
		f.Code, f.Reason = codeT34, desc+" "+engine.Echo(v[start:pos])+" is too short: at least "+strconv.Itoa(mt.fextra)+" characters"
	case fChar, fStop:
		f.Code = codeT34
		switch {
		case info != nil && info.bic:
			f.Reason = desc + " " + engine.Echo(bicText(v, start)) + " is not a valid BIC: " + bicProblem(bicText(v, start))
		case info != nil && (info.name == "Amount" || info.name == "Rate") && pos < len(v) && v[pos] == '.':
			what := "amounts"
			if info.name == "Rate" {
				what = "rates"
			}
			f.Reason = desc + " " + engine.Echo(text) + " uses '.' as the decimal mark: SWIFT " + what + " use ',' (write " + engine.Echo(strings.Replace(text, ".", ",", 1)) + ")"
		case pos >= len(v) || v[pos] == '\r' || v[pos] == '\n':
			f.Reason = desc + " " + engine.Echo(text) + " ends too early"
		default:
			ch, _ := engine.DescribeChar(v, pos)
			f.Reason = desc + " " + engine.Echo(text) + " has " + ch + ", which is not in " + setName(info)
		}
	case fLong:
		f.Code, f.Reason = codeT33, desc+" "+engine.Echo(runOf(v, start, info))+" is longer than "+strconv.Itoa(mt.fextra)+" characters"
	case fLines:
		f.Code, f.Reason = codeT30, desc+" has more than "+strconv.Itoa(mt.fextra)+" lines"
	case fNL:
		f.Code, f.Reason = codeT31, "a line break is missing after "+desc
		if rest != "" {
			f.Reason += ", before " + engine.Echo(rest)
		}
	case fLit:
		f.Code, f.Reason = codeT31, "separator is missing or wrong"
		if rest != "" {
			f.Reason += " at " + engine.Echo(rest)
		}
		f.Component, f.Name = -1, ""
	case fTrailing:
		f.Code, f.Reason = codeT33, "unexpected text "+engine.Echo(v[pos:])+" after "+desc
		if info == nil {
			f.Reason = "unexpected text " + engine.Echo(v[pos:])
		}
	case fBudget:
		f.Code, f.Reason = codeT12, "the value cannot be matched against its format"
	default:
		f.Code, f.Reason = codeT12, "the value does not match its format"
	}
	if info != nil && mt.fkind != fLit && mt.fkind != fBudget && mt.fkind != fTrailing && mt.fkind != fNL {
		if c := compCode(info.name, mt.fkind, mt.v, mt.fpos); c != "" {
			f.Code = c
		}
		if info.bic {
			f.Code = codeT27
		}
	}
	if (mt.fkind == fChar || mt.fkind == fStop || mt.fkind == fShort) && pos < len(v) && v[pos] >= 0x80 {
		// Not ASCII: FIN text is ASCII, so the character is the problem
		// wherever it is (a no-break space, a typographic quote).
		f.Char, _ = utf8.DecodeRuneInString(v[pos:])
	} else if (mt.fkind == fChar || mt.fkind == fStop || mt.fkind == fShort) && pos < len(v) && v[pos] < 0x20 && v[pos] != '\r' && v[pos] != '\n' {
		f.Char = rune(v[pos])
	}
	return f
}

// lineEnd returns the offset of the line break (or the end) at or after i.
func lineEnd(v string, i int) int {
	for i < len(v) && v[i] != '\r' && v[i] != '\n' {
		i++
	}
	return i
}

// runOf returns the run of characters of the component's set from start.
func runOf(v string, start int, info *compInfo) string {
	end := lineEnd(v, start)
	if info == nil {
		return v[start:end]
	}
	t := &setTable[info.set]
	i := start
	for i < end && t[v[i]] {
		i++
	}
	return v[start:i]
}

// bicText returns the BIC-like word at start: up to the line's end or the
// first character that no BIC holds, at most 11 characters beyond which
// the length itself is the problem (and Echo caps the quote).
func bicText(v string, start int) string {
	end := lineEnd(v, start)
	i := start
	for i < end && v[i] != ' ' && v[i] != '/' {
		i++
	}
	return v[start:i]
}

// bicPart names the part of a BIC (4!a2!a2!c[3!c], ISO 9362) that holds
// the 0-based position i.
func bicPart(i int) string {
	switch {
	case i < 4:
		return "the business party prefix (characters 1-4) must be 4 letters"
	case i < 6:
		return "the country code (characters 5-6) must be 2 letters"
	case i < 8:
		return "the location code (characters 7-8) must be 2 letters or digits"
	}
	return "the branch code (characters 9-11) must be 3 letters or digits"
}

// bicProblem says which part of b, a value that is not a BIC, is wrong.
func bicProblem(b string) string {
	for i := 0; i < len(b) && i < 11; i++ {
		ok := isUpper(b[i])
		if i >= 6 {
			ok = isUpperDigit(b[i])
		}
		if !ok {
			ch, _ := engine.DescribeChar(b, i)
			return bicPart(i) + ", found " + ch
		}
	}
	return "a BIC has 8 or 11 characters, this has " + strconv.Itoa(utf8.RuneCountInString(b))
}

// setName names a component's character set for a message.
func setName(info *compInfo) string {
	if info == nil {
		return "the allowed characters"
	}
	switch info.set {
	case setN:
		return "the digits 0-9 (n)"
	case setA:
		return "the upper-case letters A-Z (a)"
	case setC, setUC:
		return "the upper-case letters and digits (c)"
	case setH:
		return "the hexadecimal digits 0-9 and A-F (h)"
	case setX:
		return "the SWIFT X character set (x): A-Z a-z 0-9 / - ? : ( ) . , ' + space"
	case setY:
		return "the EDIFACT level A character set (y)"
	case setZ:
		return "the SWIFT Z character set (z)"
	case setD:
		return "the digits and the decimal comma (d)"
	case setE:
		return "a space (e)"
	}
	return "the allowed characters"
}

// compCode returns the code for a failure inside a component with a known
// meaning, or "" to keep the generic code.
func compCode(name string, k failKind, v string, pos int) string {
	switch name {
	case "Date", "ValueDate", "EntryDate":
		return codeT50
	case "Time":
		return codeT38
	case "Currency":
		return codeT52
	case "Amount", "Rate":
		if (k == fChar || k == fStop) && pos < len(v) && v[pos] == '.' {
			return codeT43
		}
		return codeT40
	case "Mark":
		return codeT51
	case "Sign":
		return codeT15
	}
	return ""
}
