package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/server"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the examples in README.md and docs/*.md with the real output")

// TestDocExamples runs every example of README.md and docs/*.md against the
// code and compares what it shows with what really comes out, so the docs
// cannot drift from the product. Run with -update-docs to rewrite the
// examples with the real output (then read the diff).
//
// What is checked, in fenced code blocks:
//
//   - Transcripts: lines starting with "$ " are commands, the lines after
//     each its output. Commands: "bin/swiftval ..." or "swiftval ..." (run
//     in this process), "cat FILE | bin/swiftval ...", "echo $?",
//     "make run &" (starts the HTTP service with its defaults), NAME=VALUE
//     before a command (its environment) and
//     "curl [-s] [--data-binary @FILE] http://127.0.0.1:8080/..." against
//     it; "go build" and other "make" lines need no output. Anything else
//     fails the test: an example that cannot be checked is not shown.
//   - Blocks after an HTML comment "<!-- example: ... -->": the block is
//     the real output of what the comment says (see runSpec).
//   - Other lines that run "bin/swiftval SUB ..." or "swiftval SUB ...": the
//     subcommand exists and knows every flag the line uses.
//
// Timings, request IDs and times are masked on both sides; an output line
// that ends in "..." matches any line that starts with what precedes it.
func TestDocExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(root, "README.md")}
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, docs...)
	t.Chdir(root) // the examples name files relative to the repository root
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		t.Run(rel, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d := &docRun{t: t, file: rel, lines: strings.Split(string(raw), "\n")}
			defer d.close()
			d.run()
			if *updateDocs {
				out := strings.Join(d.lines, "\n")
				if out != string(raw) {
					if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("%s rewritten: read the diff", rel)
				}
			}
		})
	}
}

// docRun checks the examples of one file.
type docRun struct {
	t     *testing.T
	file  string
	lines []string
	srv   *httptest.Server
	logs  *bytes.Buffer
	prev  string // the content of the last block (for @block)
}

func (d *docRun) close() {
	if d.srv != nil {
		d.srv.Close()
	}
}

var exampleRe = regexp.MustCompile(`^<!-- example: (.*?) -->$`)

// run walks the fenced blocks of the file.
func (d *docRun) run() {
	for i := 0; i < len(d.lines); i++ {
		if !strings.HasPrefix(d.lines[i], "```") {
			continue
		}
		end := i + 1
		for end < len(d.lines) && !strings.HasPrefix(d.lines[end], "```") {
			end++
		}
		if end == len(d.lines) {
			d.t.Errorf("%s:%d: unterminated code block", d.file, i+1)
			return
		}
		spec := ""
		for j := i - 1; j >= 0 && j >= i-2; j-- {
			if m := exampleRe.FindStringSubmatch(strings.TrimSpace(d.lines[j])); m != nil {
				spec = m[1]
				break
			}
		}
		body := d.lines[i+1 : end]
		switch {
		case spec != "":
			got := d.runSpec(i+1, spec)
			if spec != "input" {
				end = d.compareBlock(i+1, end, got)
			}
		case slices.ContainsFunc(body, func(l string) bool { return strings.HasPrefix(l, "$ ") }):
			if d.srv != nil { // a transcript starts its own service ("make run &")
				d.srv.Close()
				d.srv = nil
			}
			end = d.transcript(i+1, end)
		default:
			d.commandLines(i+1, body)
		}
		d.prev = strings.Join(d.lines[i+1:end], "\n")
		i = end
	}
}

// compareBlock compares the block lines[from:end] with got and, with
// -update-docs, replaces it. It returns the new end of the block.
func (d *docRun) compareBlock(from, end int, got string) int {
	want := d.lines[from:end]
	have := strings.Split(got, "\n")
	if matchLines(want, have) {
		return end
	}
	if *updateDocs {
		d.lines = slices.Replace(d.lines, from, end, elide(want, have)...)
		return from + len(have)
	}
	d.t.Errorf("%s:%d: the example differs from the real output (go test ./cmd/swiftval -run TestDocExamples -update-docs, then read the diff)\n--- doc\n%s\n--- real\n%s", d.file, from, strings.Join(want, "\n"), got)
	return end
}

