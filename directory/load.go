package directory

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/swiftval/swiftval/rules/common"
)

// MaxFileBytes is the largest directory file loaded (512 MiB): a full BIC
// directory of 200 000 BICs with names is about 20 MB in our layout and
// GLEIF's monthly file about 1.3 MB, so this leaves a wide margin while
// refusing a file that would take minutes to read.
const MaxFileBytes = 512 << 20

// MaxEntries is the most BICs one directory holds (2 000 000, ten times
// the BICs in use worldwide): at 32 bytes a record plus text and index,
// about 250 MB at the limit.
const MaxEntries = 2_000_000

// maxProblems is how many bad lines a refused file reports: enough to
// show a pattern, few enough to read.
const maxProblems = 10

// Problem is one reason a directory file was refused, with its 1-based
// line (0 for the file as a whole).
type Problem struct {
	Line    int
	Message string
}

// LoadError is returned when a directory file is refused. It lists the
// first bad lines (up to 10); nothing was loaded.
type LoadError struct {
	// File is the file refused ("" when read from a reader without name).
	File     string
	Problems []Problem
}

// Error implements error: "directory FILE refused: line N: ...; line M: ...".
func (e *LoadError) Error() string {
	var sb strings.Builder
	sb.WriteString("directory ")
	if e.File != "" {
		sb.WriteString(e.File + " ")
	}
	sb.WriteString("refused: ")
	for i, p := range e.Problems {
		if i > 0 {
			sb.WriteString("; ")
		}
		if p.Line > 0 {
			fmt.Fprintf(&sb, "line %d: ", p.Line)
		}
		sb.WriteString(p.Message)
	}
	return sb.String()
}

// Columns of the swiftval layout, in the documented order.
var columns = []string{"bic", "name", "city", "country", "lei", "connected", "valid_from", "valid_to"}

const (
	colBIC = iota
	colName
	colCity
	colCountry
	colLEI
	colConnected
	colFrom
	colTo
)

// LoadFile reads a directory file (see Parse).
func LoadFile(path string) (*Directory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{File: path, Problems: []Problem{{Message: err.Error()}}}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileBytes {
		return nil, &LoadError{File: path, Problems: []Problem{{Message: fmt.Sprintf("file is %d bytes, above the limit of %d", st.Size(), MaxFileBytes)}}}
	}
	size := int64(0)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return parse(f, path, size)
}

// Parse reads a directory in CSV: a header line naming the columns, then
// one BIC a line. The header tells the layout: swiftval's own
// (bic,name,city,country,lei,connected,valid_from,valid_to, in any order,
// bic required, the others optional) or GLEIF's BIC-to-LEI relationship
// file (LEI,BIC). In both, fields are trimmed, empty optional fields are
// allowed, a leading byte-order mark and CRLF line ends are accepted, and
// a BIC given on several lines collects the LEIs of each (the mapping is
// many-to-many) as long as its other columns agree.
//
// Values: bic is 8 or 11 characters (an 8-character BIC covers every
// branch of its institution); country an ISO 3166 code (default: the BIC's
// characters 5 and 6); lei one LEI or several separated by ';';
// connected one of true, false, yes, no, y, n, 1, 0 (empty: unknown);
// valid_from and valid_to YYYY-MM-DD, both inclusive.
//
// Any bad line refuses the whole file: the error is a *LoadError naming
// the first bad lines. name labels errors and Directory.Source.
func Parse(r io.Reader, name string) (*Directory, error) { return parse(r, name, 0) }

