package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// ExitForced is the exit status after a second SIGINT or SIGTERM cut the
// drain short (see ShutdownContext): like a drain that timed out, requests
// may have been lost.
const ExitForced = 1

// ErrShutdownSignal is the cause of the context of ShutdownContext once a
// signal has ended it.
var ErrShutdownSignal = errors.New("shutdown signal")

// ShutdownContext returns a context that ends at the first SIGINT or
// SIGTERM, to hand to Run, which then drains. A second SIGINT or SIGTERM
// (an impatient operator, an orchestrator escalating) does not wait for
// the drain: it is logged and exit(ExitForced) is called at once; exit is
// os.Exit when nil. stop releases the signals; call it when Run returned.
func ShutdownContext(parent context.Context, log *slog.Logger, exit func(code int)) (ctx context.Context, stop func()) {
	if exit == nil {
		exit = os.Exit
	}
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			log.Info("shutdown signal; draining (a second one exits at once)", "signal", sig.String())
			cancel(ErrShutdownSignal)
		case <-done:
			return
		}
		select {
		case sig := <-ch:
			log.Error("second shutdown signal during the drain; exiting without waiting for requests in flight", "signal", sig.String(), "exit_status", ExitForced)
			exit(ExitForced)
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}