// transcript runs the "$ " commands of the block lines[from:end] and
// compares each output. It returns the new end of the block.
func (d *docRun) transcript(from, end int) int {
	code := 0
	for i := from; i < end; {
		line := d.lines[i]
		if !strings.HasPrefix(line, "$ ") {
			d.t.Errorf("%s:%d: output before the first command", d.file, i+1)
			i++
			continue
		}
		j := i + 1
		for j < end && !strings.HasPrefix(d.lines[j], "$ ") {
			j++
		}
		var out string
		out, code = d.command(i+1, strings.TrimPrefix(line, "$ "), code)
		want := d.lines[i+1 : j]
		have := []string{}
		if out != "" {
			have = strings.Split(out, "\n")
		}
		if !matchLines(want, have) {
			if *updateDocs {
				repl := elide(want, have)
				d.lines = slices.Replace(d.lines, i+1, j, repl...)
				end += len(repl) - (j - i - 1)
				j = i + 1 + len(repl)
			} else {
				d.t.Errorf("%s:%d: %q: the output differs (go test ./cmd/swiftval -run TestDocExamples -update-docs, then read the diff)\n--- doc\n%s\n--- real\n%s", d.file, i+1, line, strings.Join(want, "\n"), out)
			}
		}
		i = j
	}
	return end
}

// command runs one transcript command and returns its output and exit
// status (last is the status of the previous command, for "echo $?").
func (d *docRun) command(at int, cmd string, last int) (string, int) {
	switch {
	case cmd == "echo $?":
		return strconv.Itoa(last), 0
	case strings.HasPrefix(cmd, "go build "), strings.HasPrefix(cmd, "make ") && cmd != "make run &":
		return "", 0
	case cmd == "make run &":
		d.startServer()
		return "", 0
	case strings.HasPrefix(cmd, "curl "):
		return d.curl(at, strings.Fields(cmd)[1:]), 0
	}
	var stdin io.Reader = strings.NewReader("")
	if pre, rest, ok := strings.Cut(cmd, " | "); ok {
		f := strings.Fields(pre)
		if len(f) != 2 || f[0] != "cat" {
			d.t.Errorf("%s:%d: unsupported pipe %q", d.file, at, cmd)
			return "", 2
		}
		b, err := os.ReadFile(f[1])
		if err != nil {
			d.t.Errorf("%s:%d: %v", d.file, at, err)
			return "", 2
		}
		stdin, cmd = bytes.NewReader(b), rest
	}
	// Leading NAME=VALUE words set the environment for the command.
	for {
		w, rest, _ := strings.Cut(cmd, " ")
		name, value, ok := strings.Cut(w, "=")
		if !ok || !envNameRe.MatchString(name) {
			break
		}
		d.t.Setenv(name, value)
		defer os.Unsetenv(name)
		cmd = rest
	}
	args, ok := cliArgs(cmd)
	if !ok {
		d.t.Errorf("%s:%d: %q cannot be checked: transcripts run bin/swiftval, cat FILE |, echo $?, make run &, curl", d.file, at, cmd)
		return "", 2
	}
	// A command that does not end (a server that started) fails the test
	// instead of hanging it.
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(args, stdin, &out, &out) }()
	select {
	case code := <-done:
		return strings.TrimRight(out.String(), "\n"), code
	case <-time.After(commandLimit):
		d.t.Fatalf("%s:%d: %q did not end within %v: a transcript shows commands that end", d.file, at, cmd, commandLimit)
		return "", 2
	}
}

// commandLimit bounds one transcript command; the slowest shown (validate
// with the schema compiles of a first MX message) takes well under a
// second.
const commandLimit = 30 * time.Second

// syncBuffer is a bytes.Buffer safe for the command's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cliArgs returns the arguments of a "bin/swiftval ..." or "swiftval ..."
// command line (without a trailing comment).
func cliArgs(cmd string) ([]string, bool) {
	if i := strings.Index(cmd, " #"); i >= 0 {
		cmd = cmd[:i]
	}
	f := strings.Fields(cmd)
	if len(f) == 0 || (f[0] != "bin/swiftval" && f[0] != "swiftval") {
		return nil, false
	}
	return f[1:], true
}

// startServer starts the HTTP service as "make run" does: every shipped
// format and rule pack, the default configuration, logs as "swiftval
// serve" writes them.
func (d *docRun) startServer() {
	if d.srv != nil {
		return
	}
	cfg := server.DefaultConfig()
	cfg.Engine = swiftval.New(engine.Options{MaxInput: int(cfg.MaxBodyBytes)})
	d.logs = &bytes.Buffer{}
	cfg.Logger = slog.New(server.NewJSONLogHandler(d.logs, nil))
	s, err := server.New(cfg)
	if err != nil {
		d.t.Fatal(err)
	}
	d.srv = httptest.NewServer(s.Handler())
}

