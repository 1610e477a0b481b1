package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestImageSmoke runs a built image with Podman as a bank would: read-only
// root file system, unprivileged user, no capabilities. It runs only when
// SWIFTVAL_SMOKE_IMAGE names the image (make image-smoke sets it; PODMAN
// names the podman binary, "podman" by default). When Podman cannot run
// containers on the machine at all (no usable runtime: a fault of the
// machine, not of the image), it is skipped with the reason.
//
// It checks the image's configuration (user, default command), validates
// one valid and one invalid MT103 with `validate -` in the image, runs
// `consume --help` there, starts the
// image with no arguments (serve on :8080), measures container start to
// the first 200 on /readyz, validates the same two messages over HTTP, and
// stops the container with SIGTERM, which must end it with status 0.
func TestImageSmoke(t *testing.T) {
	image := os.Getenv("SWIFTVAL_SMOKE_IMAGE")
	if image == "" {
		t.Skip("SWIFTVAL_SMOKE_IMAGE is not set (make image-smoke sets it)")
	}
	podman := os.Getenv("PODMAN")
	if podman == "" {
		podman = "podman"
	}
	pod := func(stdin []byte, args ...string) (string, int, error) {
		cmd := exec.Command(podman, args...)
		if stdin != nil {
			cmd.Stdin = bytes.NewReader(stdin)
		}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return string(out), ee.ExitCode(), nil
		}
		return string(out), 0, err
	}
	if out, code, err := pod(nil, "info"); err != nil || code != 0 {
		t.Skipf("podman is not usable on this machine (%v, status %d): %s", err, code, out)
	}

	// The image as built.
	out, code, err := pod(nil, "image", "inspect", "--format", "{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{.Size}}", image)
	if err != nil || code != 0 {
		t.Fatalf("image %s: %v %s", image, err, out)
	}
	f := strings.Split(strings.TrimSpace(out), "|")
	if len(f) != 4 || f[0] != "65532:65532" || f[1] != `["/swiftval"]` || f[2] != `["serve","--addr",":8080"]` {
		t.Errorf("image config user|entrypoint|cmd|size = %q, want 65532:65532|[\"/swiftval\"]|[\"serve\",\"--addr\",\":8080\"]|…", out)
	}
	t.Logf("image %s: %s bytes", image, f[len(f)-1])

	secure := []string{"--read-only", "--user", "65532:65532", "--cap-drop", "all", "--security-opt", "no-new-privileges"}
	valid, err := os.ReadFile("../loadtest/samples/mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	invalid := bytes.Replace(valid, []byte(":71A:SHA\r\n"), nil, 1) // 71A is mandatory in an MT103
	if bytes.Equal(invalid, valid) {
		t.Fatal("the sample no longer holds :71A:SHA CR LF; pick another mutation")
	}

	// The CLI in the image: exit 0 for the valid message, 1 for the invalid.
	out, code, err = pod(valid, append(append([]string{"run", "--rm", "-i"}, secure...), image, "validate", "-")...)
	if err != nil {
		t.Fatal(err)
	}
	if code == 125 || code == 126 && strings.Contains(out, "OCI") {
		t.Skipf("podman cannot start containers on this machine (status %d): %s", code, out)
	}
	if code != 0 {
		t.Errorf("validate of the valid MT103 in the image: status %d, want 0:\n%s", code, out)
	}
	if out, code, _ = pod(invalid, append(append([]string{"run", "--rm", "-i"}, secure...), image, "validate", "-")...); code != 1 {
		t.Errorf("validate of the invalid MT103 in the image: status %d, want 1:\n%s", code, out)
	}
	// The stream consumer is in the image too (without a broker here, its
	// help is what can be run).
	if out, code, _ = pod(nil, append(append([]string{"run", "--rm"}, secure...), image, "consume", "--help")...); code != 0 || !strings.Contains(out, "consume") {
		t.Errorf("consume --help in the image: status %d:\n%s", code, out)
	}

	// The server: no arguments, a free port of the loopback interface.
	name := fmt.Sprintf("swiftval-smoke-%d", os.Getpid())
	t.Cleanup(func() { pod(nil, "rm", "-f", "-t", "0", name) })
	start := time.Now()
	if out, code, err = pod(nil, append(append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1::8080"}, secure...), image)...); err != nil || code != 0 {
		t.Fatalf("podman run: %v, status %d: %s", err, code, out)
	}
	started := time.Now() // podman run -d returns once the container's process runs
	base := ""
	deadline := start.Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if base == "" {
			if out, code, _ := pod(nil, "port", name, "8080/tcp"); code == 0 && strings.Contains(out, ":") {
				base = "http://" + strings.TrimSpace(strings.Split(out, "\n")[0])
			}
		}
		if base != "" {
			if resp, err := http.Get(base + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
	ready := time.Since(start)
	readyAfterRun := time.Since(started)
	logs := func() string { out, _, _ := pod(nil, "logs", name); return out }
	if base == "" || time.Now().After(deadline) {
		t.Fatalf("not ready within 30 s; logs:\n%s", logs())
	}
	t.Logf("container start to ready: %v from podman run -d to the first /readyz 200, of which %v after podman run -d returned", ready.Round(time.Millisecond), readyAfterRun.Round(time.Millisecond))

	for _, tc := range []struct {
		name  string
		msg   []byte
		valid bool
	}{{"valid", valid, true}, {"invalid", invalid, false}} {
		resp, err := http.Post(base+"/v1/validate", "text/plain", bytes.NewReader(tc.msg))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var rep struct {
			Valid    bool              `json:"valid"`
			Findings []json.RawMessage `json:"findings"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &rep) != nil || rep.Valid != tc.valid || !tc.valid && len(rep.Findings) == 0 {
			t.Errorf("%s MT103 over HTTP: status %d, body %s", tc.name, resp.StatusCode, body)
		}
	}

	if out, code, err := pod(nil, "kill", "--signal", "TERM", name); err != nil || code != 0 {
		t.Fatalf("podman kill: %v %s", err, out)
	}
	done := make(chan string, 1)
	go func() { out, _, _ := pod(nil, "wait", name); done <- strings.TrimSpace(out) }()
	select {
	case status := <-done:
		if status != "0" {
			t.Errorf("exit status after SIGTERM %q, want 0; logs:\n%s", status, logs())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("still running 60 s after SIGTERM; logs:\n%s", logs())
	}
	if l := logs(); strings.Contains(l, "panic") || !strings.Contains(l, `"stopped"`) {
		t.Errorf("logs of the stop:\n%s", l)
	}
}
