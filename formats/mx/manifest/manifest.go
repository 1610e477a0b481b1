// Package manifest is the list of ISO 20022 message definitions swiftval
// ships (messages.txt, embedded): which schemas package schemas holds in
// load-ready form and which have a typed model in package typed. The
// generators of both packages read it, and their tests check that every
// entry is generated and current; an XSD that merely lies in a schema
// directory is not shipped.
//
// It also resolves where the generators read the XSD files: paths given
// to them are relative to the repository root (the directory of go.mod),
// and the moov-io/iso20022 module is found with `go list`, so no path of a
// particular machine is written anywhere.
package manifest

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed messages.txt
var messages string

// DefaultXSDDir is where the shared ISO 20022 schemas are read from,
// relative to the repository root: the shared directory beside the
// checkout.
const DefaultXSDDir = "../shared/xsd"

// MoovModule is the module whose docs/specifications tree holds the XSDs of
// the entries with source "moov-io:…".
const MoovModule = "github.com/moov-io/iso20022"

// Entry is one shipped message definition.
type Entry struct {
	// ID is the message identifier: "pacs.008.001.08".
	ID string
	// Typed is the Go field of typed.Documents holding the typed model
	// ("Pacs008", "AppHdr"), or "" when there is none.
	Typed string
	// Payment says the message carries payments that the payment view
	// (package payment, FromMX) maps into transactions; only a message
	// with a typed model can.
	Payment bool
	// Shared is true when the XSD is <xsd dir>/<ID>.xsd.
	Shared bool
	// MoovPath is the XSD's path under the moov-io module's
	// docs/specifications (slash-separated) when Shared is false.
	MoovPath string
	// Line is the entry's line in messages.txt.
	Line int
}

// Namespace returns the entry's XML namespace.
func (e Entry) Namespace() string { return "urn:iso:std:iso:20022:tech:xsd:" + e.ID }

// IsHeader reports whether the entry is a business application header
// (head.001): its root element is AppHdr, not Document.
func (e Entry) IsHeader() bool { return strings.HasPrefix(e.ID, "head.") }

// XSDPath returns the file the entry's schema is read from, given the
// shared XSD directory and the moov-io specifications directory (see Dirs).
func (e Entry) XSDPath(xsdDir, moovDir string) string {
	if e.Shared {
		return filepath.Join(xsdDir, e.ID+".xsd")
	}
	return filepath.Join(moovDir, filepath.FromSlash(e.MoovPath))
}

// All returns every entry, in file order (sorted by ID: Parse checks it).
func All() []Entry {
	es, err := Parse(messages)
	if err != nil {
		panic("manifest: messages.txt: " + err.Error()) // the package test rules it out
	}
	return es
}

// Typed returns the entries with a typed model: the header first, then the
// documents in file order (the order of typed.Definitions).
func Typed() []Entry {
	var hdr, docs []Entry
	for _, e := range All() {
		switch {
		case e.Typed == "":
		case e.IsHeader():
			hdr = append(hdr, e)
		default:
			docs = append(docs, e)
		}
	}
	return append(hdr, docs...)
}

// Parse reads a manifest: one entry a line ("id typed view source"), '#'
// starts a comment line, blank lines are ignored. The error names the line
// of the first problem: a malformed line, an ID or typed field used twice,
// IDs out of order, a payment view without a typed model.
func Parse(text string) ([]Entry, error) {
	var out []Entry
	ids, fields := map[string]int{}, map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want four fields (id typed view source), got %d", n, len(f))
		}
		e := Entry{ID: f[0], Line: n}
		if !validID(e.ID) {
			return nil, fmt.Errorf("line %d: %q is not a message identifier like pacs.008.001.08", n, e.ID)
		}
		if p, dup := ids[e.ID]; dup {
			return nil, fmt.Errorf("line %d: %s is listed again (first on line %d)", n, e.ID, p)
		}
		ids[e.ID] = n
		if len(out) > 0 && out[len(out)-1].ID > e.ID {
			return nil, fmt.Errorf("line %d: %s is out of order (entries are sorted by id)", n, e.ID)
		}
		if f[1] != "-" {
			if !validField(f[1]) {
				return nil, fmt.Errorf("line %d: typed field %q is not an exported Go name", n, f[1])
			}
			if p, dup := fields[f[1]]; dup {
				return nil, fmt.Errorf("line %d: typed field %s is used again (first on line %d)", n, f[1], p)
			}
			fields[f[1]] = n
			e.Typed = f[1]
		}
		switch f[2] {
		case "payment":
			if e.Typed == "" {
				return nil, fmt.Errorf("line %d: %s has a payment view but no typed model", n, e.ID)
			}
			e.Payment = true
		case "-":
		default:
			return nil, fmt.Errorf("line %d: view %q is neither payment nor -", n, f[2])
		}
		switch src := f[3]; {
		case src == "shared":
			e.Shared = true
		case strings.HasPrefix(src, "moov-io:") && strings.HasSuffix(src, ".xsd") && !strings.Contains(src, ".."):
			e.MoovPath = strings.TrimPrefix(src, "moov-io:")
		default:
			return nil, fmt.Errorf("line %d: source %q is neither shared nor moov-io:<path>.xsd", n, src)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// validID reports whether s has the form aaaa.nnn.nnn.nn.
func validID(s string) bool {
	if len(s) != 15 || s[4] != '.' || s[8] != '.' || s[12] != '.' {
		return false
	}
	for i := range 4 {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	for _, i := range []int{5, 6, 7, 9, 10, 11, 13, 14} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validField(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// RepoRoot returns the repository root: the nearest directory at or above
// the working directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = up
	}
}

// Dirs resolves the two XSD sources: xsdDir (relative to the repository
// root unless absolute; DefaultXSDDir when empty) and the moov-io module's
// docs/specifications (located with `go list -m`, which reads the module
// cache). It fails when either directory is missing, naming it.
func Dirs(xsdDir string) (shared, moov string, err error) {
	if xsdDir == "" {
		xsdDir = DefaultXSDDir
	}
	if !filepath.IsAbs(xsdDir) {
		root, err := RepoRoot()
		if err != nil {
			return "", "", err
		}
		xsdDir = filepath.Join(root, xsdDir)
	}
	if _, err := os.Stat(xsdDir); err != nil {
		return "", "", fmt.Errorf("shared XSD directory: %w", err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", MoovModule).Output()
	if err != nil {
		return "", "", fmt.Errorf("locating %s (go mod download fetches it): %v", MoovModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", "", fmt.Errorf("%s is not in the module cache: run go mod download", MoovModule)
	}
	moov = filepath.Join(dir, "docs", "specifications")
	if _, err := os.Stat(moov); err != nil {
		return "", "", fmt.Errorf("%s specifications: %w", MoovModule, err)
	}
	return xsdDir, moov, nil
}
