package mt

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/swiftval/swiftval/engine"
)

// Format is the SWIFT MT (FIN) format. It is immutable and safe for
// concurrent use.
type Format struct{}

// NewFormat returns the MT format for registration with an engine.
func NewFormat() engine.Format { return &Format{} }

var (
	_ engine.Splitter = (*Format)(nil)
	_ engine.Releaser = (*Format)(nil)
)

// Name returns "mt".
func (*Format) Name() string { return "mt" }

// Detect reports whether raw looks like an MT message: "{1:" after optional
// blanks and a UTF-8 BOM (which also covers ACK/NAK envelopes, which start
// with a service-21 block 1), or a headerless block-4 export starting with
// ":20:" (such input is then reported invalid for its missing headers
// rather than unrecognised).
func (*Format) Detect(raw []byte) bool {
	i := 0
	if len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF {
		i = 3
	}
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t' || raw[i] == '$') {
		i++
	}
	r := raw[i:]
	if len(r) >= 3 && r[0] == '{' && r[1] == '1' && r[2] == ':' {
		return true
	}
	if len(r) >= 4 && r[0] == ':' && isDigit(r[1]) && isDigit(r[2]) && (r[3] == ':' || (len(r) >= 5 && isUpper(r[3]) && r[4] == ':')) {
		return true
	}
	// A block-4 export after a short bank file header ("ABNANL2A" CrLf
	// "940" CrLf ":20:..."): a field tag opening one of the first lines.
	// Bounded to the first 256 bytes so that sniffing a large XML document
	// costs nothing.
	if len(r) > 0 && r[0] != '<' {
		head := unsafe.String(unsafe.SliceData(r), min(len(r), 256))
		if k := headerlessStart(head, 0); k > 0 {
			return true
		}
	}
	return false
}

// MessageTypes lists the types with a full definition (level full), then
// "MT*" for every other MT, which parses and gets syntax checks of known
// fields (level syntax).
func (*Format) MessageTypes() []engine.TypeInfo {
	out := make([]engine.TypeInfo, 0, len(typeSources)+1)
	for i := range typeSources {
		src := &typeSources[i]
		out = append(out, engine.TypeInfo{Format: "mt", Type: src.typ, Base: src.typ[:5], Level: engine.LevelFull, Description: src.desc})
	}
	return append(out, engine.TypeInfo{Format: "mt", Type: "MT*", Level: engine.LevelSyntax, Description: "any other MT: blocks, headers and the syntax of known fields"})
}

var (
	textEnd = []byte("\n-}")
	newline = []byte{'\n'}
	// splitStop marks the bytes Split looks at within a message's headers.
	splitStop = [256]bool{'{': true, '}': true, '$': true, '\n': true}
)

// Split cuts an input holding several messages (an RJE batch with '$'
// between messages, or messages simply concatenated) into one segment per
// message. An ACK/NAK service message stays with the message it
// acknowledges. Input with one message yields one segment.
//
// A block-4 export (the statement files banks hand out: MT 940/942 text
// without headers, statements separated by lines holding only "-") is cut
// at those lines, one segment per statement, so that every statement is
// checked, located within the whole file.
func (*Format) Split(raw []byte) []engine.Segment {
	if segs, ok := splitStatements(raw); ok {
		return segs
	}
	var segs []engine.Segment
	line, col := 1, 1
	start, sLine, sCol := -1, 1, 1
	depth := 0
	inText := false // inside block 4 text (braces are not structure there)
	ackOpen := false
	flush := func(end int) {
		if start >= 0 {
			segs = append(segs, engine.Segment{Data: raw[start:end], Line: sLine, Column: sCol})
			start = -1
		}
	}
	for i := 0; i < len(raw); i++ {
		if inText {
			// Block 4 text is most of the bytes and nothing in it but its
			// end ("\n-}") matters: jump there, counting lines in bulk
			// (bytes.Index and bytes.Count are vectorised; a byte loop was
			// a fifth of the CLI's time on a 20 000-message RJE file).
			k := bytes.Index(raw[i:], textEnd)
			end := len(raw)
			if k >= 0 {
				end = i + k
			}
			skipped := raw[i:end]
			if n := bytes.Count(skipped, newline); n > 0 {
				line += n
				col = len(skipped) - bytes.LastIndexByte(skipped, '\n')
			} else {
				col += len(skipped)
			}
			if k < 0 {
				break
			}
			i = end // the '\n' of "\n-}", counted below
			inText = false
			line++
			col = 1
			continue
		}
		if start >= 0 {
			// Inside a message's headers only braces, '$' and line ends
			// matter: skip to the next one (a byte-at-a-time pass through
			// the switch below was a sixth of ValidateAll's time on an RJE
			// file of MT103s).
			j := i
			for j < len(raw) && !splitStop[raw[j]] {
				j++
			}
			col += j - i
			if i = j; i == len(raw) {
				break
			}
		}
		c := raw[i]
		switch {
		case c == '$' && depth == 0:
			flush(i)
			ackOpen = false
		case c == '{':
			if depth == 0 && i+2 < len(raw) && raw[i+1] == '1' && raw[i+2] == ':' {
				isAck := i+6 < len(raw) && raw[i+4] == '2' && raw[i+5] == '1'
				if !ackOpen {
					flush(i)
				}
				ackOpen = isAck
				if start < 0 {
					start, sLine, sCol = i, line, col
				}
			}
			if start < 0 {
				start, sLine, sCol = i, line, col
			}
			if depth == 0 && i+3 < len(raw) && raw[i+1] == '4' && raw[i+2] == ':' && raw[i+3] != '{' {
				inText = true
			}
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
		default:
			if start < 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				start, sLine, sCol = i, line, col
			}
		}
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	flush(len(raw))
	return segs
}

