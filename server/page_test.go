package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
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
	"github.com/chromedp/chromedp/kb"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
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

// browser starts headless Chromium on the page served by s and returns
// the page's URL, a context to drive it and a step helper that fails the
// test with what was being done.
func browser(t *testing.T, s *Server) (string, context.Context, func(string, error)) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome := findChromium(t)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
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
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	return ts.URL + "/", ctx, step
}

// validateText fills the box and validates with the button, waiting for
// the answer.
func validateText(ctx context.Context, text string) error {
	return chromedp.Do(ctx,
		evalJS(`document.body.dataset.done = ""; document.getElementById("message").value = `+jsString(text)),
		chromedp.Click(chromedp.ID("validate")),
		chromedp.WaitReady(chromedp.CSS(`body[data-done="1"]`)),
	)
}

// TestPageInBrowser drives the web page in headless Chromium with the
// mouse: paste a message, click Validate, and check the verdict, the
// findings table, the highlighted line and the marked column; drop a file;
// message text is never rendered as markup; a link carrying a message is
// ignored and dropped from the URL.
func TestPageInBrowser(t *testing.T) {
	s, _ := newTestServer(t, nil)
	page, ctx, step := browser(t, s)

	step("paste and validate", chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("message")),
	))
	step("validate", validateText(ctx, invalidMsg))
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	step("verdict", err)
	meta, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("meta")))
	step("meta", err)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings tbody tr")).map(r => Array.from(r.cells).map(c => c.textContent).join("|"))`))
	step("rows", err)
	highlighted, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#source div.hl")).map(d => d.id)`))
	step("highlighted lines", err)
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#source mark")).map(m => m.closest("div").id + ":" + m.textContent + ":" + m.title)`))
	step("marked columns", err)
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
	if len(marked) != 1 || marked[0] != "L2:B:column 5" {
		t.Errorf("marked columns %q, want [L2:B:column 5] (the B of BAD)", marked)
	}

	// A valid message: the verdict turns VALID and the table is hidden.
	step("validate a valid message", validateText(ctx, validMsg))
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

	// Tabs render at the width the message's indentation uses (two spaces
	// here), in the box and in the source view, counted from the start of
	// the text, not of the line number.
	step("tabs", validateText(ctx, "  <a>\n\t<b/>\n  </a>"))
	tabs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const at = (id, i) => { const t = document.querySelector("#" + id + " span.t"), r = document.createRange();
			r.setStart(t.firstChild, i); r.setEnd(t.firstChild, i + 1); return [r.getBoundingClientRect(), t.getBoundingClientRect()]; };
		const [tab, box] = at("L2", 1), [ch] = at("L3", 0);
		return [getComputedStyle(document.getElementById("source")).tabSize, getComputedStyle(document.getElementById("message")).tabSize,
			String(Math.round((tab.left - box.left) / ch.width))];
	})()`))
	step("tab widths", err)
	if strings.Join(tabs, ",") != "2,2,2" {
		t.Errorf("tab size of the source view, of the box, and the columns a tab takes: %q, want 2, 2, 2", tabs)
	}
	step("tab width chosen", chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("tabwidth"), "8"), evalJS(`document.getElementById("tabwidth").dispatchEvent(new Event("change"))`)))
	size, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("source")).tabSize`))
	step("tab width 8", err)
	if size != "8" {
		t.Errorf("tab size after choosing 8: %q", size)
	}

	// Dropping a file on the box loads and validates it.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		document.body.dataset.done = "";
		const dt = new DataTransfer();
		dt.items.add(new File([`+jsString(invalidMsg)+`], "payment.fin", {type: "text/plain"}));
		return document.getElementById("message").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	step("drop a file", err)
	step("dropped file validated", chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`body[data-done="1"]`)), chromedp.WaitVisible(chromedp.CSS("#verdict.invalid"))))
	text, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("message")))
	step("dropped text", err)
	if text != invalidMsg {
		t.Errorf("box holds %q after the drop", text)
	}

	// Message text is shown as text, never as markup.
	hostile := strings.Replace(invalidMsg, ":20:BAD", ":20:BAD<img src=x onerror=\"window.pwned=1\">", 1)
	step("hostile message", validateText(ctx, hostile))
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

	// Payment data never goes into the URL: a link carrying a message (as
	// #msg= did in earlier versions) is not acted on, and the fragment is
	// dropped from the history entry.
	step("link with a message", chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate(page+"#msg="+url.PathEscape(invalidMsg)),
		chromedp.WaitVisible(chromedp.ID("message")),
	))
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	step("location", err)
	box, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("message")))
	step("box", err)
	if loc != page || box != "" {
		t.Errorf("after a #msg= link: location %q (want %q), box %q (want empty)", loc, page, box)
	}
}

