package engine

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is the verdict on one message.
//
// JSON field names are stable: id, index, valid, complete, format, type,
// level, findings, elapsed_us. A finding encodes as code, severity, rule,
// message, location (MT: block, field, line, column; MX: path, line) and
// rule_set.
type Report struct {
	// ID is the caller's identifier of the message (batch requests); optional.
	ID string
	// Source names the input the message came from (a file name); optional.
	Source string
	// Index is the 1-based position of the message within a multi-message
	// input; 0 when not set.
	Index int
	// Valid is true when the validation is complete and found no error.
	Valid bool
	// Complete is false when the budget or the context ran out before every
	// rule ran.
	Complete bool
	// Format is "mt" or "mx"; empty when the input was not recognised.
	Format string
	// Type is the message type ("MT103", "pacs.008.001.08").
	Type string
	// Level is the validation level applied (LevelFull, LevelSyntax ...).
	Level string
	// Findings holds every finding, in the order found.
	Findings []Finding
	// Elapsed is the time spent validating.
	Elapsed time.Duration
}

func (r *Report) finish(f *Findings, d time.Duration) {
	if len(f.reps) > 0 {
		f.finishRepeats()
	}
	if n := f.Len(); n > 0 {
		r.Findings = make([]Finding, n)
		copy(r.Findings, f.List())
		if n > 1 {
			sortFindings(r.Findings)
		}
	}
	r.Valid = r.Complete && f.Errors() == 0
	r.Elapsed = d
}

// sortFindings orders findings as a reader meets them in the input: by line,
// then column; findings without a line (about the message as a whole, such
// as an exhausted budget) come last. The sort is stable, so findings at the
// same place keep the order they were found in (syntax before rules).
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		la, lb := a.Location.Line, b.Location.Line
		switch {
		case la == lb:
			return cmp.Compare(a.Location.Column, b.Location.Column)
		case la == 0:
			return 1
		case lb == 0:
			return -1
		}
		return cmp.Compare(la, lb)
	})
}

// Errors counts the error findings.
func (r *Report) Errors() int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Severity == Error {
			n++
		}
	}
	return n
}