// splitStatements cuts a block-4 export into its statements: ok is false
// when raw is not one (it starts, after blanks and a byte order mark, with
// '{' or '$': FIN messages, which Split cuts by their blocks). Each
// statement runs from its first non-blank byte to the end of its
// terminator line ("-" alone, as headerlessEnd finds it); text after the
// last terminator is a statement of its own (its parse reports what is
// wrong with it).
func splitStatements(raw []byte) ([]engine.Segment, bool) {
	s := unsafe.String(unsafe.SliceData(raw), len(raw))
	i := skipBOM(s)
	if i >= len(s) || s[i] == '{' || s[i] == '$' {
		return nil, false
	}
	var segs []engine.Segment
	line, col := 1, 1
	pos := 0 // line and col are those of byte pos
	advance := func(to int) {
		seg := s[pos:to]
		if n := strings.Count(seg, "\n"); n > 0 {
			line += n
			col = len(seg) - strings.LastIndexByte(seg, '\n')
		} else {
			col += len(seg)
		}
		pos = to
	}
	for i < len(s) {
		_, next := headerlessEnd(s, i)
		advance(i)
		segs = append(segs, engine.Segment{Data: raw[i:next], Line: line, Column: col})
		i = skipSpace(s, next)
	}
	return segs, true
}

// headerlessEnd finds the end of the statement of a block-4 export that
// starts at i: the line break before its terminator line ("-" alone,
// "-}", or "-" at the end of input), and the offset after that line. With
// no terminator the statement runs to the end of input (end and next are
// len(s)).
func headerlessEnd(s string, i int) (end, next int) {
	for k := i; k+1 < len(s); k++ {
		k2 := strings.IndexByte(s[k:], '\n')
		if k2 < 0 {
			break
		}
		k += k2
		if k+1 >= len(s) || s[k+1] != '-' {
			continue
		}
		r := k + 2
		if r < len(s) && s[r] == '}' {
			r++
		}
		for r < len(s) && (s[r] == ' ' || s[r] == '\t') {
			r++
		}
		switch {
		case r == len(s):
			return k, r
		case s[r] == '\n':
			return k, r + 1
		case s[r] == '\r' && r+1 < len(s) && s[r+1] == '\n':
			return k, r + 2
		case s[r] == '\r' && r+1 == len(s):
			return k, r + 1
		}
	}
	return len(s), len(s)
}

// headerlessStart returns the offset of the first line of s (from i) that
// opens a field (":20:"), when no '{' comes before it: the text of a
// block-4 export after a non-FIN preamble (a bank's file header). -1 when
// there is none.
func headerlessStart(s string, i int) int {
	for k := i; k < len(s); {
		if s[k] == '{' {
			return -1
		}
		e := strings.IndexByte(s[k:], '\n')
		end := len(s)
		if e >= 0 {
			end = k + e
		}
		if fieldTag(s, k, end) > 0 {
			return k
		}
		if strings.IndexByte(s[k:end], '{') >= 0 || e < 0 {
			return -1
		}
		k = end + 1
	}
	return -1
}

