//go:build !linux

package bench

import (
	"context"
	"errors"
	"time"
)

// eventLoop exists on Linux only; elsewhere a RawTarget uses a goroutine per
// connection.
type eventLoop struct{}

// loopPlan is the event loop's schedule (Linux only).
type loopPlan struct {
	start        time.Time
	interval     float64
	total, warmN int64
	warmEnd      time.Duration
	conns        int
	mix          *Mix
	rec          *recorder
	sent         interface{ Add(int64) int64 }
}

func newEventLoop(*RawTarget, *loopPlan) (*eventLoop, error) {
	return nil, errors.New("bench: no event loop on this system")
}

func (*eventLoop) runLoop(context.Context) {}
