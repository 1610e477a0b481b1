package benchmarks

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/swiftval/swiftval/bench"
)

// BenchmarkHarnessHTTP measures one request of the load harness's HTTP
// worker against bench.NoopHandler over loopback, closed loop: the client
// and the no-op server share this process, so time and allocations are
// both sides' (net/http's server allocates about 10 per request itself).
// It is the per-request cost the harness adds on top of a real server.
func BenchmarkHarnessHTTP(b *testing.B) {
	srv := httptest.NewServer(bench.NoopHandler())
	defer srv.Close()
	tg, err := bench.NewHTTPTarget(srv.URL, 1, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	w := tg.NewWorker()
	s := &bench.BuiltinSamples()[0]
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if o := w.Do(ctx, s); o.Err != "" {
			b.Fatal(o.Err)
		}
	}
}