// Parse parses one message. It never panics; every problem becomes a
// located finding in f. It returns nil only when nothing message-like was
// found.
//
// The Message comes from a pool and goes back to it when the engine calls
// Release (see pool.go), so a validation allocates nothing here in the
// steady state. A caller that never calls Release just leaves the Message
// to the garbage collector.
func (fm *Format) Parse(raw []byte, f *engine.Findings) *engine.Message {
	m := getMessage()
	if ParseInto(m, raw, f) == nil {
		putMessage(m)
		return nil
	}
	level := engine.LevelSyntax
	if m.Full {
		level = engine.LevelFull
	}
	// Type and Base are static strings (mtNames, variantType), never
	// substrings of pooled storage, so a Report may keep them.
	m.em = engine.Message{Format: "mt", Type: m.Type, Base: m.Base, Level: level, Body: m, Raw: raw}
	return &m.em
}

// Parse parses and checks one MT message: blocks and headers, field syntax
// of every known tag, and, for types with a full definition, field
// presence, order, repetition, options and sequences. Problems are added to
// f as located findings (at most MaxFindings, then one SVM107). It returns
// nil only for blank input.
func Parse(raw []byte, f *engine.Findings) *Message { return ParseInto(nil, raw, f) }

// ParseInto is Parse reusing the storage of m (its field, component and
// sequence slices) so that a caller that recycles Messages, through a
// sync.Pool for example, parses without allocating. m must no longer be in
// use: everything it held is overwritten. With a nil m it is Parse. It
// returns m (or a new Message), or nil for blank input.
func ParseInto(m *Message, raw []byte, f *engine.Findings) *Message {
	// Zero-copy: every string of the Message points into raw, which must
	// therefore not be modified while the Message is in use (the engine
	// never keeps a Message beyond the validation).
	s := unsafe.String(unsafe.SliceData(raw), len(raw))
	i := skipBOM(s)
	if i >= len(s) {
		return nil
	}
	clean := true // every field slot within cap(m.Fields) is zero
	if m == nil {
		m = &Message{}
	} else if !m.fresh {
		m.reset()
		clean = false
	}
	m.fresh = false
	m.Raw = s
	p := parser{s: s, m: m, f: f, clean: clean}
	if s[i] != '{' && s[i] != '$' {
		if k := headerlessStart(s, i); k >= 0 {
			if k > i {
				// A bank's file header before the statement.
				p.err(CodeStrayContent, p.loc(0, "", i), "unexpected characters before the first field of a block-4 export: "+engine.Echo(cut(s[i:k], 16)))
			}
			return p.parseHeaderless(k)
		}
	}
	if hasPrefix(s[i:], "{1:") && len(s) > i+6 && s[i+4:i+6] == "21" {
		i = p.parseAck(i)
		if skipSpace(s, i) >= len(s) {
			// A service message alone (an ACK/NAK without the message it
			// acknowledges): nothing more to check.
			return m
		}
	}
	end := p.parseBlocks(i)
	if rest := skipSpace(s, end); rest < len(s) && !p.full() {
		if s[rest] == '$' || hasPrefix(s[rest:], "{1:") {
			p.err(CodeTrailingContent, p.loc(0, "", rest), "more than one message in the input; validate an RJE batch message by message (ValidateAll)")
		} else {
			p.err(CodeStrayContent, p.loc(0, "", rest), "unexpected content after the message: "+engine.Echo(cut(s[rest:], 16)))
		}
	}
	p.checkPresence()
	m.resolveType(&p)
	p.checkUser()
	m.check(&p)
	return m
}

