package custom

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/internal/lazyre"
)

// setSpec is a rule-set file as written, with the YAML nodes kept for
// locating problems.
type setSpec struct {
	Name, Version, Description string
	Lists                      map[string][]string
	listNodes                  map[string]*yaml.Node
	Disable                    []string
	Severity                   map[string]engine.Severity
	disableNode, severityNode  *yaml.Node // to locate unknown rule IDs
	Rules                      []*ruleSpec
	Tests                      []*testSpec
	nameNode                   *yaml.Node
	// external is the external_checks list, compiled by an
	// ExternalCompiler (see external.go); nil when absent.
	external *yaml.Node
}

type ruleSpec struct {
	ID, Description string
	Severity        engine.Severity
	AppliesTo       []string
	Format          string
	When, Check     string
	Code, Message   string
	LocMT, LocMX    string
	node            *yaml.Node            // the rule's mapping
	at              map[string]*yaml.Node // value node of each key
}

type testSpec struct {
	Name    string
	Message string // inline raw message
	File    string // message file, relative to the rule-set file
	View    map[string]string
	Valid   *bool
	Codes   []string
	node    *yaml.Node
	at      map[string]*yaml.Node
}

// problems collects the problems of one file.
type problems struct {
	file string
	list []Problem
}

func (p *problems) add(n *yaml.Node, rule, format string, args ...any) {
	pr := Problem{File: p.file, RuleID: rule, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		pr.Line, pr.Column = n.Line, n.Column
	}
	p.list = append(p.list, pr)
}

// Keys allowed at each level; anything else is refused ("unknown field"),
// so a typo never silently disables a check.
var (
	setKeys  = []string{"name", "version", "description", "lists", "disable", "severity_overrides", "rules", "tests", "external_checks"}
	ruleKeys = []string{"id", "description", "severity", "applies_to", "format", "when", "check", "code", "message", "location"}
	testKeys = []string{"name", "message", "file", "view", "expect"}
)

