package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// liteLeftOut are the packages (each with those below it) the lite build
// must not link: the libraries whose package initialisers a one-message
// validate would pay for without using them (lite.go).
var liteLeftOut = []string{
	"cel.dev/",
	"github.com/prometheus/",
	"go.opentelemetry.io/",
	"github.com/labstack/echo",
	"github.com/nats-io/",
	"github.com/go-playground/validator",
	"google.golang.org/protobuf",
	"github.com/sony/gobreaker",
	"net/http",
	"github.com/swiftval/swiftval/server",
	"github.com/swiftval/swiftval/stream",
	"github.com/swiftval/swiftval/rules/custom",
	"github.com/swiftval/swiftval/external",
}

// TestLiteDeps: the lite build links none of liteLeftOut.
func TestLiteDeps(t *testing.T) {
	for _, p := range linked(t, "lite") {
		for _, bad := range liteLeftOut {
			if p == bad || strings.HasPrefix(p, strings.TrimSuffix(bad, "/")+"/") {
				t.Errorf("the lite build links %s", p)
			}
		}
	}
}

// elapsed is the one field of a JSON report that differs between runs.
var elapsed = regexp.MustCompile(`"elapsed_us":[0-9.e+-]+`)

// TestLiteBuild builds the lite binary and checks that it judges like the
// full one, report for report, over this repository's test messages and the
// shared corpus, and that what it leaves out is refused, never skipped.
func TestLiteBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "swiftval-lite")
	if out, err := exec.Command("go", "build", "-tags", "lite", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags lite: %v\n%s", err, out)
	}
	lite := func(env []string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return stdout.String(), stderr.String(), code
	}

	t.Run("same reports", func(t *testing.T) {
		corpus := "../../../shared/corpus"
		if _, err := os.Stat(corpus); err != nil {
			t.Fatalf("the shared corpus beside the repository: %v", err)
		}
		args := []string{"validate", "-q", "--output", "json", "../../testdata/mt", "../../testdata/mx", corpus}
		var full, fullErr bytes.Buffer
		fullCode := run(args, strings.NewReader(""), &full, &fullErr)
		got, gotErr, code := lite(nil, args...)
		if code != fullCode {
			t.Errorf("exit status %d, full build %d", code, fullCode)
		}
		want := elapsed.ReplaceAllString(full.String(), "")
		got = elapsed.ReplaceAllString(got, "")
		if n := strings.Count(want, "\n"); n < 300 {
			t.Fatalf("the full build wrote %d reports; want the whole corpus", n)
		}
		if got != want {
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Fatalf("report %d differs:\nlite: %.400s\nfull: %.400s", i+1, gl[i], wl[i])
				}
			}
			t.Fatalf("%d reports, the full build %d", len(gl), len(wl))
		}
		if gotErr != fullErr.String() {
			t.Errorf("stderr:\nlite: %s\nfull: %s", gotErr, fullErr.String())
		}
	})

	msg := "../../testdata/mt/valid_mt103.fin"
	refused := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"serve", nil, []string{"serve", "--addr", "127.0.0.1:0"}, "serve is not in this lite build"},
		{"consume", nil, []string{"consume", "--embedded-nats", t.TempDir()}, "consume is not in this lite build"},
		{"publish", nil, []string{"publish", msg}, "publish is not in this lite build"},
		{"rules", nil, []string{"rules", "lint", "../../testdata/rulesets"}, "rules is not in this lite build"},
		{"bench", nil, []string{"bench", "--noop-server"}, "bench is not in this lite build"},
		{"--rules", nil, []string{"validate", "--rules", "../../testdata/rulesets", msg}, "--rules: this lite build"},
		{"SWIFTVAL_RULES", []string{"SWIFTVAL_RULES=../../testdata/rulesets"}, []string{"validate", msg}, "--rules: this lite build"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			out, errOut, code := lite(tt.env, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errOut, tt.want)
			}
		})
	}
	t.Run("validates", func(t *testing.T) {
		_, errOut, code := lite(nil, "validate", msg)
		if code != exitOK || !strings.Contains(errOut, "1 message: 1 valid") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
