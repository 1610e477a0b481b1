package loadtest

import (
	"context"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

var engineOpts = engine.ValidateOptions{}

// TestInproc is a short in-process run of the real engine with the built-in
// mix: every request answered, none failed, engine time reported.
func TestInproc(t *testing.T) {
	eng := swiftval.New(engine.Options{})
	rep, err := Run(context.Background(), Config{
		Target: NewInprocTarget(eng, engineOpts), Mix: mustMix(t),
		Rate: 500, Duration: 500 * time.Millisecond, Warmup: 100 * time.Millisecond, Connections: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Completed != rep.Scheduled || rep.ErrorCount != 0 || rep.Server == nil || rep.Server.Count != rep.OK {
		t.Errorf("in-process run: scheduled %d completed %d errors %v server %+v", rep.Scheduled, rep.Completed, rep.Errors, rep.Server)
	}
}