// request sends one request to the service and returns the answer's body.
func (d *docRun) request(at int, method, path string, body []byte, ctype string) string {
	d.startServer()
	req, err := http.NewRequest(method, d.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		d.t.Fatalf("%s:%d: %v", d.file, at, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := d.srv.Client().Do(req)
	if err != nil {
		d.t.Fatalf("%s:%d: %v", d.file, at, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return strings.TrimRight(string(b), "\n")
}

// curl runs the curl command lines of the docs: "-s", "--data-binary
// @FILE" and a URL on 127.0.0.1:8080.
func (d *docRun) curl(at int, args []string) string {
	method, path := "GET", ""
	var body []byte
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-s":
		case a == "--data-binary" && i+1 < len(args) && strings.HasPrefix(args[i+1], "@"):
			b, err := os.ReadFile(args[i+1][1:])
			if err != nil {
				d.t.Errorf("%s:%d: %v", d.file, at, err)
				return ""
			}
			body, method = b, "POST"
			i++
		case strings.HasPrefix(a, "http://127.0.0.1:8080/"):
			path = strings.TrimPrefix(a, "http://127.0.0.1:8080")
		default:
			d.t.Errorf("%s:%d: unsupported curl argument %q", d.file, at, a)
			return ""
		}
	}
	// curl --data-binary sends application/x-www-form-urlencoded.
	return d.request(at, method, path, body, "application/x-www-form-urlencoded")
}

// runSpec produces the output an "<!-- example: ... -->" comment names:
//
//	input                                 the block is an input for @block
//	http METHOD PATH [BODY] [after METHOD PATH [BODY]] [| FILTER]
//	log METHOD PATH [BODY]                the request's log line
//
// BODY is @FILE (relative to the repository), @block (the previous block)
// or size=N (N bytes of "x"). "after" sends a request first (to show
// counters). FILTER keeps part of a JSON answer: "rules ID..." keeps the
// rule sets and those rules of GET /v1/rules, "types TYPE..." those types
// of GET /v1/message-types.
func (d *docRun) runSpec(at int, spec string) string {
	if spec == "input" {
		return ""
	}
	spec, filter, _ := strings.Cut(spec, " | ")
	f := strings.Fields(spec)
	if len(f) < 3 || (f[0] != "http" && f[0] != "log") {
		d.t.Errorf("%s:%d: unknown example %q", d.file, at, spec)
		return ""
	}
	kind := f[0]
	f = f[1:]
	// Each example gets a service of its own, so counters and request IDs
	// do not depend on the examples before it.
	if d.srv != nil {
		d.srv.Close()
		d.srv = nil
	}
	var main []string
	if i := slices.Index(f, "after"); i >= 0 {
		main = f[:i]
		pre := f[i+1:]
		if len(pre) < 2 {
			d.t.Errorf("%s:%d: bad 'after' in %q", d.file, at, spec)
			return ""
		}
		d.request(at, pre[0], pre[1], d.body(at, pre[2:]), "")
	} else {
		main = f
	}
	if kind == "log" {
		d.startServer()
		d.logs.Reset()
	}
	ctype := ""
	if strings.HasSuffix(main[1], "/batch") {
		ctype = "application/x-ndjson"
	}
	out := d.request(at, main[0], main[1], d.body(at, main[2:]), ctype)
	if kind == "log" {
		for _, l := range strings.Split(strings.TrimSpace(d.logs.String()), "\n") {
			if strings.Contains(l, `"msg":"request"`) {
				return l
			}
		}
		d.t.Errorf("%s:%d: no request log line", d.file, at)
		return ""
	}
	if filter != "" {
		out = d.filter(at, out, strings.Fields(filter))
	}
	return out
}

func (d *docRun) body(at int, args []string) []byte {
	if len(args) == 0 {
		return nil
	}
	switch a := args[0]; {
	case a == "@block":
		return []byte(d.prev + "\n")
	case strings.HasPrefix(a, "@"):
		b, err := os.ReadFile(a[1:])
		if err != nil {
			d.t.Errorf("%s:%d: %v", d.file, at, err)
		}
		return b
	case strings.HasPrefix(a, "size="):
		n, _ := strconv.Atoi(strings.TrimPrefix(a, "size="))
		return bytes.Repeat([]byte("x"), n)
	}
	d.t.Errorf("%s:%d: unknown body %q", d.file, at, args[0])
	return nil
}

// filter keeps part of a JSON answer; object keys keep the server's order.
func (d *docRun) filter(at int, out string, f []string) string {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		d.t.Errorf("%s:%d: %v", d.file, at, err)
		return out
	}
	keep := func(list json.RawMessage, key string, names []string) []json.RawMessage {
		var items []json.RawMessage
		_ = json.Unmarshal(list, &items)
		var kept []json.RawMessage
		for _, it := range items {
			var k map[string]any
			_ = json.Unmarshal(it, &k)
			if s, _ := k[key].(string); slices.Contains(names, s) {
				kept = append(kept, it)
			}
		}
		return kept
	}
	var sb strings.Builder
	switch f[0] {
	case "rules":
		rules := keep(doc["rules"], "id", f[1:])
		sb.WriteString(`{"rule_sets":` + string(doc["rule_sets"]) + `,"rules":[`)
		for i, r := range rules {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.Write(r)
		}
		sb.WriteString("]}")
	case "types":
		var formats []struct {
			Name  string          `json:"name"`
			Types json.RawMessage `json:"types"`
		}
		_ = json.Unmarshal(doc["formats"], &formats)
		sb.WriteString(`{"formats":[`)
		n := 0
		for _, fm := range formats {
			types := keep(fm.Types, "type", f[1:])
			if len(types) == 0 {
				continue
			}
			if n > 0 {
				sb.WriteString(",")
			}
			n++
			fmt.Fprintf(&sb, `{"name":%q,"types":[`, fm.Name)
			for i, t := range types {
				if i > 0 {
					sb.WriteString(",")
				}
				sb.Write(t)
			}
			sb.WriteString("]}")
		}
		sb.WriteString("]}")
	default:
		d.t.Errorf("%s:%d: unknown filter %q", d.file, at, f[0])
		return out
	}
	return sb.String()
}

// commandLines checks lines of a block that run the CLI: the subcommand
// exists and its help names every flag the line uses.
func (d *docRun) commandLines(from int, body []string) {
	for k, line := range body {
		args, ok := cliArgs(strings.TrimSpace(line))
		if !ok || len(args) == 0 {
			continue
		}
		var sub []string
		for _, a := range args {
			if !subcommandRe.MatchString(a) {
				break
			}
			sub = append(sub, a)
		}
		var help bytes.Buffer
		code := run(append(slices.Clone(sub), "--help"), strings.NewReader(""), &help, &help)
		if code != exitOK || len(sub) == 0 {
			d.t.Errorf("%s:%d: %q: 'swiftval %s --help' exits %d: not a command", d.file, from+k+1, line, strings.Join(sub, " "), code)
			continue
		}
		for _, a := range args {
			if !strings.HasPrefix(a, "-") || a == "-" || a == "--help" || a == "-h" {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !regexp.MustCompile(`(^|\s)--?` + regexp.QuoteMeta(name) + `\b`).MatchString(help.String()) {
				d.t.Errorf("%s:%d: %q: 'swiftval %s' has no flag %s", d.file, from+k+1, line, strings.Join(sub, " "), a)
			}
		}
	}
}

var (
	subcommandRe = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	envNameRe    = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
)

// masks hide what changes from run to run: timings, IDs, times.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\[[0-9.]+(ns|µs|ms|s)\]`), "[T]"},
	{regexp.MustCompile(`"elapsed_us":[0-9.]+`), `"elapsed_us":T`},
	{regexp.MustCompile(`unreadable — [0-9.]+ s`), `unreadable — T s`}, // the summary line`
	{regexp.MustCompile(`"request_id":"[^"]*"`), `"request_id":ID`},
	{regexp.MustCompile(`"time":"[^"]*"`), `"time":T`},
	{regexp.MustCompile(`"duration_ms":[0-9.]+`), `"duration_ms":T`},
	{regexp.MustCompile(`"bytes_out":[0-9]+`), `"bytes_out":N`}, // the report's elapsed_us varies in length
	{regexp.MustCompile(`"(total_time_ns|max_time_ns|timed_evaluations)":[0-9]+`), `"$1":T`},
}

func mask(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// matchLines compares doc lines with real ones, masked; a doc line ending
// in "..." matches a line that starts with the rest.
func matchLines(want, have []string) bool {
	if len(want) != len(have) {
		return false
	}
	for i := range want {
		w, h := mask(want[i]), mask(have[i])
		if p, ok := strings.CutSuffix(w, "..."); ok {
			if !strings.HasPrefix(h, strings.TrimRight(p, " ")) {
				return false
			}
			continue
		}
		if w != h {
			return false
		}
	}
	return true
}

// elide returns the real lines to write into the doc, cut where the doc
// cut its line at the same place ("...").
func elide(want, have []string) []string {
	out := slices.Clone(have)
	for i := range out {
		if i < len(want) {
			if p, ok := strings.CutSuffix(want[i], "..."); ok && len(p) < len(out[i]) {
				out[i] = out[i][:len(p)] + "..."
			}
		}
	}
	return out
}
