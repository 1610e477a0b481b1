package swiftval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
)

// TestNewStartupWork pins what engine construction (every process start)
// loads: no schema, whatever the constructor; each is loaded by the first
// message of its namespace.
func TestNewStartupWork(t *testing.T) {
	tests := []struct {
		name string
		new  func() (*engine.Engine, error)
	}{
		{"New", func() (*engine.Engine, error) { return New(engine.Options{}), nil }},
		{"NewWithConfig", func() (*engine.Engine, error) { return NewWithConfig(engine.Options{}, Config{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.new()
			if err != nil {
				t.Fatal(err)
			}
			var f *mx.Format
			for _, ef := range e.Formats() {
				if m, ok := ef.(*mx.Format); ok {
					f = m
				}
			}
			if f == nil {
				t.Fatal("no mx format registered")
			}
			if got, types := len(f.Loaded()), len(f.MessageTypes()); got != 0 || types < 140 {
				t.Errorf("%d schemas loaded at construction of %d known types; want none", got, types)
			}
		})
	}
}

// TestNewWithConfigTables: the CBPR+ business-service and ISO external code
// tables given as files are used, and a bad one (or an unknown release)
// stops construction with an error naming it.
func TestNewWithConfigTables(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("bizsvc.tsv", "pacs.002.001.10\tcore\tSR2026\tswift.cbprplus.04\tconfirmed\toperator\n")
	codes := write("codes.txt", "list\tExternalPurpose1Code\t1Q2026 v1\t2026-05-29\nCASH\n")
	bad := write("bad.tsv", "pacs.002.001.10\tcore\n")
	tests := []struct {
		name string
		cfg  Config
		want string // "" for no error
	}{
		{"tables", Config{CBPRBizSvcFile: good, ExternalCodesFile: codes, CBPRRelease: "SR2026"}, ""},
		{"bad bizsvc", Config{CBPRBizSvcFile: bad}, "bad.tsv:1"},
		{"bad codes", Config{ExternalCodesFile: bad}, "bad.tsv:1"},
		{"unknown release", Config{CBPRRelease: "SR2099"}, "SR2099"},
		{"absent file", Config{CBPRBizSvcFile: filepath.Join(dir, "nope.tsv")}, "nope.tsv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewWithConfig(engine.Options{}, tc.cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			case tc.want == "":
				var cb *engine.RuleSet
				for _, rs := range e.RuleSets() {
					if rs.Name == "cbpr+" {
						cb = rs
					}
				}
				if cb == nil || cb.Version != "SR2026" {
					t.Errorf("cbpr+ rule set %v, want version SR2026 (pinned)", cb)
				}
			}
		})
	}
}
