package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
)

// Code is the finding code of a sanctions hit.
const Code = "SVU590"

// Entry is one line of the sanctions list.
type Entry struct {
	// Name is the listed name as written; Country and BIC are optional.
	Name, Country, BIC, Reason string
	// Line is the line of the entry in the CSV file.
	Line int
}

// List is a sanctions list, indexed for lookups: normalised names and BIC8
// codes. A List is immutable once loaded and safe for concurrent use.
type List struct {
	entries []Entry
	names   map[string]int // normalised name -> entry index
	bics    map[string]int // BIC8 -> entry index
}

// Load reads a sanctions list in CSV: a header line "name,country,bic,reason"
// (in any order; reason optional), then one entry per line; lines starting
// with '#' are comments. Each entry needs a name or a BIC. Errors name the
// line.
func Load(r io.Reader) (*List, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("sanctions list: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, errors.New(`sanctions list: the header has no "name" column`)
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	l := &List{names: map[string]int{}, bics: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("sanctions list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		e := Entry{Name: get(rec, "name"), Country: strings.ToUpper(get(rec, "country")), BIC: strings.ToUpper(get(rec, "bic")), Reason: get(rec, "reason"), Line: line}
		if e.Name == "" && e.BIC == "" {
			return nil, fmt.Errorf("sanctions list: line %d: an entry needs a name or a BIC", line)
		}
		if e.BIC != "" && len(e.BIC) != 8 && len(e.BIC) != 11 {
			return nil, fmt.Errorf("sanctions list: line %d: BIC %q must have 8 or 11 characters", line, e.BIC)
		}
		idx := len(l.entries)
		l.entries = append(l.entries, e)
		if e.Name != "" {
			l.names[Normalise(e.Name)] = idx
		}
		if e.BIC != "" {
			l.bics[e.BIC[:8]] = idx
		}
	}
	return l, nil
}

// Len returns the number of entries.
func (l *List) Len() int { return len(l.entries) }

// Normalise upper-cases a name, drops punctuation and collapses spaces, so
// "Acme Weapons-Trading, L.L.C." and "ACME WEAPONS TRADING LLC" compare equal.
func Normalise(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToUpper(r))
		case r == '.' || r == '\'':
			// "L.L.C." → "LLC", "O'Brien" → "OBRIEN"
		default:
			space = true
		}
	}
	return b.String()
}

// MatchName returns the entry whose normalised name equals the normalised
// name given, if any.
func (l *List) MatchName(name string) (Entry, bool) {
	if name == "" {
		return Entry{}, false
	}
	i, ok := l.names[Normalise(name)]
	if !ok {
		return Entry{}, false
	}
	return l.entries[i], true
}

// MatchBIC returns the entry listing the institution of a BIC (8 or 11
// characters; the branch is ignored), if any.
func (l *List) MatchBIC(bic string) (Entry, bool) {
	if len(bic) < 8 {
		return Entry{}, false
	}
	i, ok := l.bics[bic[:8]]
	if !ok {
		return Entry{}, false
	}
	return l.entries[i], true
}

// Rule returns a Go rule that checks the debtor, the creditor and every
// agent of each transaction against the list, through the same
// format-neutral view the CEL rules use (payment.Of), so it works on
// MT103, MT202, pacs.008, pacs.009 and pain.001 alike.
func Rule(l *List) engine.Rule { return &rule{list: l} }

type rule struct{ list *List }

// Info implements engine.Rule.
func (r *rule) Info() engine.RuleInfo {
	return engine.RuleInfo{ID: "example.sanctions", Code: Code, Severity: engine.Error, AppliesTo: []string{"MT101", "MT102*", "MT103*", "MT202*", "MT205*", "pacs.008.*", "pacs.009.*", "pain.001.*"},
		Source: "examples/sanctions", Description: "debtor, creditor and agents must not be on the sanctions list"}
}

// Check implements engine.Rule.
func (r *rule) Check(m *engine.Message, f *engine.Findings) {
	v := payment.Of(m)
	if v == nil {
		f.Error(engine.CodeRuleFailed, engine.Location{}, "sanctions screening could not read this message")
		return
	}
	for i := range v.Transactions {
		t := &v.Transactions[i]
		loc := engine.Location{Path: t.Path}
		for _, p := range []struct {
			role string
			pty  *payment.Party
		}{{"debtor", &t.Debtor}, {"creditor", &t.Creditor}} {
			if e, ok := r.list.MatchName(p.pty.Name); ok {
				f.Errorf(Code, loc, "%s name matches sanctions list entry at line %d", p.role, e.Line)
			}
			if e, ok := r.list.MatchBIC(p.pty.BIC); ok {
				f.Errorf(Code, loc, "%s BIC matches sanctions list entry at line %d", p.role, e.Line)
			}
		}
		for _, a := range []struct {
			role string
			bic  string
		}{{"debtor agent", t.Debtor.Agent.BIC}, {"creditor agent", t.Creditor.Agent.BIC}, {"intermediary", t.Intermediary.BIC}} {
			if e, ok := r.list.MatchBIC(a.bic); ok {
				f.Errorf(Code, loc, "%s %s is on the sanctions list (line %d)", a.role, engine.Echo(a.bic), e.Line)
			}
		}
	}
}

// RuleSet wraps the rule in a rule set to register on an engine.
func RuleSet(l *List) *engine.RuleSet {
	return &engine.RuleSet{Name: "sanctions", Version: "example", Description: "sanctions screening from a CSV list", Source: engine.SourceGo, Rules: []engine.Rule{Rule(l)}}
}
