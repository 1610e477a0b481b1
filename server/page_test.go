package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium returns the Chromium binary; without one the test fails
// under CI (CI installs it) and is skipped locally.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (CI is set, so the browser test must run: apt-get install chromium)")
	}
	t.Skip("chromium not installed; the web page test needs it (apt-get install chromium)")
	return ""
}

// TestPageInBrowser drives the web page in headless Chromium: paste a
// message, click Validate, and check the verdict, the findings table and
// the highlighted line. A screenshot is kept in testdata/artifacts/.
func TestPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome := findChromium(t)
	s, _ := newTestServer(t, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("paste and validate", chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("message")),
		chromedp.SetValue(chromedp.ID("message"), invalidMsg),
		chromedp.Click(chromedp.ID("validate")),
		chromedp.WaitVisible(chromedp.CSS("#findings tbody tr")),
	))
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	step("verdict", err)
	meta, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("meta")))
	step("meta", err)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings tbody tr")).map(r => Array.from(r.cells).map(c => c.textContent).join("|"))`))
	step("rows", err)
	highlighted, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#source div.hl")).map(d => d.id)`))
	step("highlighted lines", err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	saveArtifact(t, "server-page-invalid.png", shot)
	if !strings.HasPrefix(verdict, "INVALID") {
		t.Errorf("verdict %q", verdict)
	}
	if !strings.Contains(meta, "MT103") {
		t.Errorf("meta %q", meta)
	}
	want := "error|X01|block 4, field 20, line 2, column 5|fake.bad|BAD is not allowed"
	if len(rows) != 1 || rows[0] != want {
		t.Errorf("findings rows %q, want [%q]", rows, want)
	}
	if len(highlighted) != 1 || highlighted[0] != "L2" {
		t.Errorf("highlighted lines %v, want [L2]", highlighted)
	}

	// A valid message: the verdict turns VALID and the table is hidden.
	step("validate a valid message", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("message"), validMsg),
		chromedp.Click(chromedp.ID("validate")),
		chromedp.WaitVisible(chromedp.CSS("#verdict.valid")),
	))
	verdict, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	step("verdict", err)
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("findings").hidden`))
	step("table", err)
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	saveArtifact(t, "server-page-valid.png", shot)
	if verdict != "VALID" || !hidden {
		t.Errorf("verdict %q, table hidden %v", verdict, hidden)
	}

	// Dropping a file on the box loads and validates it.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([`+jsString(invalidMsg)+`], "payment.fin", {type: "text/plain"}));
		return document.getElementById("message").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	step("drop a file", err)
	step("dropped file validated", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#verdict.invalid"))))
	text, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("message")))
	step("dropped text", err)
	if text != invalidMsg {
		t.Errorf("box holds %q after the drop", text)
	}

	// Message text is shown as text, never as markup.
	hostile := strings.Replace(invalidMsg, ":20:BAD", ":20:BAD<img src=x onerror=\"window.pwned=1\">", 1)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.body.dataset.done = "", true)`))
	step("reset", err)
	step("hostile message", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("message"), hostile),
		chromedp.Click(chromedp.ID("validate")),
		chromedp.WaitReady(chromedp.CSS(`body[data-done="1"]`)),
	))
	src, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("L2")))
	step("rendered line", err)
	if !strings.Contains(src, `<img src=x`) {
		t.Errorf("line 2 rendered as %q", src)
	}
	injected, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.pwned || document.querySelectorAll("#source img, #findings img").length > 0`))
	step("injection check", err)
	if injected {
		t.Error("the page rendered message content as markup")
	}

	// /#msg=<message> fills the box and validates at once.
	step("fragment", chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate(ts.URL+"/#msg="+url.PathEscape(invalidMsg)),
		chromedp.WaitVisible(chromedp.CSS("#findings tbody tr")),
	))
	verdict, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	step("verdict", err)
	if !strings.HasPrefix(verdict, "INVALID") {
		t.Errorf("fragment verdict %q", verdict)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func saveArtifact(t *testing.T, name string, data []byte) {
	dir := filepath.Join("..", "testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("artifact: %v", err)
		return
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Logf("artifact: %v", err)
		return
	}
	t.Logf("screenshot: %s", p)
}
