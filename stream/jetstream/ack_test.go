package jetstream_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/swiftval/swiftval/stream"
	sj "github.com/swiftval/swiftval/stream/jetstream"
	"github.com/swiftval/swiftval/stream/jetstream/embedded"
)

// TestAckConfirmed: with ConfirmAcks an input's acknowledgement is
// recorded by the broker by the time Ack returns (double ack); in either
// mode a second acknowledgement of the same delivery is final (not
// retried).
func TestAckConfirmed(t *testing.T) {
	for _, confirm := range []bool{true, false} {
		name := "confirmed"
		if !confirm {
			name = "plain"
		}
		t.Run(name, func(t *testing.T) {
			srv := startBroker(t, embedded.Config{})
			_, js := connect(t, srv.URL())
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tr, err := sj.Open(ctx, sj.Options{URLs: srv.URL(), ConfirmAcks: confirm, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close(ctx)
			if _, err := publishInputs(ctx, js, []stream.Input{{ID: "a", Data: []byte("x"), Subject: "payments.in.mt"}}); err != nil {
				t.Fatal(err)
			}
			d, err := tr.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Ack(ctx); err != nil {
				t.Fatalf("Ack: %v", err)
			}
			if confirm {
				// Confirmed: the broker has recorded it already.
				if ci := consumerState(t, js); ci.NumAckPending != 0 || ci.AckFloor.Consumer != 1 {
					t.Fatalf("after a confirmed ack: %d awaiting ack, ack floor %d", ci.NumAckPending, ci.AckFloor.Consumer)
				}
			}
			if err := d.Ack(ctx); !errors.Is(err, stream.ErrAckFinal) {
				t.Fatalf("second Ack: %v, want ErrAckFinal", err)
			}
		})
	}
}
