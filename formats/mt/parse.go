package mt

import (
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
)

// Limits, each with its reason.
const (
	// MaxFindings caps the format findings of one message: a 1 MiB input of
	// garbage could otherwise yield hundreds of thousands of findings. Past
	// the cap one SVM107 finding is added and the rest are dropped.
	MaxFindings = 1000
	// MaxFields caps the fields tokenized in block 4. The largest FIN
	// message is 10 000 characters and the shortest field (":20:x" + CRLF)
	// takes 7, so a real message has fewer than 1 500 fields; 5 000 leaves
	// room for bank exports while bounding memory on hostile input.
	MaxFields = 5000
	// MaxText is FIN's maximum length of the text block of a user message
	// (10 000 characters; M50 "message length exceeded", IBM-TV via
	// mt-facts 2.7). How FIN counts line breaks was not confirmed; here
	// every byte between "{4:" and "-}" counts.
	MaxText = 10000
)

// parser holds the state of one parse. It lives on the stack of Parse.
type parser struct {
	s   string
	m   *Message
	f   *engine.Findings
	n   int // findings added by this parse
	cur struct{ off, line, col int }
	// clean: the Message's field storage is all zero (a new or pooled
	// Message, see putMessage), so the tokenizer need not zero each slot.
	clean bool
}

// lc returns the 1-based line and column of byte offset off of p.s.
// Offsets are mostly asked in increasing order, so it advances a cursor.
func (p *parser) lc(off int) (int, int) {
	if off < p.cur.off || p.cur.line == 0 {
		p.cur.off, p.cur.line, p.cur.col = 0, 1, 1
	}
	if off > len(p.s) {
		off = len(p.s)
	}
	line, col := p.cur.line, p.cur.col
	if seg := p.s[p.cur.off:off]; seg != "" {
		// Count line breaks with the vectorised helpers rather than byte
		// by byte.
		if n := strings.Count(seg, "\n"); n == 0 {
			col += len(seg)
		} else {
			line += n
			col = len(seg) - strings.LastIndexByte(seg, '\n')
		}
	}
	p.cur.off, p.cur.line, p.cur.col = off, line, col
	return line, col
}

func (p *parser) loc(block int, field string, off int) engine.Location {
	l, c := p.lc(off)
	return engine.Location{Block: block, Field: field, Line: l, Column: c}
}

// err adds an error finding unless the cap is reached.
func (p *parser) err(code string, loc engine.Location, msg string) {
	p.n++
	if p.n > MaxFindings {
		if p.n == MaxFindings+1 {
			p.f.Error(CodeTooManyFindings, engine.Location{}, "more than "+strconv.Itoa(MaxFindings)+" problems in this message; the rest are not reported")
		}
		return
	}
	p.f.Error(code, loc, msg)
}

// errRepeat adds an error finding as err does, except that the same problem
// (key: the offending character) met again is counted on the first finding
// instead of added (engine.Findings.Repeat): a no-break space in every field
// is one finding with a count and the first places.
func (p *parser) errRepeat(key, code string, loc engine.Location, msg string) {
	if p.n >= MaxFindings {
		p.err(code, loc, msg)
		return
	}
	if p.f.Repeat(key, code, engine.Error, loc, msg) {
		p.n++
	}
}

// warn adds a warning finding unless the cap is reached.
func (p *parser) warn(code string, loc engine.Location, msg string) {
	p.n++
	if p.n <= MaxFindings {
		p.f.Warn(code, loc, msg)
	}
}

func (p *parser) full() bool { return p.n > MaxFindings }

// skipSpace skips blanks, tabs and line breaks.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
		i++
	}
	return i
}

// skipBOM skips a UTF-8 byte order mark and blanks.
func skipBOM(s string) int {
	i := 0
	if len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF {
		i = 3
	}
	return skipSpace(s, i)
}

func blockRank(id string) int {
	switch id {
	case "1":
		return 1
	case "2":
		return 2
	case "3":
		return 3
	case "4":
		return 4
	case "5":
		return 5
	case "S":
		return 6
	}
	return 0
}

