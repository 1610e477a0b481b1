package lazyre

import (
	"strings"
	"sync"
	"testing"
)

func TestLazyCompile(t *testing.T) {
	r := New(`^[A-Z]{2}([0-9]+)$`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if !r.MatchString("AB12") || r.MatchString("ab12") {
				t.Error("MatchString disagrees with the expression")
			}
		})
	}
	wg.Wait()
	if m := r.FindStringSubmatch("XY345"); len(m) != 2 || m[1] != "345" {
		t.Errorf("FindStringSubmatch = %q", m)
	}
	if r.Get() != r.Get() || r.String() != `^[A-Z]{2}([0-9]+)$` {
		t.Error("Get compiles once and String is the source text")
	}
	if err := CompileAll(); err != nil {
		t.Fatal(err)
	}
}

func TestCompileAllReportsABadExpression(t *testing.T) {
	bad := New(`^[A-Z`)
	defer func() {
		mu.Lock()
		all = all[:len(all)-1] // leave the list as other tests expect it
		mu.Unlock()
	}()
	err := CompileAll()
	if err == nil || !strings.Contains(err.Error(), "missing closing ]") {
		t.Fatalf("CompileAll() = %v, want the syntax error of %q", err, bad)
	}
	defer func() {
		if recover() == nil {
			t.Error("using a bad expression did not panic")
		}
	}()
	bad.MatchString("A")
}