// parseHeaderless parses a block-4 export (bank statement files) whose
// first field starts at i: one statement, up to its terminator line. More
// statements after it are reported, not silently ignored: Split (and so
// the engine's ValidateAll) cuts such a file into statements and checks
// each.
func (p *parser) parseHeaderless(i int) *Message {
	s, m := p.s, p.m
	p.err(codeH01, engine.Location{Block: 1, Line: 1, Column: 1}, "basic header (block 1) is missing: the input holds only the text of block 4")
	m.TextLine, m.TextColumn = p.lc(i)
	end, next := headerlessEnd(s, i)
	if end > i && s[end-1] == '\r' {
		end--
	}
	p.tokenizeBody(i, end)
	m.resolveType(p)
	m.check(p)
	if rest := skipSpace(s, next); rest < len(s) && !p.full() {
		p.err(CodeTrailingContent, p.loc(0, "", rest), "more statements follow the first one's terminator line; they are not checked here: validate the file statement by statement (ValidateAll, or the CLI and server, which split it)")
	}
	return m
}

func hasPrefix(s, pre string) bool { return len(s) >= len(pre) && s[:len(pre)] == pre }

// parseAck parses a service-21 ACK/NAK message {1:F21...}{4:{177:..}{451:0}}
// and returns the offset of the message it acknowledges.
func (p *parser) parseAck(i int) int {
	s := p.s
	ack := &Ack{}
	p.m.Ack = ack
	start := i
	for i < len(s) {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' || i+3 > len(s) {
			break
		}
		if hasPrefix(s[i:], "{1:") && i > start {
			break // the original message
		}
		if hasPrefix(s[i:], "{4:{") {
			i = p.tagBlock(4, i, i+3, &ack.Tags)
			continue
		}
		if i == start {
			i = p.block1(i, i+3) // the service message's own basic header
			continue
		}
		i = p.skipBalanced(i, 0)
	}
	found := false
	for _, t := range ack.Tags {
		switch t.Tag {
		case "451":
			found = true
			switch t.Value {
			case "0":
			case "1":
				ack.Nak = true
			default:
				p.err(CodeAckFormat, engine.Location{Block: 4, Field: "451", Line: t.Line, Column: t.Column}, "tag 451 must be 0 (ACK) or 1 (NAK), found "+engine.Echo(t.Value))
			}
		case "405":
			ack.Code = t.Value
		}
	}
	if !found {
		l, c := p.lc(start)
		p.err(CodeAckFormat, engine.Location{Block: 4, Line: l, Column: c}, "service-21 message without tag 451 (ACK/NAK indicator)")
	}
	return i
}

// checkPresence reports missing blocks 1, 2 and 4.
func (p *parser) checkPresence() {
	m := p.m
	if !m.Basic.Present {
		p.err(codeH01, engine.Location{Block: 1, Line: 1, Column: 1}, "basic header (block 1) is missing")
	}
	if !m.App.Present && m.Basic.ServiceID != "21" {
		p.err(codeH25, engine.Location{Block: 2, Line: 1, Column: 1}, "application header (block 2) is missing")
	}
	if m.blocks&(1<<4) == 0 {
		l, c := p.lc(len(p.s))
		p.err(CodeNoText, engine.Location{Block: 4, Line: l, Column: c}, "text block (block 4) is missing")
	}
}

// resolveType sets Type, Base, Variant and Full from block 2 and tag 119.
func (m *Message) resolveType(p *parser) {
	if m.App.MsgType == "" {
		return
	}
	m.Base = mtName(m.App.MsgType)
	m.Type = m.Base
	if v, ok := m.UserTag("119"); ok {
		if t := variantType(m.Base, v); t != "" {
			m.Type, m.Variant = t, v
		}
	}
	if m.Variant == "" && len(m.App.MsgType) == 3 && isDigits(m.App.MsgType) {
		// A base type: index by number rather than hash the name.
		d := m.App.MsgType
		m.def = nil
		if src := defs().byNum[int(d[0]-'0')*100+int(d[1]-'0')*10+int(d[2]-'0')]; src != nil {
			m.def = src.get()
		}
	} else {
		m.def = defFor(m.Type)
	}
	m.Full = m.def != nil
}

// Block 3 tags in SWIFT's fixed order (PW-M SwiftBlock3Builder.java).
var userOrder = [...]string{"103", "113", "108", "119", "423", "106", "424", "111", "121", "115", "165", "433", "434"}