// parse is Parse with the input's size when known, to size the storage
// once: a line's text (BIC, name, city, LEIs) is most of the line, and a
// line of the documented layout is rarely under 40 bytes.
func parse(r io.Reader, name string, size int64) (*Directory, error) {
	l := &loader{file: name}
	if size > 0 && size <= MaxFileBytes {
		l.text = make([]byte, 0, size)
		l.recs = make([]loadRec, 0, size/40+1)
	}
	cr := csv.NewReader(bufio.NewReaderSize(&limitReader{r: r, left: MaxFileBytes}, 64<<10))
	cr.ReuseRecord = true
	cr.Comment = 0
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, l.refuse(1, "empty file: a header line is required (bic,name,city,country,lei,connected,valid_from,valid_to, or GLEIF's LEI,BIC)")
		}
		return nil, l.refuse(csvLine(err, 1), csvMessage(err))
	}
	if err := l.header(header); err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errTooLarge) {
			return nil, l.refuse(0, err.Error())
		}
		if err != nil {
			// FieldPos is only defined after a record was read without error.
			if l.problem(csvLine(err, 0), "%s", csvMessage(err)) {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if l.line(line, rec) {
			break
		}
	}
	if len(l.problems) > 0 {
		return nil, &LoadError{File: name, Problems: l.problems}
	}
	d := l.finish()
	if d == nil {
		return nil, &LoadError{File: name, Problems: l.problems}
	}
	return d, nil
}

// loader builds a Directory line by line.
type loader struct {
	file     string
	layout   string
	cols     [8]int // field index of each column, -1 when absent
	problems []Problem
	recs     []loadRec
	text     []byte
	lei      []string // scratch
}

// loadRec is a record with the line it came from. A BIC may be given on
// several lines: finish sorts by BIC and merges them, so loading needs no
// map (which would grow and rehash 200 000 times).
type loadRec struct {
	record
	line int32
}

func (l *loader) refuse(line int, msg string) error {
	return &LoadError{File: l.file, Problems: []Problem{{Line: line, Message: msg}}}
}

