package benchmarks

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/swiftval/swiftval/loadtest"
)

// BenchmarkHarnessHTTP measures one request of the load harness's HTTP
// workers (raw: its own HTTP/1.1 client, the default; std: net/http's)
// against loadtest.NoopHandler over loopback, closed loop. The client and the
// no-op server share this process, so time and allocations are both sides'
// (net/http's server allocates about 10 a request itself): the per-request
// cost the harness adds on top of a real server is below these figures.
func BenchmarkHarnessHTTP(b *testing.B) {
	srv := httptest.NewServer(loadtest.NoopHandler())
	defer srv.Close()
	targets := []struct {
		name string
		make func() (loadtest.Target, error)
	}{
		{"raw", func() (loadtest.Target, error) { return loadtest.NewRawTarget(srv.URL, 5*time.Second) }},
		{"std", func() (loadtest.Target, error) { return loadtest.NewHTTPTarget(srv.URL, 1, 5*time.Second) }},
	}
	for _, tc := range targets {
		b.Run(tc.name, func(b *testing.B) {
			tg, err := tc.make()
			if err != nil {
				b.Fatal(err)
			}
			defer tg.Close()
			w := tg.NewWorker()
			s := &loadtest.BuiltinSamples()[0]
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if o := w.Do(ctx, s); o.Err != "" {
					b.Fatal(o.Err)
				}
			}
		})
	}
}