// parseBlocks parses the blocks of one message starting at offset i and
// returns the offset after the message.
func (p *parser) parseBlocks(i int) int {
	s := p.s
	last := 0
	for i < len(s) && !p.full() {
		c := s[i]
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
			i++
			continue
		}
		if c == '$' {
			break
		}
		if c != '{' {
			// Stray text outside blocks: report once, skip to the next brace.
			p.err(CodeStrayContent, p.loc(0, "", i), "unexpected characters outside any block: "+engine.Echo(cut(s[i:], 16)))
			for i < len(s) && s[i] != '{' && s[i] != '$' {
				i++
			}
			continue
		}
		// Block identifier up to ':'.
		j := i + 1
		for j < len(s) && j-i <= 4 && s[j] != ':' && s[j] != '{' && s[j] != '}' {
			j++
		}
		if j >= len(s) || s[j] != ':' || j == i+1 {
			p.err(CodeUnknownBlock, p.loc(0, "", i), "malformed block identifier "+engine.Echo(cut(s[i:], 8)))
			i = p.skipBalanced(i, 0)
			continue
		}
		id := s[i+1 : j]
		r := blockRank(id)
		if r == 0 {
			p.err(CodeUnknownBlock, p.loc(0, "", i), "unknown block "+engine.Echo(id)+"; a FIN message has blocks 1 to 5 and S")
			i = p.skipBalanced(i, 0)
			continue
		}
		if r == 1 && last >= 1 {
			// A new message starts: this one ends here.
			return i
		}
		if r <= last {
			p.err(CodeBlockOrder, p.loc(r, "", i), "block "+id+" is out of order or repeated")
		}
		if r > last {
			last = r
		}
		p.m.blocks |= 1 << r
		body := j + 1
		switch r {
		case 1:
			i = p.block1(i, body)
		case 2:
			i = p.block2(i, body)
		case 3:
			i = p.tagBlock(3, i, body, &p.m.User)
		case 4:
			i = p.block4(i, body)
		case 5:
			i = p.tagBlock(5, i, body, &p.m.Trailer)
		case 6:
			i = p.tagBlock(6, i, body, &p.m.System)
		}
	}
	return i
}

// skipBalanced skips the brace group opening at i and returns the offset
// after it (or the end of input, reporting the unclosed block).
func (p *parser) skipBalanced(i, block int) int {
	depth := 0
	for k := i; k < len(p.s); k++ {
		switch p.s[k] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return k + 1
			}
		}
	}
	p.err(CodeUnclosedBlock, p.loc(block, "", i), "block is not closed: missing '}'")
	return len(p.s)
}

