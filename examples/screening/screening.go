package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Entry is one line of the sanctions list.
type Entry struct {
	// Name is the listed name as written; Country, BIC and Reason are
	// optional.
	Name, Country, BIC, Reason string
	// Line is the line of the entry in the CSV file.
	Line int
}

// List is a sanctions list indexed three ways: names as written (exact
// matching), normalised names, and BIC8 codes. It is immutable once loaded
// and safe for concurrent use.
type List struct {
	entries    []Entry
	exact      map[string]int
	normalised map[string]int
	bics       map[string]int
}

// Load reads a sanctions list in CSV: a header naming the columns
// name,country,bic,reason (any order; name required, the others optional),
// then one entry a line; lines starting with '#' are comments. Each entry
// needs a name or a BIC. Errors name the line.
func Load(r io.Reader) (*List, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
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
	l := &List{exact: map[string]int{}, normalised: map[string]int{}, bics: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return l, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sanctions list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		e := Entry{Name: get(rec, "name"), Country: get(rec, "country"), BIC: strings.ToUpper(get(rec, "bic")), Reason: get(rec, "reason"), Line: line}
		if e.Name == "" && e.BIC == "" {
			return nil, fmt.Errorf("sanctions list: line %d: an entry needs a name or a BIC", line)
		}
		if e.BIC != "" && len(e.BIC) != 8 && len(e.BIC) != 11 {
			return nil, fmt.Errorf("sanctions list: line %d: BIC %q must have 8 or 11 characters", line, e.BIC)
		}
		i := len(l.entries)
		l.entries = append(l.entries, e)
		if e.Name != "" {
			l.exact[e.Name] = i
			l.normalised[Normalise(e.Name)] = i
		}
		if e.BIC != "" {
			l.bics[e.BIC[:8]] = i
		}
	}
}

// Len returns the number of entries.
func (l *List) Len() int { return len(l.entries) }

// Normalise makes names that differ only in case, accents, punctuation,
// spacing or a few company-form spellings compare equal:
// "Müller & Söhne Rüstung G.m.b.H." and "MULLER SOHNE RUSTUNG GMBH" give
// the same string. It decomposes characters (Unicode NFD) and drops the
// combining marks, upper-cases letters and digits, drops '.' and '\” (so
// "L.L.C." is "LLC"), and turns every other run of characters into one
// space; "&" and the word "AND" are dropped.
func Normalise(s string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			if x := w.String(); x != "AND" {
				words = append(words, x)
			}
			w.Reset()
		}
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '.', r == '\'':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(unicode.ToUpper(r))
		default:
			flush()
		}
	}
	flush()
	return strings.Join(words, " ")
}

// Party is one party to screen.
type Party struct {
	Role string `json:"role"`
	Name string `json:"name,omitempty"`
	BIC  string `json:"bic,omitempty"`
}

// Hit is one party found on the list.
type Hit struct {
	Role string `json:"role"`
	// Match is how it matched: "exact" (the name as listed), "normalised"
	// (see Normalise) or "bic" (the institution of the BIC).
	Match string `json:"match"`
	// Entry is the line of the list entry; Reason its reason.
	Entry  int    `json:"entry"`
	Reason string `json:"reason,omitempty"`
}

// Screen returns the hits among parties, in order; a party can hit by name
// and by BIC.
func (l *List) Screen(parties []Party) []Hit {
	hits := []Hit{}
	for _, p := range parties {
		if p.Name != "" {
			if i, ok := l.exact[p.Name]; ok {
				hits = append(hits, Hit{Role: p.Role, Match: "exact", Entry: l.entries[i].Line, Reason: l.entries[i].Reason})
			} else if i, ok := l.normalised[Normalise(p.Name)]; ok {
				hits = append(hits, Hit{Role: p.Role, Match: "normalised", Entry: l.entries[i].Line, Reason: l.entries[i].Reason})
			}
		}
		if len(p.BIC) >= 8 {
			if i, ok := l.bics[strings.ToUpper(p.BIC[:8])]; ok {
				hits = append(hits, Hit{Role: p.Role, Match: "bic", Entry: l.entries[i].Line, Reason: l.entries[i].Reason})
			}
		}
	}
	return hits
}