// userRank returns the index of tag in userOrder, or -1 (a switch rather
// than a loop of string comparisons; TestUserRank keeps the two in step).
func userRank(tag string) int {
	switch tag {
	case "103":
		return 0
	case "113":
		return 1
	case "108":
		return 2
	case "119":
		return 3
	case "423":
		return 4
	case "106":
		return 5
	case "424":
		return 6
	case "111":
		return 7
	case "121":
		return 8
	case "115":
		return 9
	case "165":
		return 10
	case "433":
		return 11
	case "434":
		return 12
	}
	return -1
}

// uetrRequired reports whether tag 121 is mandatory on the message's type
// since SR2018 (mt-facts 2.2, SWIFT Standards FAQ SR2018), as its
// declaration says (typeSource.uetr). Checked here at parse level rather
// than in rules/mt because it is a header rule.
func (m *Message) uetrRequired() bool { return m.def != nil && m.def.src.uetr }

// checkUser checks block 3: order, known tags, formats, 119 and 121.
func (p *parser) checkUser() {
	m := p.m
	last := -1
	for k := range m.User {
		t := &m.User[k]
		loc := engine.Location{Block: 3, Field: t.Tag, Line: t.Line, Column: t.Column}
		r := userRank(t.Tag)
		if r < 0 {
			p.err(codeU00, loc, "unknown block 3 tag "+engine.Echo(t.Tag))
			continue
		}
		if r <= last {
			p.err(codeU00, loc, "block 3 tag "+t.Tag+" is out of order or repeated (order: 103, 113, 108, 119, 423, 106, 424, 111, 121, 115, 165, 433, 434)")
		}
		last = r
		v := t.Value
		switch t.Tag {
		case "103":
			if !matchSet(v, 3, 3, setA) {
				p.err(codeU03, loc, "tag 103 (service identifier) must be 3 letters, found "+engine.Echo(v))
			}
		case "113":
			if !matchSet(v, 4, 4, setX) {
				p.err(codeU01, loc, "tag 113 (banking priority) must be 4 characters, found "+engine.Echo(v))
			}
		case "108":
			if !matchSet(v, 1, 16, setX) {
				p.err(codeU02, loc, "tag 108 (message user reference) must be 1 to 16 characters, found "+engine.Echo(v))
			}
		case "119":
			if !matchSet(v, 1, 8, setC) {
				p.err(codeU08, loc, "tag 119 (validation flag) must be 1 to 8 upper-case letters or digits, found "+engine.Echo(v))
			} else if m.Base != "" && m.Variant == "" {
				if hasVariants(m.Base) {
					p.err(codeU08, loc, "validation flag "+engine.Echo(v)+" is not defined for "+m.Base)
				} else {
					p.err(codeU09, loc, "validation flag (tag 119) is not allowed on "+m.Base+": it has no special validation")
				}
			}
		case "121":
			if !isUETR(v) {
				p.err(CodeUETRFormat, loc, "tag 121 (UETR) must be a lower-case UUID version 4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx), found "+engine.Echo(v))
			}
		case "111":
			if !matchSet(v, 3, 3, setN) {
				p.err(codeU03, loc, "tag 111 (service type identifier) must be 3 digits, found "+engine.Echo(v))
			}
		case "423", "106", "424", "115", "165", "433", "434":
			if v == "" {
				p.err(codeU03, loc, "block 3 tag "+t.Tag+" is empty")
			}
		}
	}
	if m.uetrRequired() && m.App.Present {
		if _, ok := m.UserTag("121"); !ok {
			l, c := m.App.Line, m.App.Column
			if len(m.User) > 0 {
				l, c = m.User[0].Line, m.User[0].Column
			}
			p.err(CodeUETRMissing, engine.Location{Block: 3, Field: "121", Line: l, Column: c}, "tag 121 (UETR) is mandatory in block 3 of "+m.Type+" since SR2018")
		}
	}
}

// isUETR checks xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
func isUETR(v string) bool {
	if len(v) != 36 || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-' || v[14] != '4' {
		return false
	}
	if c := v[19]; c != '8' && c != '9' && c != 'a' && c != 'b' {
		return false
	}
	return lowerHex(v[:8]) && lowerHex(v[9:13]) && lowerHex(v[15:18]) && lowerHex(v[20:23]) && lowerHex(v[24:])
}

// isLowerHex marks 0-9 and a-f.
var isLowerHex = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLowerHex[s[i]] {
			return false
		}
	}
	return true
}
