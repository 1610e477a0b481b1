package jetstream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/stream"
	sj "github.com/swiftval/swiftval/stream/jetstream"
	"github.com/swiftval/swiftval/stream/jetstream/embedded"
)

// long runs the crash test at the full size (100 000 messages)
// instead of the CI size: go test ./stream/jetstream -run Crash -long.
var long = flag.Bool("long", false, "run the end-to-end tests at full size (100 000 messages in the crash test)")

// swiftvalBin is the swiftval binary the tests run, built once (without
// -race: it runs as separate processes).
var swiftvalBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "swiftval-stream-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	swiftvalBin = filepath.Join(dir, "swiftval")
	out, err := exec.Command("go", "build", "-o", swiftvalBin, "github.com/swiftval/swiftval/cmd/swiftval").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building swiftval: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ---- brokers ----

// startBroker starts an embedded JetStream server on a loopback port
// chosen now (or on c.Listen) and stops it at the end of the test.
func startBroker(t *testing.T, c embedded.Config) *embedded.Server {
	t.Helper()
	if c.Dir == "" {
		c.Dir = t.TempDir()
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	s, err := embedded.Start(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// freePort returns a loopback port that was free a moment ago (for
// cluster routes, which must be known before the servers start).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func connect(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// ---- consumer processes ----

type consumerProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
	err    error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// consumerArgs are the flags every test consumer gets: short ack wait and
// retry delay so that crashes and retries resolve within the test, a
// generous budget so that a loaded machine cannot turn a verdict into a
// retry, and no ops port (several run at once).
// consumerArgs: --max-deliver 20 (tests that exercise dead-lettering set
// their own) because a 2 s ack wait on a CPU-starved machine (three brokers,
// three consumers and the race detector on two cores) redelivers messages
// still queued in a consumer; five such redeliveries dead-lettered ordinary
// messages in a loaded run of TestCluster.
var consumerArgs = []string{"--ops-addr", "", "--max-deliver", "20", "--ack-wait", "2s", "--retry-delay", "50ms", "--budget", "10s", "--drain-timeout", "20s", "--log-level", "warn", "--workers", "2"}

// startConsumer runs "swiftval consume" against url.
func startConsumer(t *testing.T, url string, extra ...string) *consumerProc {
	t.Helper()
	args := append([]string{"consume", "--nats", url}, consumerArgs...)
	cmd := exec.Command(swiftvalBin, append(args, extra...)...)
	p := &consumerProc{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("consumer %d stderr:\n%s", cmd.Process.Pid, tail(p.stderr.String(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// wait waits for the process to exit and returns its exit code.
func (p *consumerProc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("consumer %d did not exit within %v", p.cmd.Process.Pid, d)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// ---- the corpus and its expected verdicts ----

// sample is one distinct message with the verdict "swiftval validate"
// gives it.
type sample struct {
	name   string
	data   []byte
	valid  bool
	codes  string          // distinct codes in order, comma separated
	report json.RawMessage // validate's JSON report
}

// corpusOnce loads the corpus and its verdicts once for every test.
var corpusOnce = sync.OnceValues(loadCorpus)

func corpus(t *testing.T) []sample {
	t.Helper()
	s, err := corpusOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loadCorpus reads the MT and MX samples of testdata/ and ../shared/corpus
// (each message of an RJE batch on its own), drops duplicates and those
// above 512 KiB (the bad-input test covers large ones), and asks
// "swiftval validate" for the verdict on each.
func loadCorpus() ([]sample, error) {
	formats := []engine.Format{mt.NewFormat(), mx.Default()}
	var out []sample
	seen := map[string]bool{}
	add := func(path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ins, err := stream.SplitInputs(formats, path, b)
		if err != nil {
			return err
		}
		for i, in := range ins {
			if len(in.Data) > 512<<10 || seen[string(in.Data)] {
				continue
			}
			seen[string(in.Data)] = true
			out = append(out, sample{name: fmt.Sprintf("%s#%d", path, i+1), data: in.Data})
		}
		return nil
	}
	for _, glob := range []string{"../../testdata/mt/*.fin", "../../loadtest/samples/*"} {
		ms, _ := filepath.Glob(glob)
		for _, m := range ms {
			if err := add(m); err != nil {
				return nil, err
			}
		}
	}
	for _, root := range []string{"../../../shared/corpus/mt", "../../../shared/corpus/mx"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
				return err
			}
			return add(p)
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) < 50 {
		return nil, fmt.Errorf("corpus: only %d samples found", len(out))
	}
	// One validate run over every sample, one file each.
	dir, err := os.MkdirTemp("", "swiftval-corpus")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := make([]string, len(out))
	for i := range out {
		files[i] = filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(files[i], out[i].data, 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(swiftvalBin, append([]string{"validate", "--output", "json", "--budget", "10s"}, files...)...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			return nil, fmt.Errorf("validate: %v", err)
		}
	}
	lines := bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n"))
	if len(lines) != len(out) {
		return nil, fmt.Errorf("validate gave %d reports for %d samples", len(lines), len(out))
	}
	valid := 0
	for i, l := range lines {
		var r struct {
			Valid    bool `json:"valid"`
			Findings []struct {
				Code string `json:"code"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(l, &r); err != nil {
			return nil, err
		}
		var codes []string
		for _, f := range r.Findings {
			if !slices.Contains(codes, f.Code) {
				codes = append(codes, f.Code)
			}
		}
		out[i].valid, out[i].codes, out[i].report = r.Valid, strings.Join(codes, ","), normalReport(l)
		if r.Valid {
			valid++
		}
	}
	if valid == 0 || valid == len(out) {
		return nil, fmt.Errorf("corpus: %d of %d samples valid; the tests need both kinds", valid, len(out))
	}
	return out, nil
}

// normalReport drops the fields of a JSON report that differ between two
// runs on the same message (time taken, the input's name).
func normalReport(b []byte) json.RawMessage {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil
	}
	delete(m, "elapsed_us")
	delete(m, "source")
	delete(m, "index")
	n, _ := json.Marshal(m)
	return n
}

// ---- publishing and collecting ----

// publishMix publishes n messages cycling through samples, message i with
// the de-duplication ID "<prefix><i>", and returns after every PubAck.
func publishMix(t *testing.T, js jetstream.JetStream, samples []sample, prefix string, from, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inputs := make([]stream.Input, n)
	for i := range n {
		s := &samples[(from+i)%len(samples)]
		inputs[i] = stream.Input{ID: prefix + strconv.Itoa(from+i), Data: s.data, Subject: "payments.in.test"}
	}
	got, err := publishInputs(ctx, js, inputs)
	if err != nil || got != n {
		t.Fatalf("published %d of %d: %v", got, n, err)
	}
}

func publishInputs(ctx context.Context, js jetstream.JetStream, inputs []stream.Input) (int, error) {
	if err := sj.EnsureInputStream(ctx, js, sj.Options{}); err != nil {
		return 0, err
	}
	// Inputs keep their own IDs: Count is len(inputs).
	return sj.Publish(ctx, js, inputs, sj.PublishConfig{})
}

// result is one output as stored in the results stream.
type result struct {
	verdict string
	header  nats.Header
	data    []byte
}

// waitResults waits until the results stream holds want messages (or
// more), at most d, and returns its message count.
func waitResults(t *testing.T, js jetstream.JetStream, want int, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	var n int
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s, err := js.Stream(ctx, "PAYMENTS_RESULTS")
		cancel()
		if err == nil {
			n = int(s.CachedInfo().State.Msgs)
			if n >= want {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("results stream holds %d of %d messages after %v (last error: %v)", n, want, d, err)
		}
		time.Sleep(50 * time.Millisecond) // polling the broker, not synchronising
	}
}

// readResults reads every message of the results stream by input ID.
// Duplicates fail the test.
func readResults(t *testing.T, js jetstream.JetStream) map[string]result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "PAYMENTS_RESULTS")
	if err != nil {
		t.Fatal(err)
	}
	total := int(s.CachedInfo().State.Msgs)
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]result, total)
	for len(out) < total {
		batch, err := c.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			h := m.Headers()
			id := h.Get(nats.MsgIdHdr)
			if id != h.Get(stream.HeaderInputID) {
				t.Fatalf("output Nats-Msg-Id %q differs from %s %q", id, stream.HeaderInputID, h.Get(stream.HeaderInputID))
			}
			if prev, dup := out[id]; dup {
				t.Fatalf("input %s has two outputs: %s and %s", id, prev.verdict, h.Get(stream.HeaderVerdict))
			}
			v := strings.TrimPrefix(m.Subject(), "payments.")
			if v != h.Get(stream.HeaderVerdict) {
				t.Fatalf("input %s: output on %s with verdict header %q", id, m.Subject(), h.Get(stream.HeaderVerdict))
			}
			out[id] = result{verdict: v, header: h, data: m.Data()}
		}
		if err := batch.Error(); err != nil {
			t.Fatal(err)
		}
		if got == 0 {
			t.Fatalf("results stream: read %d of %d messages, then nothing", len(out), total)
		}
	}
	return out
}

// checkResults asserts that inputs prefix0..prefix(n-1), published from
// samples, each have exactly one output, with the bytes untouched and the
// verdict, codes and (for .invalid) report of "swiftval validate".
func checkResults(t *testing.T, res map[string]result, samples []sample, prefix string, n int) {
	t.Helper()
	if len(res) != n {
		t.Errorf("%d outputs for %d inputs", len(res), n)
	}
	bad := 0
	for i := range n {
		id := prefix + strconv.Itoa(i)
		r, ok := res[id]
		s := &samples[i%len(samples)]
		switch {
		case !ok:
			t.Errorf("input %s (%s): no output", id, s.name)
		case !bytes.Equal(r.data, s.data):
			t.Errorf("input %s (%s): output bytes differ from the input", id, s.name)
		case r.verdict == "dead":
			t.Errorf("input %s (%s): dead letter: %s", id, s.name, r.header.Get(stream.HeaderReason))
		case (r.verdict == "valid") != s.valid || r.header.Get(stream.HeaderCodes) != s.codes:
			t.Errorf("input %s (%s): %s with codes %q; validate says valid=%v, codes %q", id, s.name, r.verdict, r.header.Get(stream.HeaderCodes), s.valid, s.codes)
		case r.verdict == "invalid" && !bytes.Equal(normalReport([]byte(r.header.Get(stream.HeaderReport))), s.report):
			t.Errorf("input %s (%s): report differs from validate's:\n got %s\nwant %s", id, s.name, normalReport([]byte(r.header.Get(stream.HeaderReport))), s.report)
		default:
			continue
		}
		if bad++; bad > 10 {
			t.Fatal("too many wrong outputs")
		}
	}
	if extra := len(res) - n; extra > 0 {
		t.Errorf("%d outputs for inputs never published", extra)
	}
}

// consumerState returns the durable consumer's info.
func consumerState(t *testing.T, js jetstream.JetStream) *jetstream.ConsumerInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, "PAYMENTS", "swiftval")
	if err != nil {
		t.Fatal(err)
	}
	return c.CachedInfo()
}

// ---- the tests ----

// messages scales a message count: the full figure with -long, a CI
// figure otherwise.
func messages(full, ci int) int {
	if *long {
		return full
	}
	return ci
}

// TestCrash: three consumers share the stream; one is killed with SIGKILL
// mid-run and started again. Every input ends in exactly one output, with
// the verdict of "swiftval validate".
func TestCrash(t *testing.T) {
	samples := corpus(t)
	n := messages(100_000, 9_000)
	srv := startBroker(t, embedded.Config{})
	_, js := connect(t, srv.URL())
	cons := []*consumerProc{startConsumer(t, srv.URL()), startConsumer(t, srv.URL()), startConsumer(t, srv.URL())}
	publishMix(t, js, samples, "m", 0, n)
	waitResults(t, js, n/3, 3*time.Minute)
	if err := cons[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cons[0].wait(t, 10*time.Second)
	startConsumer(t, srv.URL())
	waitResults(t, js, n, 5*time.Minute)
	checkResults(t, readResults(t, js), samples, "m", n)
}

// TestBrokerRestart: the file-storage server is stopped and started again
// mid-run; the consumers reconnect and nothing is lost or duplicated.
func TestBrokerRestart(t *testing.T) {
	samples := corpus(t)
	n := messages(30_000, 4_500)
	dir := t.TempDir()
	srv := startBroker(t, embedded.Config{Dir: dir})
	addr := srv.Addr().String()
	url := srv.URL()
	_, js := connect(t, url)
	for range 3 {
		startConsumer(t, url)
	}
	publishMix(t, js, samples, "r", 0, n)
	waitResults(t, js, n/3, 3*time.Minute)
	srv.Stop()
	srv = startBroker(t, embedded.Config{Dir: dir, Listen: addr})
	waitResults(t, js, n, 5*time.Minute)
	checkResults(t, readResults(t, js), samples, "r", n)
}

// TestCluster: a three-node JetStream cluster, streams with three
// replicas; the node leading the input stream is stopped mid-run.
func TestCluster(t *testing.T) {
	samples := corpus(t)
	n := messages(20_000, 2_400)
	ports := []int{freePort(t), freePort(t), freePort(t)}
	// The nodes start together: a clustered node is ready for clients
	// only once it sees its routes.
	nodes := make([]*embedded.Server, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		c := embedded.Config{Dir: t.TempDir(), Listen: "127.0.0.1:0", ServerName: fmt.Sprintf("n%d", i+1), ClusterName: "swiftval-test",
			ClusterListen: fmt.Sprintf("127.0.0.1:%d", ports[i]), Routes: routes}
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i], errs[i] = embedded.Start(c)
		}()
	}
	wg.Wait()
	var urls []string
	for i, s := range nodes {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		t.Cleanup(s.Stop)
		urls = append(urls, s.URL())
	}
	all := strings.Join(urls, ",")
	_, js := connect(t, all)
	// Wait for the cluster to elect its meta leader and to know all three
	// peers: until then an R3 stream is refused ("no suitable peers for
	// placement"), which a fast machine hits right after the meta leader is
	// elected. Poll until the input stream can be created.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.AccountInfo(ctx)
		if err == nil {
			err = sj.EnsureInputStream(ctx, js, sj.Options{Replicas: 3})
		}
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("JetStream cluster not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // polling the cluster, not synchronising
	}
	for range 3 {
		startConsumer(t, all, "--replicas", "3")
	}
	publishMix(t, js, samples, "c", 0, n)
	waitResults(t, js, n/3, 3*time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, "PAYMENTS")
	if err != nil {
		t.Fatal(err)
	}
	leader := st.CachedInfo().Cluster.Leader
	stopped := false
	for _, s := range nodes {
		if s.Name() == leader {
			s.Stop()
			stopped = true
		}
	}
	if !stopped {
		t.Fatalf("stream leader %q is none of the nodes", leader)
	}
	waitResults(t, js, n, 5*time.Minute)
	// Acknowledgements sent while the consumer's leader moved may be lost
	// (by default an ack is not confirmed; see --confirm-acks): those
	// inputs are redelivered after the ack wait, validated again and their
	// outputs de-duplicated by the broker.
	// So the consumer settles to nothing pending and nothing awaiting ack
	// within a few ack waits, and the outputs stay one per input.
	settle := time.Now().Add(60 * time.Second)
	ci := consumerState(t, js)
	for (ci.NumPending != 0 || ci.NumAckPending != 0) && time.Now().Before(settle) {
		time.Sleep(250 * time.Millisecond) // polling the broker's state, not synchronising
		ci = consumerState(t, js)
	}
	if ci.NumPending != 0 || ci.NumAckPending != 0 {
		t.Errorf("consumer after the run: %d pending, %d awaiting ack", ci.NumPending, ci.NumAckPending)
	}
	checkResults(t, readResults(t, js), samples, "c", n)
}

// poisonRuleSet is a user rule set whose rule fails at run time (a CEL
// conversion error, SV004) for one message only: the one whose field 20
// is POISONPILL. It is loaded from a directory with --rules, so the
// shipped binary runs it as it is; no test hook exists in the binary.
const poisonRuleSet = `name: poison-test
version: "1"
rules:
  - id: poison-test.int
    applies_to: [MT103]
    check: ref.instruction != "POISONPILL" || int(ref.instruction) > 0
`

// TestPoison: a message on which a rule fails is tried --max-deliver
// times, then goes to .dead with the reason and the delivery count; the
// messages around it flow as usual.
func TestPoison(t *testing.T) {
	samples := corpus(t)
	srv := startBroker(t, embedded.Config{})
	_, js := connect(t, srv.URL())
	rules := t.TempDir()
	if err := os.WriteFile(filepath.Join(rules, "poison.yaml"), []byte(poisonRuleSet), 0o600); err != nil {
		t.Fatal(err)
	}
	startConsumer(t, srv.URL(), "--rules", rules, "--max-deliver", "3")
	n := 400
	publishMix(t, js, samples, "p", 0, n)
	mt103, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	poison := bytes.Replace(mt103, []byte(":20:REF12345"), []byte(":20:POISONPILL"), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := publishInputs(ctx, js, []stream.Input{{ID: "poison", Data: poison, Subject: "payments.in.mt"}}); err != nil {
		t.Fatal(err)
	}
	publishMix(t, js, samples, "p", n, n)
	waitResults(t, js, 2*n+1, 2*time.Minute)
	res := readResults(t, js)
	p, ok := res["poison"]
	if !ok {
		t.Fatal("no output for the poison message")
	}
	delete(res, "poison")
	if p.verdict != "dead" || !bytes.Equal(p.data, poison) {
		t.Fatalf("poison message: %s (bytes equal: %v), want dead with its bytes", p.verdict, bytes.Equal(p.data, poison))
	}
	reason := p.header.Get(stream.HeaderReason)
	if !strings.Contains(reason, "rule poison-test.int failed at run time (SV004)") || !strings.Contains(reason, "3 attempts") || p.header.Get(stream.HeaderDeliveries) != "3" {
		t.Errorf("poison dead letter: reason %q, deliveries %q", reason, p.header.Get(stream.HeaderDeliveries))
	}
	if p.header.Get(stream.HeaderType) != "MT103" {
		t.Errorf("poison dead letter: type %q, want MT103", p.header.Get(stream.HeaderType))
	}
	checkResults(t, res, samples, "p", 2*n)
}

// TestDrain: SIGTERM under load: the consumer stops pulling, finishes and
// acknowledges what it holds, and exits 0; nothing it took is delivered
// again (the consumer's delivery count equals the number of inputs).
func TestDrain(t *testing.T) {
	samples := corpus(t)
	n := messages(50_000, 4_000)
	srv := startBroker(t, embedded.Config{})
	_, js := connect(t, srv.URL())
	// A long ack wait: the broker must not redeliver by itself while the
	// drained consumer's last acknowledgements are being processed.
	c := startConsumer(t, srv.URL(), "--ack-wait", "30s", "--log-level", "info")
	publishMix(t, js, samples, "d", 0, n)
	waitResults(t, js, n/4, 2*time.Minute)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != 0 {
		t.Fatalf("consumer exit code %d after SIGTERM, want 0", code)
	}
	// The broker processes acknowledgements asynchronously: wait (briefly)
	// for its ack floor to reach the last delivery. Only acknowledgements
	// move the floor; the ack wait is far longer than this.
	var ci *jetstream.ConsumerInfo
	for deadline := time.Now().Add(10 * time.Second); ; {
		ci = consumerState(t, js)
		if ci.NumAckPending == 0 && ci.Delivered.Consumer == ci.AckFloor.Consumer {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the drain: %d inputs awaiting ack (delivered %d, acknowledged up to %d)", ci.NumAckPending, ci.Delivered.Consumer, ci.AckFloor.Consumer)
		}
		time.Sleep(20 * time.Millisecond) // polling the broker, not synchronising
	}
	if ci.NumPending == 0 {
		t.Fatal("the stream was empty before SIGTERM: the drain was not under load")
	}
	startConsumer(t, srv.URL(), "--ack-wait", "30s")
	waitResults(t, js, n, 3*time.Minute)
	checkResults(t, readResults(t, js), samples, "d", n)
	if ci := consumerState(t, js); ci.Delivered.Consumer != uint64(n) {
		t.Errorf("%d deliveries for %d inputs: something was delivered twice", ci.Delivered.Consumer, n)
	}
}

// TestBadInput: empty payloads, 10 MiB payloads (above the 1 MiB limit per
// message) and binary garbage each get a located invalid report; an
// input whose output cannot fit the broker's message size becomes a dead
// letter with the reason; the consumer keeps running.
func TestBadInput(t *testing.T) {
	mt103, err := os.ReadFile("../../testdata/mt/valid_mt103.fin")
	if err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i>>3) // deterministic, with NULs and high bytes
	}
	huge := bytes.Repeat([]byte("{4:\r\n:20:X\r\n"), 10<<20/12)
	cases := []struct {
		id, code, verdict string
		data              []byte
	}{
		{"empty", engine.CodeEmptyInput, "invalid", nil},
		{"blank", engine.CodeEmptyInput, "invalid", []byte(" \r\n\t")},
		{"garbage", engine.CodeUnrecognised, "invalid", garbage},
		{"huge", engine.CodeInputTooLarge, "invalid", huge},
		{"after", "", "valid", mt103},
	}
	t.Run("large broker limit", func(t *testing.T) {
		srv := startBroker(t, embedded.Config{MaxPayload: 16 << 20})
		_, js := connect(t, srv.URL())
		startConsumer(t, srv.URL())
		var ins []stream.Input
		for _, c := range cases {
			ins = append(ins, stream.Input{ID: c.id, Data: c.data, Subject: "payments.in.bad"})
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := publishInputs(ctx, js, ins); err != nil {
			t.Fatal(err)
		}
		waitResults(t, js, len(cases), time.Minute)
		res := readResults(t, js)
		for _, c := range cases {
			r := res[c.id]
			if r.verdict != c.verdict || !bytes.Equal(r.data, c.data) || r.header.Get(stream.HeaderCodes) != c.code {
				t.Errorf("%s: %s with codes %q (bytes equal: %v); want %s with %q", c.id, r.verdict, r.header.Get(stream.HeaderCodes), bytes.Equal(r.data, c.data), c.verdict, c.code)
			}
			if c.verdict == "invalid" {
				var rep struct {
					Findings []struct {
						Code     string         `json:"code"`
						Location map[string]any `json:"location"`
					} `json:"findings"`
				}
				if err := json.Unmarshal([]byte(r.header.Get(stream.HeaderReport)), &rep); err != nil || len(rep.Findings) == 0 || rep.Findings[0].Code != c.code || rep.Findings[0].Location == nil {
					t.Errorf("%s: report %.200q (%v)", c.id, r.header.Get(stream.HeaderReport), err)
				}
			}
		}
	})
	t.Run("output above the broker limit", func(t *testing.T) {
		srv := startBroker(t, embedded.Config{}) // 1 MiB messages
		_, js := connect(t, srv.URL())
		startConsumer(t, srv.URL())
		// Just under the broker's limit: accepted as an input, but its
		// output (the same bytes and the headers) is not.
		big := bytes.Repeat([]byte{0xff}, 1<<20-200)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := publishInputs(ctx, js, []stream.Input{{ID: "big", Data: big, Subject: "payments.in.bad"}, {ID: "after", Data: mt103, Subject: "payments.in.mt"}}); err != nil {
			t.Fatal(err)
		}
		waitResults(t, js, 2, time.Minute)
		res := readResults(t, js)
		b := res["big"]
		if b.verdict != "dead" || len(b.data) != 0 || b.header.Get(stream.HeaderBodyOmitted) != strconv.Itoa(len(big)) || !strings.Contains(b.header.Get(stream.HeaderReason), "larger than the broker accepts") {
			t.Errorf("big: %s, %d bytes, omitted %q, reason %q", b.verdict, len(b.data), b.header.Get(stream.HeaderBodyOmitted), b.header.Get(stream.HeaderReason))
		}
		if res["after"].verdict != "valid" {
			t.Errorf("the message after: %q, want valid", res["after"].verdict)
		}
	})
}
