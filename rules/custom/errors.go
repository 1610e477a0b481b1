package custom

import (
	"fmt"
	"log/slog"
	"strings"
)

// Problem is one reason a rule set was refused, located as precisely as
// known: the file, the 1-based line and column within it (0 when unknown),
// and the rule concerned (empty for problems of the set as a whole).
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	RuleID  string `json:"rule_id,omitempty"`
	Message string `json:"message"`
}

// String renders the problem as "file:line:column: rule ID: message".
func (p Problem) String() string {
	var sb strings.Builder
	p.writePlace(&sb)
	sb.WriteString(": ")
	if p.RuleID != "" {
		fmt.Fprintf(&sb, "rule %s: ", p.RuleID)
	}
	sb.WriteString(p.Message)
	return sb.String()
}

// writePlace writes "file:line:column" (without a 0 line or column).
func (p Problem) writePlace(sb *strings.Builder) {
	sb.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(sb, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(sb, ":%d", p.Column)
		}
	}
}

// LoadError is returned when one or more rule sets are refused. It lists
// every problem found, not only the first; nothing was changed in the engine.
//
// Problems is a field (not a method, which Go would not allow beside a field
// of the same name); the ProblemList method returns it for use through an
// interface.
type LoadError struct {
	Problems []Problem
}

// Error implements error: one problem per line.
func (e *LoadError) Error() string {
	if len(e.Problems) == 1 {
		return "rule set refused: " + e.Problems[0].String()
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "rule sets refused, %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		sb.WriteString("\n  ")
		sb.WriteString(p.String())
	}
	return sb.String()
}

// ProblemList returns e.Problems.
func (e *LoadError) ProblemList() []Problem { return e.Problems }

// LogValue implements slog.LogValuer: logged, a LoadError carries the
// number of problems and where each is (file:line:column and rule ID),
// never the problem texts, which may quote rule-set tests (names,
// accounts, amounts of test messages). Error() keeps the texts for the
// people who loaded the set (the CLI, the admin API's 422).
func (e *LoadError) LogValue() slog.Value {
	places := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		var sb strings.Builder
		p.writePlace(&sb)
		if p.RuleID != "" {
			sb.WriteString(" rule " + p.RuleID)
		}
		places = append(places, sb.String())
	}
	return slog.GroupValue(slog.Int("problems", len(e.Problems)), slog.String("at", strings.Join(places, "; ")))
}
