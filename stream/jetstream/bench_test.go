package jetstream_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/loadtest"
	"github.com/swiftval/swiftval/stream"
	sj "github.com/swiftval/swiftval/stream/jetstream"
	"github.com/swiftval/swiftval/stream/jetstream/embedded"
)

// TestBenchTarget drives a stream with "publish --rate"'s target: with a
// consumer running, every request completes with its verdict (the invalid
// sample as invalid, the rest as valid), from the pacer and from one
// goroutine per request; with no consumer every request times out; with no
// stream to take the inputs every request fails as "publish". None of them
// ever counts as a success it was not.
func TestBenchTarget(t *testing.T) {
	var mt103 loadtest.Sample
	samples := loadtest.BuiltinSamples()
	for _, s := range samples {
		if s.Name == "mt103" {
			mt103 = s
		}
	}
	broken := loadtest.Sample{Name: "invalid", ContentType: mt103.ContentType,
		Body: bytes.Replace(mt103.Body, []byte(":32A:"), []byte(":32A:X"), 1)}
	mix, err := loadtest.NewMix([]loadtest.Sample{mt103, samples[3], broken}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const rate, warmup = 300, 100 * time.Millisecond
	wantInvalid := int64(0)
	for i := int64(rate * warmup.Seconds()); i < int64(rate*(1+warmup.Seconds())); i++ {
		if mix.Sample(i).Name == "invalid" {
			wantInvalid++
		}
	}
	if wantInvalid == 0 {
		t.Fatal("the mix sends no invalid message")
	}

	tests := []struct {
		name       string
		consumer   bool
		noStream   bool
		goroutines bool
		timeout    time.Duration
		err        string // the error kind of every request; "" for none
	}{
		{name: "consumer, from the pacer", consumer: true, timeout: 10 * time.Second},
		{name: "consumer, from goroutines", consumer: true, goroutines: true, timeout: 10 * time.Second},
		{name: "no consumer", timeout: 300 * time.Millisecond, err: "timeout"},
		{name: "no input stream", noStream: true, timeout: 10 * time.Second, err: "publish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startBroker(t, embedded.Config{})
			nc, js := connect(t, srv.URL())
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if !tt.noStream {
				if err := sj.EnsureInputStream(ctx, js, sj.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.consumer {
				log := slog.New(slog.NewTextHandler(io.Discard, nil))
				tr, err := sj.Open(ctx, sj.Options{URLs: srv.URL(), FetchWait: time.Second, Logger: log})
				if err != nil {
					t.Fatal(err)
				}
				runCtx, stop := context.WithCancel(ctx)
				done := make(chan error, 1)
				go func() {
					done <- stream.Run(runCtx, stream.Config{Engine: swiftval.New(engine.Options{}), Logger: log}, tr)
				}()
				defer func() {
					stop()
					if err := <-done; err != nil {
						t.Errorf("consumer: %v", err)
					}
				}()
			}
			tgt, err := sj.NewBenchTarget(nc, sj.DefaultPublishSubject, sj.DefaultOutputPrefix, tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			defer tgt.Close()
			rep, err := loadtest.Run(ctx, loadtest.Config{Target: tgt, Mix: mix, Rate: rate, Duration: time.Second,
				Warmup: warmup, Connections: 64, Drain: 5 * time.Second, Goroutines: tt.goroutines})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Scheduled != rate || rep.Completed != rate {
				t.Fatalf("scheduled %d completed %d, want %d", rep.Scheduled, rep.Completed, rate)
			}
			if tt.err != "" {
				if rep.Errors[tt.err] != rate || rep.OK != 0 {
					t.Errorf("errors %v, ok %d: want all %d %s", rep.Errors, rep.OK, rate, tt.err)
				}
				return
			}
			if rep.ErrorCount != 0 || rep.OK != rate || rep.Invalid != wantInvalid {
				t.Errorf("errors %v, ok %d, invalid %d: want %d ok, %d of them invalid", rep.Errors, rep.OK, rep.Invalid, rate, wantInvalid)
			}
		})
	}
}