// problem records a bad line; it reports true when enough were found.
func (l *loader) problem(line int, format string, args ...any) bool {
	l.problems = append(l.problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	return len(l.problems) >= maxProblems
}

func (l *loader) header(h []string) error {
	for i := range l.cols {
		l.cols[i] = -1
	}
	if len(h) > 0 {
		h[0] = strings.TrimPrefix(h[0], "\uFEFF")
	}
	raw := strings.Join(h, ",")
	for i, name := range h {
		name = strings.ToLower(strings.TrimSpace(name))
		c := slices.Index(columns, name)
		switch {
		case c < 0:
			return l.refuse(1, fmt.Sprintf("unknown column %q in the header (columns: %s; or GLEIF's LEI,BIC)", clip(name), strings.Join(columns, ",")))
		case l.cols[c] >= 0:
			return l.refuse(1, fmt.Sprintf("column %q given twice in the header", name))
		}
		l.cols[c] = i
	}
	if l.cols[colBIC] < 0 {
		return l.refuse(1, "the header has no bic column (columns: "+strings.Join(columns, ",")+"; or GLEIF's LEI,BIC)")
	}
	l.layout = "swiftval"
	if strings.TrimSpace(raw) == "LEI,BIC" {
		l.layout = "gleif"
	}
	return nil
}

func (l *loader) field(rec []string, c int) string {
	if i := l.cols[c]; i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// line adds one line; it reports true when loading should stop.
func (l *loader) line(n int, rec []string) bool {
	bic := l.field(rec, colBIC)
	if p := common.CheckBIC(bic); p != common.BICOK {
		return l.problem(n, "BIC %q is not valid: %s", clip(bic), p)
	}
	var r loadRec
	r.line = int32(n)
	r.key, _ = key(bic)
	r.branches = len(bic) == 8
	name, city := l.field(rec, colName), l.field(rec, colCity)
	if len(name) > maxName {
		return l.problem(n, "name is %d bytes, above the limit of %d", len(name), maxName)
	}
	if len(city) > maxCity {
		return l.problem(n, "city is %d bytes, above the limit of %d", len(city), maxCity)
	}
	cc := l.field(rec, colCountry)
	if cc == "" {
		cc = bic[4:6]
		r.country = countryIndex(cc) | ccDerived
	} else if !common.IsCountryInUse(cc) {
		return l.problem(n, "country %q is not an ISO 3166 country code", clip(cc))
	} else {
		r.country = countryIndex(cc)
	}
	l.lei = l.lei[:0]
	if s := l.field(rec, colLEI); s != "" {
		for s != "" {
			var x string
			x, s, _ = strings.Cut(s, ";")
			x = strings.TrimSpace(x)
			if !common.IsLEI(x) {
				return l.problem(n, "LEI %q is not valid (20 characters with ISO 17442 check digits)", clip(x))
			}
			if !slices.Contains(l.lei, x) {
				l.lei = append(l.lei, x)
			}
		}
	}
	if len(l.lei) > maxLEIs {
		return l.problem(n, "more than %d LEIs", maxLEIs)
	}
	var ok bool
	if r.conn, ok = parseConnected(l.field(rec, colConnected)); !ok {
		return l.problem(n, "connected %q must be true, false, yes, no, y, n, 1, 0 or empty", clip(l.field(rec, colConnected)))
	}
	if r.validFrom, ok = l.date(rec, colFrom); !ok {
		return l.problem(n, "valid_from %q is not a YYYY-MM-DD date", clip(l.field(rec, colFrom)))
	}
	if r.validTo, ok = l.date(rec, colTo); !ok {
		return l.problem(n, "valid_to %q is not a YYYY-MM-DD date", clip(l.field(rec, colTo)))
	}
	if r.validFrom != 0 && r.validTo != 0 && r.validTo < r.validFrom {
		return l.problem(n, "valid_to %s is before valid_from %s", r.validTo, r.validFrom)
	}
	if len(l.recs) >= MaxEntries {
		return l.problem(n, "more than %d lines", MaxEntries)
	}
	r.off = uint32(len(l.text))
	l.text = append(l.text, bic...)
	if len(bic) == 8 {
		l.text = append(l.text, "XXX"...)
	}
	l.text = append(l.text, name...)
	l.text = append(l.text, city...)
	r.nameLen, r.cityLen = uint16(len(name)), uint8(len(city))
	r.leiOff = uint32(len(l.text))
	for _, x := range l.lei {
		l.text = append(l.text, x...)
	}
	r.nLEI = uint8(len(l.lei))
	if len(l.text) > 1<<32-1<<20 {
		return l.problem(n, "the directory's text is above 4 GiB")
	}
	l.recs = append(l.recs, r)
	return false
}

// date reads an optional date column.
func (l *loader) date(rec []string, c int) (Date, bool) {
	s := l.field(rec, c)
	if s == "" {
		return 0, true
	}
	return ParseDate(s)
}

// ccDerived marks, while loading, a country taken from the BIC rather than
// given in the country column (it never conflicts with another line's).
const ccDerived = 1 << 15

func (l *loader) str(off uint32, n int) string { return string(l.text[off : off+uint32(n)]) }

// finish sorts the records by BIC (then line), merges the lines of a BIC
// given more than once, and copies text and records into storage of exact
// size (append doubles capacity, which would otherwise cost up to twice
// the memory). It returns nil when merging found conflicts (in
// l.problems).
func (l *loader) finish() *Directory {
	slices.SortFunc(l.recs, func(a, b loadRec) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.line, b.line)
	})
	recs := make([]record, 0, len(l.recs))
	for i := 0; i < len(l.recs); {
		j := i + 1
		for j < len(l.recs) && l.recs[j].key == l.recs[i].key {
			j++
		}
		r := l.recs[i]
		if j > i+1 {
			l.merge(&r, l.recs[i+1:j])
		}
		r.country &^= ccDerived
		recs = append(recs, r.record)
		i = j
	}
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
		if len(l.problems) > maxProblems {
			l.problems = l.problems[:maxProblems]
		}
		return nil
	}
	index := make(map[uint64]uint32, len(recs))
	for i := range recs {
		index[recs[i].key] = uint32(i)
	}
	text := make([]byte, len(l.text))
	copy(text, l.text)
	return &Directory{index: index, recs: slices.Clip(recs), text: text, source: l.file, layout: l.layout}
}

