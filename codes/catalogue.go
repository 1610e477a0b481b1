// Package codes is the catalogue of swiftval's finding codes, kept as data
// in codes.yaml: SWIFT's own codes that the formats and rule packs report,
// and the codes of ours (SV...) where SWIFT defines none. `go generate
// ./codes` writes from it the Go constants of each owning package
// (codes_gen.go) and docs/codes.md, in the manner of nats-server's
// errors.json; the tests check that the generated files are current, that
// every code a rule or format can emit is catalogued, and that every entry
// is used.
//
// The package is used at build time (the generator and the tests); nothing
// in the shipped binary imports it.
package codes

//go:generate go run ./gen
//go:generate go run ./gendocs

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Catalogue is the parsed codes.yaml.
type Catalogue struct {
	// Families in the order the docs list them.
	Families []Family `yaml:"families"`
	// Codes in the order the docs list them within each family.
	Codes []Entry `yaml:"codes"`
}

// Family is a group of codes with one owner.
type Family struct {
	// Name is the key entries refer to ("engine", "cbpr").
	Name string `yaml:"name"`
	// Title is the docs heading.
	Title string `yaml:"title"`
	// Package is the repository-relative directory of the Go package the
	// family's constants are generated into; empty when it has none.
	Package string `yaml:"package"`
	// SWIFT is true for families of SWIFT's own codes.
	SWIFT bool `yaml:"swift"`
	// Intro is a paragraph printed under the heading.
	Intro string `yaml:"intro"`
}

// Entry is one code.
type Entry struct {
	// Code is the code as reports carry it ("SV001", "D75").
	Code string `yaml:"code"`
	// Family names the entry's Family.
	Family string `yaml:"family"`
	// Const is the Go constant generated for the code in the family's
	// package; empty for codes reported by literal (SWIFT rule codes).
	Const string `yaml:"const"`
	// Severity is "error", "warning" or "error or warning".
	Severity string `yaml:"severity"`
	// Meaning is the one-line meaning the docs show.
	Meaning string `yaml:"meaning"`
	// Source says where a SWIFT code or its wording comes from.
	Source string `yaml:"source"`
	// Retired codes are kept so that they are never reused.
	Retired bool `yaml:"retired"`
}

var (
	codeRE  = regexp.MustCompile(`^(SV[A-Z]?[0-9]{3}|[A-Z][0-9]{2})$`)
	constRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
)

// Parse reads and checks a catalogue: codes well-formed and unique, every
// family known, constants unique within their package, severities known.
func Parse(data []byte) (*Catalogue, error) {
	var c Catalogue
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("codes.yaml: %w", err)
	}
	fams := map[string]*Family{}
	for i := range c.Families {
		f := &c.Families[i]
		if f.Name == "" || fams[f.Name] != nil {
			return nil, fmt.Errorf("codes.yaml: family %q empty or repeated", f.Name)
		}
		fams[f.Name] = f
	}
	seen := map[string]bool{}
	consts := map[string]string{}
	for _, e := range c.Codes {
		if !codeRE.MatchString(e.Code) {
			return nil, fmt.Errorf("codes.yaml: %q is not a code (SV[A-Z]nnn or Xnn)", e.Code)
		}
		if seen[e.Code] {
			return nil, fmt.Errorf("codes.yaml: %s listed twice", e.Code)
		}
		seen[e.Code] = true
		f := fams[e.Family]
		if f == nil {
			return nil, fmt.Errorf("codes.yaml: %s: unknown family %q", e.Code, e.Family)
		}
		switch e.Severity {
		case "error", "warning", "error or warning":
		default:
			return nil, fmt.Errorf("codes.yaml: %s: severity %q (want error, warning or \"error or warning\")", e.Code, e.Severity)
		}
		if strings.TrimSpace(e.Meaning) == "" {
			return nil, fmt.Errorf("codes.yaml: %s: no meaning", e.Code)
		}
		if e.Const == "" {
			continue
		}
		if f.Package == "" || e.Retired {
			return nil, fmt.Errorf("codes.yaml: %s: a constant needs a family with a package and a code in use", e.Code)
		}
		if !constRE.MatchString(e.Const) {
			return nil, fmt.Errorf("codes.yaml: %s: %q is not a Go identifier", e.Code, e.Const)
		}
		key := f.Package + "." + e.Const
		if prev, ok := consts[key]; ok {
			return nil, fmt.Errorf("codes.yaml: %s and %s both generate %s", prev, e.Code, key)
		}
		consts[key] = e.Code
	}
	return &c, nil
}

