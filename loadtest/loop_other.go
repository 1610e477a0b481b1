//go:build !linux

package loadtest

import (
	"context"
	"errors"
)

// eventLoop exists on Linux only; elsewhere a RawTarget uses a goroutine per
// connection.
type eventLoop struct{}

func newEventLoop(*RawTarget, *runPlan) (*eventLoop, error) {
	return nil, errors.New("bench: no event loop on this system")
}

func (*eventLoop) runLoop(context.Context) {}