// simpleBody returns the content of a block without nested braces (blocks
// 1 and 2) and the offset after its closing brace.
func (p *parser) simpleBody(block, open, body int) (string, int, bool) {
	s := p.s
	// The first '}' and no '{' before it: two vectorised searches instead
	// of a loop over each byte.
	if c := strings.IndexByte(s[body:], '}'); c >= 0 && strings.IndexByte(s[body:body+c], '{') < 0 {
		return s[body : body+c], body + c + 1, true
	}
	if o := strings.IndexByte(s[body:], '{'); o >= 0 {
		k := body + o
		p.err(CodeUnclosedBlock, p.loc(block, "", open), "block "+strconv.Itoa(block)+" is not closed before the next block")
		return s[body:k], k, false
	}
	p.err(CodeUnclosedBlock, p.loc(block, "", open), "block "+strconv.Itoa(block)+" is not closed: missing '}'")
	return s[body:], len(s), false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool      { return c >= 'A' && c <= 'Z' }
func isUpperDigit(c byte) bool { return isUpper(c) || (c >= '0' && c <= '9') }

// validLT reports whether s is a 12-character LT address: BIC8 (4!a2!a2!c),
// LT code (1!c), branch (3!c).
func validLT(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 6; i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	for i := 6; i < 12; i++ {
		if !isUpperDigit(s[i]) {
			return false
		}
	}
	return true
}

// block1 parses {1:F01BANKBEBBAXXX0000000000}: application id, service id,
// LT address, session, sequence (25 characters; PW-M SwiftBlock1.java).
func (p *parser) block1(open, body int) int {
	v, next, _ := p.simpleBody(1, open, body)
	h := &p.m.Basic
	h.Present = true
	h.Line, h.Column = p.lc(open)
	loc := engine.Location{Block: 1, Line: h.Line, Column: h.Column}
	if len(v) != 25 {
		p.err(codeH01, loc, "basic header must be 25 characters (application id, service id, 12-character LT address, session, sequence), found "+strconv.Itoa(len(v))+": "+engine.Echo(v))
		if len(v) >= 1 {
			h.AppID = v[0]
		}
		if len(v) >= 3 {
			h.ServiceID = v[1:3]
		}
		return next
	}
	h.AppID, h.ServiceID, h.LTAddress, h.Session, h.Sequence = v[0], v[1:3], v[3:15], v[15:19], v[19:25]
	at := func(k int) engine.Location { return p.loc(1, "", body+k) }
	if h.AppID != 'F' && h.AppID != 'A' && h.AppID != 'L' {
		p.err(codeH02, at(0), "application id must be F (FIN), A (GPA) or L (login), found "+engine.Echo(v[:1]))
	}
	if h.ServiceID != "01" && h.ServiceID != "21" {
		p.err(codeH03, at(1), "service id must be 01 or 21, found "+engine.Echo(h.ServiceID))
	}
	if !validLT(h.LTAddress) {
		p.err(codeH10, at(3), "LT address must be a BIC8, an LT code and a branch (12 upper-case letters/digits), found "+engine.Echo(h.LTAddress))
	}
	if len(h.Session) != 4 || !isDigits(h.Session) {
		p.err(codeH15, at(15), "session number must be 4 digits, found "+engine.Echo(h.Session))
	}
	if len(h.Sequence) != 6 || !isDigits(h.Sequence) {
		p.err(codeH20, at(19), "sequence number must be 6 digits, found "+engine.Echo(h.Sequence))
	}
	return next
}

// block2 parses the application header: input "I103BANKDEFFXXXXN[1][003]"
// (PW-M SwiftBlock2Input.java) or output, 47 characters
// "O" MT HHMM MIR(28) YYMMDD HHMM priority (PW-M SwiftBlock2Output.java).
func (p *parser) block2(open, body int) int {
	v, next, _ := p.simpleBody(2, open, body)
	h := &p.m.App
	h.Present = true
	h.Line, h.Column = p.lc(open)
	at := func(k int) engine.Location { return p.loc(2, "", body+k) }
	if len(v) < 4 {
		p.err(codeH25, at(0), "application header is too short: "+engine.Echo(v))
		return next
	}
	h.MsgType = v[1:4]
	if !isDigits(h.MsgType) {
		p.err(codeH30, at(1), "message type must be 3 digits, found "+engine.Echo(h.MsgType))
		h.MsgType = ""
	}
	switch v[0] {
	case 'I':
		h.Input = true
		if len(v) < 16 {
			p.err(codeH25, at(0), "input application header must hold I, the message type and a 12-character receiver address: "+engine.Echo(v))
			return next
		}
		h.Address = v[4:16]
		if !validLT(h.Address) {
			p.err(codeH50, at(4), "receiver address must be a BIC8, an LT code and a branch (12 characters), found "+engine.Echo(h.Address))
		}
		rest := v[16:]
		if len(rest) > 0 {
			h.Priority = rest[0]
			if h.Priority != 'S' && h.Priority != 'N' && h.Priority != 'U' {
				p.err(codeH40, at(16), "priority must be S, N or U, found "+engine.Echo(rest[:1]))
			}
			rest = rest[1:]
		}
		if len(rest) > 0 {
			h.DeliveryMonitoring = rest[0]
			if rest[0] < '1' || rest[0] > '3' {
				p.err(codeH25, at(17), "delivery monitoring must be 1, 2 or 3, found "+engine.Echo(rest[:1]))
			}
			rest = rest[1:]
		}
		if len(rest) > 0 {
			h.Obsolescence = rest
			if len(rest) != 3 || !isDigits(rest) {
				p.err(codeH25, at(18), "obsolescence period must be 3 digits, found "+engine.Echo(rest))
			}
		}
	case 'O':
		if len(v) != 47 && len(v) != 46 {
			p.err(codeH25, at(0), "output application header must be 47 characters (O, type, input time, 28-character MIR, output date and time, priority), found "+strconv.Itoa(len(v)))
			return next
		}
		h.InputTime, h.MIR, h.Address = v[4:8], v[8:36], v[14:26]
		h.OutputDate, h.OutputTime = v[36:42], v[42:46]
		if len(v) == 47 {
			h.Priority = v[46]
			if h.Priority != 'S' && h.Priority != 'N' && h.Priority != 'U' {
				p.err(codeH40, at(46), "priority must be S, N or U, found "+engine.Echo(v[46:]))
			}
		}
		if !isDigits(h.InputTime) || !validHHMM(h.InputTime) {
			p.err(codeH25, at(4), "input time must be HHMM, found "+engine.Echo(h.InputTime))
		}
		if _, _, _, ok := ParseDate(v[8:14]); !ok {
			p.err(codeH25, at(8), "MIR date must be a valid YYMMDD, found "+engine.Echo(v[8:14]))
		}
		if !validLT(h.Address) {
			p.err(codeH25, at(14), "MIR LT address must be 12 characters (BIC8, LT code, branch), found "+engine.Echo(h.Address))
		}
		if !isDigits(v[26:36]) {
			p.err(codeH25, at(26), "MIR session and sequence numbers must be digits, found "+engine.Echo(v[26:36]))
		}
		if _, _, _, ok := ParseDate(h.OutputDate); !ok {
			p.err(codeH25, at(36), "output date must be a valid YYMMDD, found "+engine.Echo(h.OutputDate))
		}
		if !validHHMM(h.OutputTime) {
			p.err(codeH25, at(42), "output time must be HHMM, found "+engine.Echo(h.OutputTime))
		}
	default:
		p.err(codeH26, at(0), "application header must start with I (input) or O (output), found "+engine.Echo(v[:1]))
	}
	return next
}

func validHHMM(s string) bool {
	if len(s) != 4 || !isDigits(s) {
		return false
	}
	hh := int(s[0]-'0')*10 + int(s[1]-'0')
	mm := int(s[2]-'0')*10 + int(s[3]-'0')
	return hh < 24 && mm < 60
}

// tagBlock parses a block of {tag:value} groups (blocks 3, 5, S and the
// brace form of block 4 in service messages) into *dst.
func (p *parser) tagBlock(block, open, body int, dst *[]HeaderTag) int {
	s := p.s
	code := CodeTrailerFormat
	if block == 3 {
		code = codeU00
	}
	i := body
	dropped := false // a tag was past maxHeaderTags (reported once)
	for i < len(s) {
		switch s[i] {
		case '}':
			return i + 1
		case '{':
			k := i + 1
			for k < len(s) && s[k] != ':' && s[k] != '}' && s[k] != '{' && k-i <= 8 {
				k++
			}
			if k >= len(s) || s[k] != ':' {
				p.err(code, p.loc(block, "", i), "malformed tag in block "+blockName(block)+": "+engine.Echo(cut(s[i:], 12)))
				i = p.skipBalanced(i, block)
				continue
			}
			e := k + 1 + run(&notBrace, s[k+1:])
			if e >= len(s) || s[e] != '}' {
				p.err(CodeUnclosedBlock, p.loc(block, s[i+1:k], i), "tag "+engine.Echo(s[i+1:k])+" of block "+blockName(block)+" is not closed")
				if e >= len(s) {
					return e
				}
				i = e
				continue
			}
			if t := p.addTag(dst); t != nil {
				t.Tag, t.Value = s[i+1:k], s[k+1:e]
				t.Line, t.Column = p.lc(i)
			} else if !dropped {
				dropped = true
				p.err(CodeNotChecked, p.loc(block, s[i+1:k], i), "block "+blockName(block)+" holds more than "+strconv.Itoa(maxHeaderTags)+" tags; this tag and the ones after it are not checked")
			}
			i = e + 1
		default:
			p.err(code, p.loc(block, "", i), "unexpected character in block "+blockName(block)+": "+engine.Echo(s[i:i+1]))
			for i < len(s) && s[i] != '{' && s[i] != '}' {
				i++
			}
		}
	}
	p.err(CodeUnclosedBlock, p.loc(block, "", open), "block "+blockName(block)+" is not closed: missing '}'")
	return i
}

// notBrace marks every byte but '{' and '}', for run: a header tag's value
// ends at the first brace.
var notBrace = func() (t [256]uint8) {
	for c := range t {
		t[c] = 1
	}
	t['{'], t['}'] = 0, 0
	return t
}()

// maxHeaderTags bounds the tags kept per header block (no FIN header block
// has that many: block 3 has 13 tags, the trailers fewer), so memory stays
// bounded on hostile input; tags past it are reported as not checked.
const maxHeaderTags = 64

// addTag appends an empty tag to *dst, using the message's inline buffer
// first, and returns it to be filled in place; nil when *dst already holds
// 64 tags (no header block has that many: memory stays bounded).
func (p *parser) addTag(dst *[]HeaderTag) *HeaderTag {
	if *dst == nil {
		// Carve the next free part of the inline buffer.
		used := len(p.m.User) + len(p.m.Trailer) + len(p.m.System)
		if p.m.Ack != nil {
			used += len(p.m.Ack.Tags)
		}
		if used < len(p.m.tagBuf) {
			*dst = p.m.tagBuf[used:used:len(p.m.tagBuf)]
		}
	}
	if len(*dst) >= maxHeaderTags {
		return nil
	}
	*dst = append(*dst, HeaderTag{})
	return &(*dst)[len(*dst)-1]
}

func blockName(b int) string {
	if b == 6 {
		return "S"
	}
	return strconv.Itoa(b)
}

// block4 parses the text block: "{4:" CRLF fields CRLF "-}", or the brace
// form "{4:{177:...}{451:0}}" of service messages.
func (p *parser) block4(open, body int) int {
	s := p.s
	m := p.m
	m.TextLine, m.TextColumn = p.lc(open)
	if body < len(s) && s[body] == '{' {
		// The brace form of system (category 0) messages; ACK/NAKs are
		// read by parseAck. Its tags are read but not validated: say so.
		p.err(CodeNotChecked, p.loc(4, "", open), "block 4 is in the brace form of a system message ({4:{tag:value}...}); its tags are not validated")
		return p.tagBlock(4, open, body, &m.Trailer)
	}
	// Find the end: a line break followed by "-}".
	end, next := -1, -1
	if k := indexTerminator(s, body); k >= 0 {
		end, next = k, k+3
	}
	if end < 0 {
		// Not terminated: fall back to the first "-}" or the end of input.
		p.err(CodeTextNotTerminated, p.loc(4, "", open), "block 4 must end with a line break followed by \"-}\"")
		end, next = len(s), len(s)
		for k := body; k+1 < len(s); k++ {
			if s[k] == '-' && s[k+1] == '}' {
				end, next = k, k+2
				break
			}
		}
	}
	if end > body && s[end-1] == '\r' {
		end--
	}
	if end-body > MaxText {
		p.err(codeM50, p.loc(4, "", open), "block 4 holds "+strconv.Itoa(end-body)+" characters, above FIN's maximum of "+strconv.Itoa(MaxText))
	}
	p.tokenize(body, end)
	return next
}

// indexTerminator returns the offset of the first "\n-}" at or after from,
// or -1. It looks for the rare '-' rather than for every line break, which
// strings.Index would stop at.
func indexTerminator(s string, from int) int {
	for i := from + 1; i+1 < len(s); i++ {
		j := strings.IndexByte(s[i:len(s)-1], '-')
		if j < 0 {
			return -1
		}
		i += j
		if s[i+1] == '}' && s[i-1] == '\n' {
			return i - 1
		}
	}
	return -1
}

// tokenize splits the text s[from:to] into fields. Each line that starts
// with ":NN[A]:" opens a field; any other line continues the current field
// (so a line "-info" inside :86: does not end the block).
func (p *parser) tokenize(from, to int) {
	s := p.s
	i := from
	// Block 4 starts with a line break.
	switch {
	case i < to && s[i] == '\r' && i+1 < to && s[i+1] == '\n':
		i += 2
	case i < to && s[i] == '\n':
		i++
	case i >= to:
		// empty text (terminator fallback)
	default:
		p.err(CodeTextLayout, p.loc(4, "", i), "block 4 must start with a line break after \"{4:\"")
	}
	p.tokenizeBody(i, to)
}

// tokenizeBody splits the lines of s[i:to] into fields. Lines are found
// with strings.IndexByte and counted as they go, so positions cost nothing
// extra.
func (p *parser) tokenizeBody(i, to int) {
	s := p.s
	m := p.m
	text := s[i:to]
	if m.indexed {
		// A repeated block 4 tokenizes again: wipe what the first pass
		// wrote so that every written slot stays within len(m.Fields)
		// (putMessage clears only those).
		clear(m.Fields)
		m.tagFirst = [100]uint16{}
	}
	m.indexed = true
	// Pre-size (one field per line that starts with ':') only when the
	// Message has no storage yet; a recycled Message grows on demand.
	m.Fields = m.Fields[:0]
	if cap(m.Fields) == 0 {
		if n := countFields(text); n > 0 {
			m.Fields = make([]Field, 0, n)
		}
	}
	var cur *Field
	line, col := p.lc(i)
	for i < to && !p.full() {
		// Line [i, e).
		e := to
		if k := strings.IndexByte(s[i:to], '\n'); k >= 0 {
			e = i + k
		}
		tagEnd := fieldTag(s, i, e)
		if tagEnd > 0 {
			if len(m.Fields) >= MaxFields {
				p.err(CodeTooManyFields, engine.Location{Block: 4, Line: line, Column: col}, "block 4 holds more than "+strconv.Itoa(MaxFields)+" fields; the rest is not checked")
				return
			}
			if len(m.Fields) == cap(m.Fields) {
				// Grow once to what the rest of the text needs.
				fs := make([]Field, len(m.Fields), len(m.Fields)+countFields(s[i:to]))
				copy(fs, m.Fields)
				m.Fields = fs
			}
			// Fill the new field in place (see checkSyntax on composite
			// literals).
			m.Fields = m.Fields[:len(m.Fields)+1]
			cur = &m.Fields[len(m.Fields)-1]
			if !p.clean {
				*cur = Field{}
			}
			cur.Tag, cur.Offset, cur.Line, cur.Column = s[i+1:tagEnd], tagEnd+1, line, col
			cur.ValueLine, cur.ValueColumn = line, col+tagEnd+1-i
			n := int(s[i+1]-'0')*10 + int(s[i+2]-'0')
			if m.tagFirst[n] == 0 {
				m.tagFirst[n] = uint16(len(m.Fields))
			}
			cur.tnum = uint8(n + 1)
			if tagEnd == i+4 {
				cur.topt = s[i+3] - 'A' + 1
			}
		} else if cur == nil {
			if i < e && !(e-i == 1 && s[i] == '\r') {
				p.err(CodeTextLayout, engine.Location{Block: 4, Line: line, Column: col}, "text before the first field of block 4: "+engine.Echo(cut(s[i:e], 16)))
			}
		} else if s[i] == ':' {
			p.err(codeT13, engine.Location{Block: 4, Field: cur.Tag, Line: line, Column: col}, "line starts with ':' but not with a valid field tag (\":NN:\" or \":NNA:\"): "+engine.Echo(cut(s[i:e], 12)))
		} else if s[i] == '-' {
			// Tolerated (only "-}" ends block 4), but FIN reads CrLf- as the
			// end of the text and would reject the message (T13, FEC-2010).
			p.warn(codeT13, engine.Location{Block: 4, Field: cur.Tag, Line: line, Column: col}, "line of field "+cur.Tag+" starts with '-': accepted as text here, but FIN reads a line break followed by '-' as the end of the text (T13)")
		}
		if cur != nil {
			ve := e
			if ve > cur.Offset && s[ve-1] == '\r' {
				ve--
			}
			if ve < cur.Offset {
				ve = cur.Offset
			}
			cur.Value = s[cur.Offset:ve]
		}
		i = e + 1
		line, col = line+1, 1
	}
}

// countFields counts the lines of text that start with ':' (an upper bound
// of the fields it holds), at most MaxFields.
func countFields(text string) int {
	n := strings.Count(text, "\n:")
	if len(text) > 0 && text[0] == ':' {
		n++
	}
	return min(n, MaxFields)
}

// fieldTag returns the offset of the closing colon of a tag ":NN:" or
// ":NNA:" at s[i:e], or 0 when the line does not start with one.
func fieldTag(s string, i, e int) int {
	if e-i < 4 || s[i] != ':' || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
		return 0
	}
	if s[i+3] == ':' {
		return i + 3
	}
	if e-i >= 5 && isUpper(s[i+3]) && s[i+4] == ':' {
		return i + 4
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// cut returns at most n bytes of s.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