var (
	nameRe = lazyre.New(`^[a-z0-9][a-z0-9_.+-]{0,63}$`)
	idRe   = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$`)
	codeRe = lazyre.New(`^[A-Z][A-Z0-9]{1,9}$`)
	typeRe = lazyre.New(`^(\*|MT[0-9]{0,3}[A-Z]*\*?|[a-z]{4}\.[0-9]{3}(\.[0-9]{3}(\.[0-9]{2})?)?(\.\*)?|[a-z]{4}\.\*)$`)
)

// mapping iterates the key/value pairs of a mapping node, refusing keys not
// in allowed and keys given twice.
func (p *problems) mapping(n *yaml.Node, rule, what string, allowed []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.add(n, rule, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if allowed != nil && !contains(allowed, key) {
			p.add(k, rule, "unknown field %q in %s (allowed: %s)", key, what, strings.Join(allowed, ", "))
			continue
		}
		if seen[key] {
			p.add(k, rule, "field %q given twice in %s", key, what)
			continue
		}
		seen[key] = true
		fn(key, k, v)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *problems) scalar(n *yaml.Node, rule, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.add(n, rule, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *problems) strings(n *yaml.Node, rule, what string) []string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n, rule, "%s must be a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			p.add(c, rule, "%s must be a list of strings", what)
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// parseSet parses a rule-set file. Every problem is collected; spec is
// nil only when the file is not YAML at all.
func parseSet(file string, data []byte) (*setSpec, []Problem) {
	p := &problems{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		p.list = append(p.list, yamlProblem(file, data, err))
		return nil, p.list
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.add(nil, "", "empty rule set")
		return nil, p.list
	}
	root := doc.Content[0]
	s := &setSpec{Severity: map[string]engine.Severity{}, Lists: map[string][]string{}, listNodes: map[string]*yaml.Node{}}
	p.mapping(root, "", "the rule set", setKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			s.Name, s.nameNode = p.scalar(v, "", "name"), v
			if !nameRe.MatchString(s.Name) {
				p.add(v, "", "name %q must be 1-64 lower-case letters, digits, '_', '.', '+' or '-'", s.Name)
			}
		case "version":
			s.Version = p.scalar(v, "", "version")
		case "description":
			s.Description = p.scalar(v, "", "description")
		case "lists":
			p.mapping(v, "", "lists", nil, func(name string, k, lv *yaml.Node) {
				if !identRe.MatchString(name) {
					p.add(k, "", "list name %q must be an identifier (letters, digits, '_')", name)
					return
				}
				s.Lists[name] = p.strings(lv, "", "list "+name)
				s.listNodes[name] = lv
			})
		case "disable":
			s.Disable, s.disableNode = p.strings(v, "", "disable"), v
		case "severity_overrides":
			s.severityNode = v
			p.mapping(v, "", "severity_overrides", nil, func(id string, k, sv *yaml.Node) {
				sev, ok := engine.ParseSeverity(p.scalar(sv, "", "severity"))
				if !ok {
					p.add(sv, "", "severity override of %s must be error or warning, not %q", id, sv.Value)
					return
				}
				s.Severity[id] = sev
			})
		case "rules":
			if v.Kind != yaml.SequenceNode {
				p.add(v, "", "rules must be a list")
				return
			}
			for _, rn := range v.Content {
				s.Rules = append(s.Rules, p.rule(rn))
			}
		case "external_checks":
			s.external = v
		case "tests":
			if v.Kind != yaml.SequenceNode {
				p.add(v, "", "tests must be a list")
				return
			}
			for _, tn := range v.Content {
				s.Tests = append(s.Tests, p.test(tn))
			}
		}
	})
	if s.nameNode == nil {
		p.add(root, "", "missing field \"name\"")
	}
	if var2 := dec.Decode(new(yaml.Node)); var2 == nil {
		p.add(nil, "", "a rule-set file holds one YAML document; found more")
	}
	return s, p.list
}

var identRe = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func (p *problems) rule(n *yaml.Node) *ruleSpec {
	r := &ruleSpec{node: n, at: map[string]*yaml.Node{}}
	// Find the ID first, so every other problem names its rule.
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
				r.ID = n.Content[i+1].Value
			}
		}
	}
	p.mapping(n, r.ID, "a rule", ruleKeys, func(key string, k, v *yaml.Node) {
		r.at[key] = v
		switch key {
		case "id":
			if !idRe.MatchString(r.ID) {
				p.add(v, r.ID, "rule id %q must be 1-128 letters, digits, '_', '.', ':', '+' or '-'", r.ID)
			}
		case "description":
			r.Description = p.scalar(v, r.ID, "description")
		case "severity":
			sev, ok := engine.ParseSeverity(p.scalar(v, r.ID, "severity"))
			if !ok {
				p.add(v, r.ID, "severity must be error or warning, not %q", v.Value)
			}
			r.Severity = sev
		case "applies_to":
			for i, t := range p.strings(v, r.ID, "applies_to") {
				pats, ok := expandFamily(t)
				if !ok {
					at := v
					if v.Kind == yaml.SequenceNode {
						at = v.Content[i]
					}
					p.add(at, r.ID, "applies_to: %q is neither a message type (MT103, pacs.008.*) nor a family (%s)", t, strings.Join(familyNames(), ", "))
					continue
				}
				r.AppliesTo = append(r.AppliesTo, pats...)
			}
		case "format":
			r.Format = p.scalar(v, r.ID, "format")
			if r.Format != "mt" && r.Format != "mx" {
				p.add(v, r.ID, "format must be mt or mx, not %q", r.Format)
			}
		case "when":
			r.When = p.scalar(v, r.ID, "when")
		case "check":
			r.Check = p.scalar(v, r.ID, "check")
		case "code":
			r.Code = p.scalar(v, r.ID, "code")
			if !codeRe.MatchString(r.Code) {
				p.add(v, r.ID, "code %q must be 2-10 upper-case letters and digits, starting with a letter", r.Code)
			}
		case "message":
			r.Message = p.scalar(v, r.ID, "message")
		case "location":
			switch v.Kind {
			case yaml.ScalarNode:
				if strings.HasPrefix(v.Value, "/") {
					r.LocMX = v.Value
				} else {
					r.LocMT = v.Value
				}
			default:
				p.mapping(v, r.ID, "location", []string{"mt", "mx"}, func(f string, _, lv *yaml.Node) {
					if f == "mt" {
						r.LocMT = p.scalar(lv, r.ID, "location.mt")
					} else {
						r.LocMX = p.scalar(lv, r.ID, "location.mx")
					}
				})
			}
			if r.LocMX != "" && !strings.HasPrefix(r.LocMX, "/") {
				p.add(v, r.ID, "location.mx must be an absolute path starting with /, not %q", r.LocMX)
			}
			if r.LocMT != "" && !mtTagRe.MatchString(r.LocMT) {
				p.add(v, r.ID, "location.mt must be a field tag such as 32A, not %q", r.LocMT)
			}
		}
	})
	for _, req := range []string{"id", "check", "applies_to"} {
		if r.at[req] == nil && n.Kind == yaml.MappingNode {
			p.add(n, r.ID, "missing field %q", req)
		}
	}
	return r
}

var mtTagRe = lazyre.New(`^[0-9]{2}[A-Z]?$`)

func (p *problems) test(n *yaml.Node) *testSpec {
	t := &testSpec{node: n, at: map[string]*yaml.Node{}}
	p.mapping(n, "", "a test", testKeys, func(key string, k, v *yaml.Node) {
		t.at[key] = v
		switch key {
		case "name":
			t.Name = p.scalar(v, "", "test name")
		case "message":
			t.Message = p.scalar(v, "", "test message")
		case "file":
			t.File = p.scalar(v, "", "test file")
		case "view":
			t.View = map[string]string{}
			p.mapping(v, "", "test view", nil, func(name string, k, vv *yaml.Node) {
				if d := view().index[name]; d == nil || d.typ == MTType || d.typ == MXType {
					p.add(k, "", "test %q: view has no value %q (see docs/rules.md for the names)", t.Name, name)
					return
				}
				t.View[name] = p.scalar(vv, "", "view value")
			})
		case "expect":
			p.mapping(v, "", "expect", []string{"valid", "codes"}, func(f string, _, ev *yaml.Node) {
				if f == "valid" {
					var b bool
					if err := ev.Decode(&b); err != nil {
						p.add(ev, "", "expect.valid must be true or false")
						return
					}
					t.Valid = &b
				} else {
					t.Codes = p.strings(ev, "", "expect.codes")
				}
			})
		}
	})
	n2 := 0
	for _, k := range []string{"message", "file", "view"} {
		if t.at[k] != nil {
			n2++
		}
	}
	if n2 != 1 {
		p.add(n, "", "test %q must give exactly one of message, file or view", t.Name)
	}
	if t.at["expect"] == nil {
		p.add(n, "", "test %q has no expect", t.Name)
	}
	return t
}

var yamlLineRe = lazyre.New(`^line (\d+)(?::(?: column)? ?(\d+))?: `)

// maxYAMLProbe bounds how many lines past the reported one yamlProblem
// tries (each try parses the lines before it): a construct that spans more
// lines than that keeps the reported line.
const maxYAMLProbe = 200

// yamlProblem turns a YAML syntax error into a problem located at the
// line where the error is.
//
// go.yaml.in/yaml/v3 reports the line where the construct holding the
// error starts, not the error's own position, and for parser errors that
// line counted from 0 (decode.go, parser.fail: context_mark, +1 only for
// scanner errors): "[X" left open on line 5 says "line 4", a tab on line
// 10 inside a sequence item that starts on line 9 says "line 9". It does
// not expose the problem's position, so it is found here: the first line
// k, from the one before the reported one on, such that the first k lines
// of the document alone fail with the same problem. Only a refused rule set
// pays for it.
func yamlProblem(file string, data []byte, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pr := Problem{File: file}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &pr.Line)
		if m[2] != "" {
			fmt.Sscan(m[2], &pr.Column)
		}
		msg = msg[len(m[0]):]
	}
	pr.Message = "invalid YAML: " + msg
	if pr.Line > 0 && pr.Column == 0 {
		if k := yamlErrorLine(data, pr.Line, msg); k > 0 {
			pr.Line = k
			if strings.Contains(msg, "tab character") {
				// The tab itself: YAML indents with spaces only.
				if lines := bytes.Split(data, []byte("\n")); k <= len(lines) {
					pr.Column = bytes.IndexByte(lines[k-1], '\t') + 1
				}
				pr.Message += " (YAML indents with spaces, never tabs)"
			}
		}
	}
	return pr
}

// yamlErrorLine returns the first line k >= reported-1 such that the
// first k lines of data fail to parse with problem, or 0.
func yamlErrorLine(data []byte, reported int, problem string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k := max(1, reported-1); k <= len(lines) && k <= reported+maxYAMLProbe; k++ {
		var n yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:k], nil))).Decode(&n)
		if err == nil {
			continue
		}
		e := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRe.FindString(e); m != "" {
			e = e[len(m):]
		}
		if e == problem {
			return k
		}
	}
	return 0
}

// families maps the family names usable in applies_to to the type
// patterns they stand for. The MT types of each family come from the one
// declaration of each type in formats/mt (mt.Types: Family and Payment),
// so a new MT type joins its families without an edit here. The map is
// built on first use, not at package initialisation.
var families = sync.OnceValue(func() map[string][]string {
	f := map[string][]string{
		// payments: every credit transfer, direct debit or notice between
		// customers or institutions.
		"payments": {"pacs.008.*", "pacs.009.*", "pacs.004.*", "pain.001.*"},
		// customer-transfers: customer credit transfers.
		"customer-transfers": {"pacs.008.*", "pain.001.*"},
		// fi-transfers: institution-to-institution transfers and cover payments.
		"fi-transfers": {"pacs.009.*"},
		// returns: payment returns.
		"returns": {"pacs.004.*"},
		// statements: account reporting.
		"statements": {"camt.052.*", "camt.053.*", "camt.054.*"},
		// all: every message type.
		"all": {"*"},
	}
	var mtOf = map[string][]string{}
	for _, ti := range mt.Types() {
		if ti.Variant != "" {
			continue // the base type's pattern covers its variants
		}
		if ti.Payment != mt.PayNone {
			mtOf["payments"] = append(mtOf["payments"], ti.Type)
		}
		switch ti.Family {
		case mt.FamilyCustomerTransfers:
			mtOf["customer-transfers"] = append(mtOf["customer-transfers"], ti.Type)
		case mt.FamilyFITransfers:
			mtOf["fi-transfers"] = append(mtOf["fi-transfers"], ti.Type)
		case mt.FamilyStatements:
			mtOf["statements"] = append(mtOf["statements"], ti.Type)
		}
	}
	for k, v := range mtOf {
		f[k] = append(v, f[k]...)
	}
	return f
})

func familyNames() []string {
	out := make([]string, 0, len(families()))
	for k := range families() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expandFamily turns an applies_to entry into engine type patterns.
func expandFamily(s string) ([]string, bool) {
	if f, ok := families()[s]; ok {
		return f, true
	}
	if typeRe.MatchString(s) {
		return []string{s}, true
	}
	return nil, false
}