// merge folds further lines of one BIC into its first line p: their LEIs
// join p's; any other value they give must equal p's, and values only
// they give fill p's gaps.
func (l *loader) merge(p *loadRec, more []loadRec) {
	bic := l.str(p.off, 11)
	leis := make([]string, 0, int(p.nLEI)+len(more))
	for k := range int(p.nLEI) {
		leis = append(leis, l.str(p.leiOff+uint32(k*leiLen), leiLen))
	}
	for i := range more {
		r := &more[i]
		name, city := l.str(r.off+11, int(r.nameLen)), l.str(r.off+11+uint32(r.nameLen), int(r.cityLen))
		pname, pcity := l.str(p.off+11, int(p.nameLen)), l.str(p.off+11+uint32(p.nameLen), int(p.cityLen))
		for _, f := range []struct {
			col string
			bad bool
		}{
			{"name", name != "" && pname != "" && name != pname},
			{"city", city != "" && pcity != "" && city != pcity},
			{"country", r.country&ccDerived == 0 && r.country&^ccDerived != p.country&^ccDerived},
			{"connected", r.conn != ConnectionUnknown && p.conn != ConnectionUnknown && r.conn != p.conn},
			{"valid_from", r.validFrom != 0 && p.validFrom != 0 && r.validFrom != p.validFrom},
			{"valid_to", r.validTo != 0 && p.validTo != 0 && r.validTo != p.validTo},
		} {
			if f.bad {
				l.problem(int(r.line), "BIC %s given again with a different %s (first at line %d)", bic, f.col, p.line)
				return
			}
		}
		if (name != "" && pname == "") || (city != "" && pcity == "") {
			l.problem(int(r.line), "BIC %s: name and city must be given on its first line (line %d)", bic, p.line)
			return
		}
		if p.country&ccDerived != 0 && r.country&ccDerived == 0 {
			p.country = r.country
		}
		if p.conn == ConnectionUnknown {
			p.conn = r.conn
		}
		if p.validFrom == 0 {
			p.validFrom = r.validFrom
		}
		if p.validTo == 0 {
			p.validTo = r.validTo
		}
		p.branches = p.branches || r.branches
		for k := range int(r.nLEI) {
			if x := l.str(r.leiOff+uint32(k*leiLen), leiLen); !slices.Contains(leis, x) {
				leis = append(leis, x)
			}
		}
	}
	if len(leis) > maxLEIs {
		l.problem(int(more[len(more)-1].line), "BIC %s maps to more than %d LEIs", bic, maxLEIs)
		return
	}
	if len(leis) > int(p.nLEI) {
		p.leiOff = uint32(len(l.text))
		for _, x := range leis {
			l.text = append(l.text, x...)
		}
		p.nLEI = uint8(len(leis))
	}
}

func parseConnected(s string) (Connection, bool) {
	switch strings.ToLower(s) {
	case "":
		return ConnectionUnknown, true
	case "true", "yes", "y", "1":
		return Connected, true
	case "false", "no", "n", "0":
		return NotConnected, true
	}
	return ConnectionUnknown, false
}

// csvLine returns the line of a CSV parse error, else def.
func csvLine(err error, def int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.Line > 0 {
		return pe.Line
	}
	return def
}

// csvMessage describes a CSV parse error without its position (the
// Problem carries the line).
func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return "wrong number of fields (the header's count applies to every line)"
		}
		return "bad CSV: " + pe.Err.Error()
	}
	return err.Error()
}

var errTooLarge = fmt.Errorf("file is above the limit of %d bytes", MaxFileBytes)

// limitReader fails with errTooLarge past its limit (io.LimitReader would
// end the file silently, loading a truncated directory).
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// clip cuts a value quoted in an error to 64 bytes.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