// Lookup returns the entry of a code.
func (c *Catalogue) Lookup(code string) (Entry, bool) {
	for _, e := range c.Codes {
		if e.Code == code {
			return e, true
		}
	}
	return Entry{}, false
}

func (c *Catalogue) family(name string) Family {
	for _, f := range c.Families {
		if f.Name == name {
			return f
		}
	}
	return Family{}
}

// GoFiles returns the generated constant files, keyed by their
// repository-relative path (<package>/codes_gen.go).
func (c *Catalogue) GoFiles() (map[string][]byte, error) {
	byPkg := map[string][]Entry{}
	for _, e := range c.Codes {
		if e.Const != "" {
			p := c.family(e.Family).Package
			byPkg[p] = append(byPkg[p], e)
		}
	}
	out := map[string][]byte{}
	for pkg, es := range byPkg {
		var b bytes.Buffer
		name := pkg[strings.LastIndexByte(pkg, '/')+1:]
		fmt.Fprintf(&b, "// Code generated by codes/gen from codes/codes.yaml; DO NOT EDIT.\n\npackage %s\n\n", name)
		fmt.Fprintf(&b, "// Finding codes of this package (codes/codes.yaml; docs/codes.md).\nconst (\n")
		for _, e := range es {
			fmt.Fprintf(&b, "\t// %s (%s): %s.\n\t%s = %q\n", e.Const, e.Code, strings.TrimSuffix(e.Meaning, "."), e.Const, e.Code)
		}
		b.WriteString(")\n")
		src, err := format.Source(b.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pkg, err)
		}
		out[pkg+"/codes_gen.go"] = src
	}
	return out, nil
}

// Markdown returns docs/codes.md. rules maps a code to the IDs of the
// built-in rules that report it (shown beside the codes of rule families).
func (c *Catalogue) Markdown(rules map[string][]string) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Code generated by codes/gen from codes/codes.yaml; DO NOT EDIT. -->\n\n")
	b.WriteString("# Finding codes\n\n")
	b.WriteString("swiftval uses SWIFT's own error codes (T, C, D, E, H, U ... families, from the FIN Error Codes\n")
	b.WriteString("document) wherever SWIFT defines one. Everything else gets a stable code of ours (SV...), listed\n")
	b.WriteString("here. Codes are never reused for a different meaning: a retired code stays in the list.\n")
	b.WriteString("The list is generated from `codes/codes.yaml`, the one place where a code is added.\n\n")
	for _, f := range c.Families {
		fmt.Fprintf(&b, "## %s\n", f.Title)
		if f.Intro != "" {
			fmt.Fprintf(&b, "%s\n", f.Intro)
		}
		b.WriteString("\n")
		withRules := false
		for _, e := range c.Codes {
			if e.Family == f.Name && len(rules[e.Code]) > 0 {
				withRules = true
			}
		}
		if withRules {
			b.WriteString("| code | rule(s) | meaning |\n|---|---|---|\n")
		} else {
			b.WriteString("| code | meaning |\n|---|---|\n")
		}
		for _, e := range c.Codes {
			if e.Family != f.Name {
				continue
			}
			m := e.Meaning
			switch {
			case e.Retired:
				m = "(retired) " + m
			case e.Severity != "error":
				m = "(" + e.Severity + ") " + m
			}
			if e.Source != "" {
				m += " — " + e.Source
			}
			m = strings.ReplaceAll(m, "|", "\\|")
			if withRules {
				ids := append([]string(nil), rules[e.Code]...)
				sort.Strings(ids)
				fmt.Fprintf(&b, "| %s | %s | %s |\n", e.Code, strings.Join(ids, ", "), m)
			} else {
				fmt.Fprintf(&b, "| %s | %s |\n", e.Code, m)
			}
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
