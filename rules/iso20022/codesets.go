package iso20022

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// builtinCodeSets are the ISO 20022 external code sets shipped in the
// binary (codes only; see the file's header for the release and source).
//
//go:embed external_codes.txt
var builtinCodeSets []byte

// CodeList is one ISO 20022 external code set.
type CodeList struct {
	// Name is the ISO name of the set, which is also the XSD type of the
	// elements that use it ("ExternalStatusReason1Code").
	Name string
	// Release names the ISO publication ("3Q2025 v2").
	Release string
	// Published is the publication date of that release.
	Published time.Time
	// From is the file and line the list was read from.
	From  string
	codes []string // sorted
}

// Has reports whether code is in the list.
func (l *CodeList) Has(code string) bool {
	i := sort.SearchStrings(l.codes, code)
	return i < len(l.codes) && l.codes[i] == code
}

// Len returns the number of codes.
func (l *CodeList) Len() int { return len(l.codes) }

// Codes returns the codes, sorted.
func (l *CodeList) Codes() []string { return append([]string(nil), l.codes...) }

// CodeSets are the external code sets, by name. Immutable once built and
// safe for concurrent use.
type CodeSets struct {
	byName map[string]*CodeList
}

// List returns the list of that name, or nil.
func (s *CodeSets) List(name string) *CodeList { return s.byName[name] }

// Lists returns every list, sorted by name.
func (s *CodeSets) Lists() []*CodeList {
	out := make([]*CodeList, 0, len(s.byName))
	for _, l := range s.byName {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// BuiltinCodeSets returns the code sets shipped in the binary, parsed on
// the first call (the first MX message whose rules need them, or an
// operator file laid over them) and shared after that: building an engine
// does not pay for them.
func BuiltinCodeSets() *CodeSets {
	s, err := parseBuiltin()
	if err != nil {
		panic("iso20022: built-in external_codes.txt: " + err.Error()) // ruled out by TestBuiltinCodeSets
	}
	return s
}

var parseBuiltin = sync.OnceValues(func() (*CodeSets, error) {
	return ParseCodeSets("external_codes.txt", bytes.NewReader(builtinCodeSets), nil)
})

// builtinReleases returns the releases of the built-in lists, read from
// their list lines alone (in name order, as CodeSets.Lists gives them),
// so that the rule's Source can name them without parsing every code;
// TestBuiltinCodeSets checks them against the parsed lists.
var builtinReleases = sync.OnceValue(func() []string {
	type list struct{ name, release string }
	var lists []list
	for rest := builtinCodeSets; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		if len(line) < 5 || string(line[:5]) != "list\t" {
			continue // a code, a comment or a blank line
		}
		if cells := strings.Split(strings.TrimSpace(string(line)), "\t"); len(cells) == 4 {
			lists = append(lists, list{strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])})
		}
	}
	sort.Slice(lists, func(i, j int) bool { return lists[i].name < lists[j].name })
	out := make([]string, len(lists))
	for i, l := range lists {
		out[i] = l.release
	}
	return out
})

// LoadCodeSets reads an operator's code-set file (the format of
// external_codes.txt, see docs/external-codes.md) and lays it over base:
// each list it holds replaces the list of that name, or adds one. The error
// names the file and line at fault.
func LoadCodeSets(path string, base *CodeSets) (*CodeSets, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("external code sets: %w", err)
	}
	defer f.Close()
	return ParseCodeSets(path, f, base)
}

// maxCodeSetLines bounds a code-set file: ISO's whole publication has about
// 80 lists and 3,000 codes; ten times that is a mistake, not a release.
const maxCodeSetLines = 50000

// ParseCodeSets reads code sets in the external_codes.txt format:
//
//	list  NAME  RELEASE  PUBLISHED(YYYY-MM-DD)
//	CODE
//	CODE ...
//
// (tab-separated; '#' starts a comment line). name is used in errors. Each
// list read replaces base's list of that name (base may be nil). A list
// named twice, without codes, a code outside [A-Za-z0-9] or longer than 35
// characters, or a code before any list line is an error naming the line.
func ParseCodeSets(name string, r io.Reader, base *CodeSets) (*CodeSets, error) {
	out := &CodeSets{byName: map[string]*CodeList{}}
	if base != nil {
		for k, v := range base.byName {
			out.byName[k] = v
		}
	}
	seen := map[string]bool{}
	var cur *CodeList
	finish := func() error {
		if cur == nil {
			return nil
		}
		if len(cur.codes) == 0 {
			return fmt.Errorf("%s: list %s has no code", cur.From, cur.Name)
		}
		sort.Strings(cur.codes)
		for i := 1; i < len(cur.codes); i++ {
			if cur.codes[i] == cur.codes[i-1] {
				return fmt.Errorf("%s: list %s has code %s twice", cur.From, cur.Name, cur.codes[i])
			}
		}
		out.byName[cur.Name] = cur
		return nil
	}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		if n > maxCodeSetLines {
			return nil, fmt.Errorf("%s: more than %d lines", name, maxCodeSetLines)
		}
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 || raw[0] == '#' {
			continue
		}
		line := string(raw)
		if !strings.HasPrefix(line, "list\t") && line != "list" {
			// A code: the common line, so the place is formatted only for an error.
			if cur == nil {
				return nil, fmt.Errorf("%s:%d: code %q before any list line", name, n, line)
			}
			if !codeOK(line, 35) {
				return nil, fmt.Errorf("%s:%d: %q is not an external code (1 to 35 letters and digits)", name, n, line)
			}
			cur.codes = append(cur.codes, line)
			continue
		}
		at := name + ":" + strconv.Itoa(n)
		if err := finish(); err != nil {
			return nil, err
		}
		cells := strings.Split(line, "\t")
		if len(cells) != 4 {
			return nil, fmt.Errorf("%s: a list line has 4 tab-separated cells (list, name, release, published), not %d", at, len(cells))
		}
		pub, err := time.Parse("2006-01-02", strings.TrimSpace(cells[3]))
		if err != nil {
			return nil, fmt.Errorf("%s: publication date %q is not YYYY-MM-DD", at, cells[3])
		}
		ln := strings.TrimSpace(cells[1])
		if !strings.HasPrefix(ln, "External") || !strings.HasSuffix(ln, "Code") || !codeOK(ln, 70) {
			return nil, fmt.Errorf("%s: %q is not the name of an ISO 20022 external code set (External...Code)", at, ln)
		}
		if seen[ln] {
			return nil, fmt.Errorf("%s: list %s appears twice", at, ln)
		}
		seen[ln] = true
		rel := strings.TrimSpace(cells[2])
		if rel == "" {
			return nil, fmt.Errorf("%s: the release of list %s is empty", at, ln)
		}
		cur = &CodeList{Name: ln, Release: rel, Published: pub, From: at}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("%s: no list", name)
	}
	return out, nil
}

func codeOK(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