// TestPageKeyboard: the page is usable with the keyboard alone. Tab
// visits the controls and then the findings in the page's order, Ctrl+Enter
// in the box validates, Enter on a finding puts the cursor at the
// finding's line and column in the box.
func TestPageKeyboard(t *testing.T) {
	s, _ := newTestServer(t, nil)
	page, ctx, step := browser(t, s)
	// Two findings: line 2 column 5 and line 3 column 3 (after a tab,
	// which is one column).
	text := strings.Replace(invalidMsg, ":20:BAD\n", ":20:BAD\n\tBAD\n", 1)
	step("load", chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("message")),
		chromedp.KeyEvent(kb.Tab), // the header's API link
		chromedp.KeyEvent(kb.Tab), // the box
	))
	active := func() string {
		t.Helper()
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e.id || (e.tagName.toLowerCase() + (e.rowIndex ? "#" + e.rowIndex : "")))(document.activeElement)`))
		step("active element", err)
		return id
	}
	if got := active(); got != "message" {
		t.Fatalf("second Tab reached %q, want the message box", got)
	}
	step("type and Ctrl+Enter", chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("message"), text),
		evalJS(`document.body.dataset.done = ""`),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitReady(chromedp.CSS(`body[data-done="1"]`)),
	))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#findings tbody tr").length`))
	step("findings", err)
	if n != 2 {
		t.Fatalf("Ctrl+Enter gave %d findings, want 2", n)
	}
	// Tab order: what Tab visits from the box equals the tabbable elements
	// in document order, and document order is the order on screen (top to
	// bottom, left to right within a row).
	var visited []string
	for i := 0; i < 5; i++ {
		step("Tab", chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
		visited = append(visited, active())
		// The focus is visible (WCAG 2.1 SC 2.4.7).
		ring, err := chromedp.Run(ctx, chromedp.Evaluate[string](focusRingJS))
		step("focus ring", err)
		if ring != "" {
			t.Errorf("no visible focus indicator on %s", ring)
		}
	}
	// (After the last finding the focus leaves the page; where it goes is
	// the browser's business.)
	want := []string{"validate", "format", "tabwidth", "tr#1", "tr#2"}
	if strings.Join(visited, ",") != strings.Join(want, ",") {
		t.Errorf("Tab from the box visits %v, want %v", visited, want)
	}
	order, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](tabOrderJS))
	step("visual order", err)
	if len(order) > 0 {
		t.Errorf("focus order differs from the order on screen: %v", order)
	}
	// Enter on the second finding: the cursor goes to line 3, column 3.
	step("Enter on a finding", chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`#findings tbody tr:nth-child(2)`)),
		chromedp.KeyEvent(kb.Enter),
	))
	if got := active(); got != "message" {
		t.Fatalf("Enter on a finding left the focus on %q, want the message box", got)
	}
	sel, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.getElementById("message").selectionStart, document.getElementById("message").selectionEnd]`))
	step("selection", err)
	wantOff := strings.Index(text, "\tBAD") + 2 // line 3, column 3: the B
	if len(sel) != 2 || sel[0] != wantOff || sel[1] != wantOff {
		t.Errorf("cursor at %v, want %d (line 3, column 3)", sel, wantOff)
	}
	focusLine, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#source div.focus") || {}).id || ""`))
	step("focused line", err)
	if focusLine != "L3" {
		t.Errorf("line marked in the source view: %q, want L3", focusLine)
	}
	// The keyboard hint is on the page.
	hint, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("keys")))
	step("hint", err)
	if !strings.Contains(hint, "Ctrl+Enter") {
		t.Errorf("keyboard hint %q does not show Ctrl+Enter", hint)
	}
}

