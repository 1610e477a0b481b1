package custom

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fileTestSet is a rule set with one rule and one test reading file.
func fileTestSet(name, file string) string {
	return "name: " + name + "\nrules:\n  - id: " + name + ".r\n    applies_to: [all]\n    check: \"true\"\ntests:\n  - name: t\n    file: " + file + "\n    expect: {valid: true}\n"
}

// TestTestFilesConfined reproduces the attacks of issue 17, item 1: a
// rule set's "tests: - file:" read any path of the machine, unbounded,
// through the admin API. Every case must be refused promptly with a
// located problem that quotes nothing of the file, and change nothing.
func TestTestFilesConfined(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("FIFOs, /dev/zero and symbolic links as on Unix")
	}
	dir := t.TempDir()
	outside := t.TempDir()
	secret := "{1:F01SECRETBANKXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:SECRET-REF-4711\n:59:/GB29NWBK60161331926819\nJOHN SECRETPARTY\n-}"
	if err := os.WriteFile(filepath.Join(outside, "payments.fin"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(dir, "samples"), 0o755))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.fin")))
	must(os.Symlink(filepath.Join(outside, "payments.fin"), filepath.Join(dir, "out.fin")))
	must(os.Symlink(outside, filepath.Join(dir, "samples", "up")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.fin"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "big.fin"), bytes.Repeat([]byte("x"), 2<<20), 0o644))
	must(os.WriteFile(filepath.Join(dir, "samples", "ok.xml"), sample(t, "pacs008-ok.xml"), 0o644))

	tests := []struct{ name, file, why string }{
		{"absolute /dev/zero", "/dev/zero", "is not a path inside"},
		{"absolute file elsewhere", filepath.Join(outside, "payments.fin"), "is not a path inside"},
		{"dot-dot", "../" + filepath.Base(outside) + "/payments.fin", "is not a path inside"},
		{"dot-dot inside the path", "samples/../../x.fin", "is not a path inside"},
		{"symlink to /dev/zero", "zero.fin", "cannot be opened"},
		{"symlink out of the directory", "out.fin", "cannot be opened"},
		{"directory symlink out", "samples/up/payments.fin", "cannot be opened"},
		{"FIFO", "fifo.fin", "is not a regular file"},
		{"directory", "samples", "is not a regular file"},
		{"above the size limit", "big.fin", "above the limit"},
		{"missing", "samples/none.fin", "does not exist"},
	}
	m, err := NewManager(newEngine(), ManagerOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- m.Put("t", []byte(fileTestSet("t", tc.file))) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Put hangs")
			}
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) != 1 {
				t.Fatalf("Put = %v, want one problem", err)
			}
			p := le.Problems[0]
			if p.File != "t.yaml" || p.Line != 7 || !strings.Contains(p.Message, tc.why) {
				t.Errorf("problem %+v, want t.yaml line 7 saying %q", p, tc.why)
			}
			// The error may repeat the name the set gave, never the file's
			// content or the server's directory.
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), dir) {
				t.Errorf("the error reveals content or the directory: %v", err)
			}
			if _, _, ok := m.Get("t"); ok {
				t.Error("the set was loaded")
			}
		})
	}
	if err := m.Put("t", []byte(fileTestSet("t", "samples/ok.xml"))); err != nil {
		t.Errorf("a file inside the directory: %v", err)
	}
	// Without a directory there is nothing to confine to: file tests are refused.
	mem, _ := NewManager(newEngine(), ManagerOptions{})
	if err := mem.Put("t", []byte(fileTestSet("t", "samples/ok.xml"))); err == nil || !strings.Contains(err.Error(), "need a rule-set directory") {
		t.Errorf("Put without Dir = %v", err)
	}
	// The CLI's TestSet reads from the set file's own directory, confined too.
	res, err := TestSet(newEngine(), filepath.Join(dir, "t.yaml"), []byte(fileTestSet("t", "/dev/zero")), ManagerOptions{})
	if err != nil || len(res) != 1 || res[0].Passed || !strings.Contains(res[0].Detail, "is not a path inside") {
		t.Errorf("TestSet = %+v, %v", res, err)
	}
}

// TestReloadRefusesOddSetFiles: the rule-set files of the directory are
// read as confined as the test files: a *.yaml that is a FIFO, a device
// or a link out of the directory fails the reload promptly (it used to
// hang on the FIFO and read /dev/zero until memory ran out), changing
// nothing.
func TestReloadRefusesOddSetFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("FIFOs and /dev/zero as on Unix")
	}
	for _, tc := range []struct {
		name string
		make func(path string) error
	}{
		{"FIFO", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"symlink to /dev/zero", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"symlink out", func(p string) error { return os.Symlink("/etc/hostname", p) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeSets(t, map[string]string{"a.yaml": "name: a\n"})
			var logs bytes.Buffer
			m, err := NewManager(newEngine(), ManagerOptions{Dir: dir, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.make(filepath.Join(dir, "odd.yaml")); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- m.ReloadLogged("test") }()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Reload hangs")
			}
			var le *LoadError
			if !errors.As(err, &le) || le.Problems[0].File != "odd.yaml" || len(m.List()) != 1 {
				t.Fatalf("Reload = %v, sets %d", err, len(m.List()))
			}
			if !strings.Contains(logs.String(), `"problems":1`) || !strings.Contains(logs.String(), "odd.yaml") {
				t.Errorf("log: %s", logs.String())
			}
		})
	}
}

// TestFailedTestQuotesNoContent: a failing rule-set test is described by
// the codes, rules and places of its findings, never by their messages,
// which quote the test message: the description goes into the admin API's
// 422 and into reload logs (issue 17, items 1 and 5). Logged, a LoadError
// carries places only.
func TestFailedTestQuotesNoContent(t *testing.T) {
	set := `name: leak
rules:
  - id: leak.name
    applies_to: [all]
    check: creditor.name != "JOHN SECRETPARTY"
    message: "creditor {{creditor.name}} with account {{creditor.account}} is blocked"
tests:
  - name: wrong expectation
    view: {message.type: MT103, creditor.name: JOHN SECRETPARTY, creditor.account: GB29NWBK60161331926819, settlement.amount: "98765.43"}
    expect: {valid: true}
`
	m, _ := NewManager(newEngine(), ManagerOptions{})
	err := m.Put("leak", []byte(set))
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Put = %v", err)
	}
	if !strings.Contains(err.Error(), "SVU500 leak.name") {
		t.Errorf("the failure does not name the finding's code and rule: %v", err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("reload", "err", err)
	for _, secret := range []string{"SECRETPARTY", "GB29NWBK60161331926819", "98765.43"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the load error quotes %s: %v", secret, err)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log line quotes %s: %s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"at":"leak.yaml:8"`) || strings.Contains(logs.String(), "expected") {
		t.Errorf("the log line should carry the place and no text: %s", logs.String())
	}
}