// HasCode reports whether a finding with that code is in the report.
func (r *Report) HasCode(code string) bool {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return true
		}
	}
	return false
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (r *Report) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the report as one line of JSON (no trailing newline) to
// buf. It uses no reflection.
func (r *Report) AppendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	if r.ID != "" {
		buf = append(buf, `"id":`...)
		buf = appendString(buf, r.ID)
		buf = append(buf, ',')
	}
	if r.Source != "" {
		buf = append(buf, `"source":`...)
		buf = appendString(buf, r.Source)
		buf = append(buf, ',')
	}
	if r.Index > 0 {
		buf = append(buf, `"index":`...)
		buf = strconv.AppendInt(buf, int64(r.Index), 10)
		buf = append(buf, ',')
	}
	buf = append(buf, `"valid":`...)
	buf = strconv.AppendBool(buf, r.Valid)
	buf = append(buf, `,"complete":`...)
	buf = strconv.AppendBool(buf, r.Complete)
	buf = append(buf, `,"format":`...)
	buf = appendString(buf, r.Format)
	buf = append(buf, `,"type":`...)
	buf = appendString(buf, r.Type)
	buf = append(buf, `,"level":`...)
	buf = appendString(buf, r.Level)
	buf = append(buf, `,"findings":[`...)
	for i := range r.Findings {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = r.Findings[i].AppendJSON(buf)
	}
	buf = append(buf, `],"elapsed_us":`...)
	buf = strconv.AppendFloat(buf, float64(r.Elapsed.Nanoseconds())/1e3, 'f', 3, 64)
	return append(buf, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (f Finding) MarshalJSON() ([]byte, error) { return f.AppendJSON(nil), nil }

// AppendJSON appends the finding as JSON to buf.
func (f *Finding) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"code":`...)
	buf = appendString(buf, f.Code)
	buf = append(buf, `,"severity":`...)
	buf = appendString(buf, f.Severity.String())
	buf = append(buf, `,"rule":`...)
	buf = appendString(buf, f.Rule)
	buf = append(buf, `,"message":`...)
	buf = appendString(buf, f.Message)
	buf = append(buf, `,"location":`...)
	buf = f.Location.AppendJSON(buf)
	if f.RuleSet != "" {
		buf = append(buf, `,"rule_set":`...)
		buf = appendString(buf, f.RuleSet)
	}
	return append(buf, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (l Location) MarshalJSON() ([]byte, error) { return l.AppendJSON(nil), nil }

// AppendJSON appends the location as JSON: {"path","line"} for MX (with
// "column" when known), {"block","field","line","column"} otherwise.
func (l *Location) AppendJSON(buf []byte) []byte {
	if l.Path != "" {
		buf = append(buf, `{"path":`...)
		buf = appendString(buf, l.Path)
		buf = append(buf, `,"line":`...)
		buf = strconv.AppendInt(buf, int64(l.Line), 10)
		if l.Column > 0 {
			buf = append(buf, `,"column":`...)
			buf = strconv.AppendInt(buf, int64(l.Column), 10)
		}
		return append(buf, '}')
	}
	buf = append(buf, `{"block":`...)
	buf = strconv.AppendInt(buf, int64(l.Block), 10)
	buf = append(buf, `,"field":`...)
	buf = appendString(buf, l.Field)
	buf = append(buf, `,"line":`...)
	buf = strconv.AppendInt(buf, int64(l.Line), 10)
	buf = append(buf, `,"column":`...)
	buf = strconv.AppendInt(buf, int64(l.Column), 10)
	return append(buf, '}')
}

// UnmarshalJSON decodes a report encoded by AppendJSON (used by clients and
// tests; not on the hot path).
func (r *Report) UnmarshalJSON(b []byte) error {
	var w struct {
		ID        string        `json:"id"`
		Source    string        `json:"source"`
		Index     int           `json:"index"`
		Valid     bool          `json:"valid"`
		Complete  bool          `json:"complete"`
		Format    string        `json:"format"`
		Type      string        `json:"type"`
		Level     string        `json:"level"`
		Findings  []jsonFinding `json:"findings"`
		ElapsedUS float64       `json:"elapsed_us"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Report{ID: w.ID, Source: w.Source, Index: w.Index, Valid: w.Valid, Complete: w.Complete, Format: w.Format, Type: w.Type, Level: w.Level, Elapsed: time.Duration(w.ElapsedUS * 1e3)}
	for _, f := range w.Findings {
		sev, _ := ParseSeverity(f.Severity)
		r.Findings = append(r.Findings, Finding{Code: f.Code, Severity: sev, Rule: f.Rule, Message: f.Message, RuleSet: f.RuleSet,
			Location: Location{Block: f.Location.Block, Field: f.Location.Field, Path: f.Location.Path, Line: f.Location.Line, Column: f.Location.Column}})
	}
	return nil
}

type jsonFinding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	RuleSet  string `json:"rule_set"`
	Location struct {
		Block  int    `json:"block"`
		Field  string `json:"field"`
		Path   string `json:"path"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	} `json:"location"`
}

// String renders the location for people: "block 4, field 32A, line 7,
// column 6" or "/Document/... (line 12)" ("(line 12, column 3)" when the
// column is known).
func (l Location) String() string {
	if l.Path != "" {
		switch {
		case l.Line > 0 && l.Column > 0:
			return fmt.Sprintf("%s (line %d, column %d)", l.Path, l.Line, l.Column)
		case l.Line > 0:
			return fmt.Sprintf("%s (line %d)", l.Path, l.Line)
		}
		return l.Path
	}
	var parts []string
	if l.Block > 0 {
		parts = append(parts, "block "+strconv.Itoa(l.Block))
	}
	if l.Field != "" {
		parts = append(parts, "field "+l.Field)
	}
	if l.Line > 0 {
		parts = append(parts, "line "+strconv.Itoa(l.Line))
		if l.Column > 0 {
			parts = append(parts, "column "+strconv.Itoa(l.Column))
		}
	}
	if len(parts) == 0 {
		return "message"
	}
	return strings.Join(parts, ", ")
}

// WriteText writes the report in a readable form:
//
//	payment.fin: MT103 (mt, full): INVALID, 2 errors, 0 warnings [12.3µs]
//	  error   T27  block 4, field 52A, line 9, column 6  [mt.field.52A]  BIC ... is not valid
func (r *Report) WriteText(w io.Writer) error {
	var sb strings.Builder
	name := r.Source
	if name == "" {
		name = "message"
	}
	if r.Index > 0 {
		name += "#" + strconv.Itoa(r.Index)
	}
	if r.ID != "" {
		name += " (" + r.ID + ")"
	}
	typ := r.Type
	if typ == "" {
		typ = "unknown type"
	}
	verdict := "VALID"
	if !r.Valid {
		verdict = "INVALID"
	}
	if !r.Complete {
		verdict += " (incomplete)"
	}
	errs := r.Errors()
	fmt.Fprintf(&sb, "%s: %s (%s, %s): %s, %d error(s), %d warning(s) [%s]\n", name, typ, orDash(r.Format), orDash(r.Level), verdict, errs, len(r.Findings)-errs, r.Elapsed.Round(100*time.Nanosecond))
	for i := range r.Findings {
		f := &r.Findings[i]
		fmt.Fprintf(&sb, "  %-7s %-6s %s  [%s]  %s\n", f.Severity, f.Code, f.Location, f.Rule, f.Message)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping quotes, backslashes,
// control characters, invalid UTF-8 (as U+FFFD) and U+2028/U+2029.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
