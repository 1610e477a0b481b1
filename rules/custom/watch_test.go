package custom

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	dir := writeSets(t, map[string]string{"a.yaml": "name: a\n"})
	reloads := make(chan error, 16)
	m, err := NewManager(newEngine(), ManagerOptions{Dir: dir, OnReload: func(err error) { reloads <- err }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Watch(ctx) }()
	wait := func() error {
		select {
		case err := <-reloads:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("no reload within 10s")
			return nil
		}
	}
	// fsnotify needs a moment to start watching.
	time.Sleep(100 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("name: b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil || len(m.List()) != 2 {
		t.Fatalf("after adding b: %v, %d sets", err, len(m.List()))
	}
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("name: c\nrules: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err == nil || !strings.Contains(err.Error(), "c.yaml") || len(m.List()) != 2 {
		t.Fatalf("after broken c: %v, %d sets", err, len(m.List()))
	}
	// Files that are not rule sets do not trigger reloads.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	if err := os.Remove(filepath.Join(dir, "c.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil || len(m.List()) != 2 {
		t.Fatalf("after removing c: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Watch = %v", err)
	}
}

func TestWatchNeedsDir(t *testing.T) {
	m, _ := NewManager(newEngine(), ManagerOptions{})
	if err := m.Watch(context.Background()); err == nil {
		t.Fatal("Watch without Dir")
	}
}

func TestMessageTemplateClips(t *testing.T) {
	e := newEngine()
	m, _ := NewManager(e, ManagerOptions{})
	if err := m.Put("tpl", []byte("name: tpl\nrules:\n  - id: tpl.r\n    applies_to: [all]\n    check: \"false\"\n    message: \"name ${debtor.name} amount {{ settlement.amount }}\"\n")); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("N", 100) + "\x01"
	rep := validate(e, fakeMsg("debtor.name", long, "settlement.amount", "12.50"))
	want := "name " + strings.Repeat("N", 64) + "… amount 12.50"
	if len(rep.Findings) != 1 || rep.Findings[0].Message != want {
		t.Fatalf("%+v", rep.Findings)
	}
}

func TestFileTest(t *testing.T) {
	dir := writeSets(t, map[string]string{"s.yaml": `name: s
rules:
  - id: s.r
    applies_to: [MT103]
    check: settlement.currency == "GBP"
tests:
  - name: fake message by file
    file: msg.txt
    expect: {valid: true}
`})
	if err := os.WriteFile(filepath.Join(dir, "msg.txt"), fakeMsg("settlement.currency", "GBP"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewManager(newEngine(), ManagerOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "msg.txt"), fakeMsg("settlement.currency", "EUR"), 0o644)
	if _, err := NewManager(newEngine(), ManagerOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "s.yaml:7") {
		t.Fatalf("failing file test: %v", err)
	}
}
