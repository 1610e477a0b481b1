package jetstream_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	sj "github.com/swiftval/swiftval/stream/jetstream"
	"github.com/swiftval/swiftval/stream/jetstream/embedded"
)

// TestResultsStreamLimits: the results stream a consumer creates keeps
// every output unless limits are given, and has exactly the limits given.
func TestResultsStreamLimits(t *testing.T) {
	for _, tt := range []struct {
		name     string
		age      time.Duration
		bytes    int64
		wantAge  time.Duration
		wantSize int64
	}{
		{name: "none", wantSize: -1},
		{name: "age and bytes", age: 3 * time.Minute, bytes: 1 << 20, wantAge: 3 * time.Minute, wantSize: 1 << 20},
		{name: "bytes only", bytes: 64 << 20, wantSize: 64 << 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startBroker(t, embedded.Config{})
			_, js := connect(t, srv.URL())
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			tr, err := sj.Open(ctx, sj.Options{URLs: srv.URL(), ResultsMaxAge: tt.age, ResultsMaxBytes: tt.bytes,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close(ctx)
			s, err := js.Stream(ctx, sj.DefaultResultsStream)
			if err != nil {
				t.Fatal(err)
			}
			c := s.CachedInfo().Config
			if c.MaxAge != tt.wantAge || c.MaxBytes != tt.wantSize {
				t.Errorf("results stream: max age %v, max bytes %d; want %v, %d", c.MaxAge, c.MaxBytes, tt.wantAge, tt.wantSize)
			}
		})
	}
}
