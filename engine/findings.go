package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Findings collects the findings of one message. Rules append to it through
// Add and Addf; the engine stamps each finding with the rule ID and rule set
// of the rule being run, and applies severity overrides.
//
// A Findings is not safe for concurrent use; each validation has its own.
type Findings struct {
	list    []Finding
	rule    string
	ruleSet string
	sev     Severity
	over    bool // sev overrides the severity given by the rule
	errors  int
	reps    []repeat // findings that Repeat counts occurrences of
}

// Add appends a finding with the given code, severity, location and message.
func (f *Findings) Add(code string, sev Severity, loc Location, msg string) {
	if f.over {
		sev = f.sev
	}
	if sev == Error {
		f.errors++
	}
	f.list = append(f.list, Finding{Code: code, Severity: sev, Rule: f.rule, Message: msg, Location: loc, RuleSet: f.ruleSet})
}

// Error appends an error finding.
func (f *Findings) Error(code string, loc Location, msg string) { f.Add(code, Error, loc, msg) }

// Warn appends a warning finding.
func (f *Findings) Warn(code string, loc Location, msg string) { f.Add(code, Warning, loc, msg) }

// Errorf appends an error finding with a formatted message. Quote offending
// values with Echo.
func (f *Findings) Errorf(code string, loc Location, format string, args ...any) {
	f.Add(code, Error, loc, fmt.Sprintf(format, args...))
}

// Warnf appends a warning finding with a formatted message.
func (f *Findings) Warnf(code string, loc Location, format string, args ...any) {
	f.Add(code, Warning, loc, fmt.Sprintf(format, args...))
}

// SetRule sets the rule ID and rule set stamped on findings added from now
// on. Parsers call it to attribute parse findings ("mt.block1" ...).
func (f *Findings) SetRule(id, ruleSet string) {
	f.rule, f.ruleSet, f.over = id, ruleSet, false
}

// List returns the findings so far. The slice is owned by f.
func (f *Findings) List() []Finding { return f.list }

// Len returns the number of findings so far.
func (f *Findings) Len() int { return len(f.list) }

// Errors returns the number of error findings so far.
func (f *Findings) Errors() int { return f.errors }

// Reset empties f for reuse, keeping its storage.
func (f *Findings) Reset() {
	clear(f.list)
	f.list = f.list[:0]
	clear(f.reps)
	f.reps = f.reps[:0]
	f.rule, f.ruleSet, f.over, f.errors = "", "", false, 0
}

// detach gives every finding's strings storage of their own, so they no
// longer point into the input or into a Message the format recycles.
func (f *Findings) detach() {
	for i := range f.list {
		x := &f.list[i]
		x.Message = strings.Clone(x.Message)
		x.Location.Field = strings.Clone(x.Location.Field)
		x.Location.Path = strings.Clone(x.Location.Path)
	}
}

func (f *Findings) setRule(id, ruleSet string, sev Severity, over bool) {
	f.rule, f.ruleSet, f.sev, f.over = id, ruleSet, sev, over
}

// repeat is a finding whose later occurrences were counted instead of
// added (see Findings.Repeat).
type repeat struct {
	index  int // of the finding in list
	rule   string
	code   string
	key    string // the caller's key
	more   int    // occurrences after the first
	places []Location
}

// maxPlaces is how many places of a repeated finding its message lists.
const maxPlaces = 5

// Repeat adds a finding as Add does the first time a problem is met. When
// the same rule already added a finding with the same code and key in this
// validation (the same character that does not belong, met on line after
// line), the occurrence is only counted: the first finding's message ends
// with the count and the first places ("; the same 35 more times
// (line:column 4:1, 5:1, 9:1, 11:1, 12:1, …)") when the report is finished.
// So a problem repeated on many lines is reported once, and every place it
// occurs is still accounted for.
//
// key says what makes two occurrences the same problem (the offending
// character, say); it must not hold payment data beyond what msg quotes.
// Repeat reports whether it added a finding (false: it counted one).
func (f *Findings) Repeat(key, code string, sev Severity, loc Location, msg string) bool {
	for i := range f.reps {
		r := &f.reps[i]
		if r.key == key && r.code == code && r.rule == f.rule {
			r.more++
			if len(r.places) < maxPlaces {
				r.places = append(r.places, loc)
			}
			return false
		}
	}
	f.reps = append(f.reps, repeat{index: len(f.list), rule: f.rule, code: code, key: key})
	f.Add(code, sev, loc, msg)
	return true
}

// finishRepeats appends the count and the first places to each finding
// that Repeat counted more occurrences of.
func (f *Findings) finishRepeats() {
	for i := range f.reps {
		r := &f.reps[i]
		if r.more == 0 || r.index >= len(f.list) {
			continue
		}
		x := &f.list[r.index]
		x.Message += repeatSuffix(r.more, r.places)
	}
}

// repeatSuffix renders "; the same 35 more times (line:column 4:1, 5:1, …)",
// or with lines only when no place has a column.
func repeatSuffix(more int, places []Location) string {
	var sb strings.Builder
	sb.WriteString("; the same ")
	sb.WriteString(strconv.Itoa(more))
	if more == 1 {
		sb.WriteString(" more time")
	} else {
		sb.WriteString(" more times")
	}
	cols := false
	for _, p := range places {
		cols = cols || p.Column > 0
	}
	n := 0
	for _, p := range places {
		if p.Line <= 0 {
			continue
		}
		switch {
		case n > 0:
			sb.WriteString(", ")
		case cols:
			sb.WriteString(" (line:column ")
		case len(places) == 1:
			sb.WriteString(" (line ")
		default:
			sb.WriteString(" (lines ")
		}
		sb.WriteString(strconv.Itoa(p.Line))
		if cols {
			sb.WriteByte(':')
			sb.WriteString(strconv.Itoa(p.Column))
		}
		n++
	}
	if n > 0 {
		if more > n {
			sb.WriteString(", …")
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// shift locates the findings of a segment that starts at line, column of
// the whole input within the whole input, with the places repeated
// findings list (before finishRepeats renders them).
func (f *Findings) shift(line, column int) {
	if line <= 1 && column <= 1 {
		return
	}
	for i := range f.list {
		f.list[i].Location.shift(line, column)
	}
	for i := range f.reps {
		for j := range f.reps[i].places {
			f.reps[i].places[j].shift(line, column)
		}
	}
}

// shift moves l from a segment that starts at line, column of the whole
// input into the whole input.
func (l *Location) shift(line, column int) {
	if l.Line == 0 {
		return
	}
	if l.Line == 1 && l.Column > 0 && column > 1 {
		l.Column += column - 1
	}
	if line > 1 {
		l.Line += line - 1
	}
}