// TestPageAccessibility audits the page, empty and with MT and MX reports
// from the real engine, with the checks of accessibilityJS (WCAG 2.1:
// contrast, names, roles, structure), and keeps screenshots of both
// reports as test artefacts. An MX report's long paths are shortened to
// their last steps, with the full path in the title and on focus.
func TestPageAccessibility(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Engine = swiftval.New(engine.Options{}) })
	page, ctx, step := browser(t, s)
	audit := func(state string) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](accessibilityJS))
		step("audit "+state, err)
		for _, x := range v {
			t.Errorf("%s: %s", state, x)
		}
	}
	step("load", chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("message"))))
	audit("empty page")

	mtMsg := readTestdata(t, "mt/invalid_mt103_fields.fin")
	step("MT report", validateText(ctx, mtMsg))
	audit("MT report")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	saveArtifact(t, "server-page-mt-report.png", shot)
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#source mark").length`))
	step("marks", err)
	if marks < 5 {
		t.Errorf("%d columns marked in the MT report, want one per located finding (at least 5)", marks)
	}

	mxMsg := readTestdata(t, "mx/rules/cbpr.address.unstructured.fail.xml")
	step("MX report", validateText(ctx, mxMsg))
	audit("MX report")
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	saveArtifact(t, "server-page-mx-report.png", shot)
	cell, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(c => [c.title, c.querySelector(".short") ? c.querySelector(".short").textContent : "", getComputedStyle(c.querySelector(".full")).display])(document.querySelector("#findings tbody td.loc"))`))
	step("location cell", err)
	full := "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/PstlAdr (line 60)"
	if len(cell) != 3 || cell[0] != full || cell[1] != "…/CdtTrfTxInf[1]/Dbtr/PstlAdr (line 60)" || cell[2] != "none" {
		t.Errorf("location cell (title, short text, full path display) = %q", cell)
	}
	step("focus the finding", chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#findings tbody tr`))))
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#findings tbody td.loc .full")).display`))
	step("full path on focus", err)
	if shown == "none" {
		t.Error("the full path is not shown when the finding has the focus")
	}
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`Array.from(document.querySelector("#findings tbody tr").cells).map(c => c.getBoundingClientRect().width)`))
	step("column widths", err)
	if len(widths) == 5 && widths[4] < widths[2] {
		t.Errorf("the message column (%.0f px) is narrower than the location column (%.0f px)", widths[4], widths[2])
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// saveArtifact keeps a screenshot for people to look at: in
// $SWIFTVAL_ARTIFACTS when set (CI collects it), else in
// testdata/artifacts/ (ignored by git).
func saveArtifact(t *testing.T, name string, data []byte) {
	dir := os.Getenv("SWIFTVAL_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "testdata", "artifacts")
	}
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

// TestPageContentSecurityPolicy: GET / serves the embedded page with a
// policy that allows exactly its inline <style> and <script>, by SHA-256,
// and nothing from elsewhere (the policy is computed on the first request).
func TestPageContentSecurityPolicy(t *testing.T) {
	s, _ := newTestServer(t, nil)
	rec := do(t, s, "GET", "/", "", nil)
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pageHTML) {
		t.Fatalf("GET / = %d, %d bytes; want 200 and the embedded page (%d bytes)", rec.Code, rec.Body.Len(), len(pageHTML))
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, tag := range []string{"style", "script"} {
		page := string(pageHTML)
		start := strings.Index(page, "<"+tag+">")
		end := strings.Index(page, "</"+tag+">")
		if start < 0 || end < start {
			t.Fatalf("the page has no inline <%s>", tag)
		}
		sum := sha256.Sum256([]byte(page[start+len(tag)+2 : end]))
		want := tag + "-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy = %q; want it to contain %q", csp, want)
		}
	}
	if !strings.HasPrefix(csp, "default-src 'none'; connect-src 'self';") {
		t.Errorf("Content-Security-Policy = %q; want default-src 'none' and connect-src 'self' first", csp)
	}
}
