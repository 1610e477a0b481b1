// Package watch calls a function when files of a directory change, once
// per burst of changes: editors and deploy tools write a file in several
// steps (truncate, write, rename), and acting on every step would load a
// half-written file. It serves the rule-set directory (rules/custom) and
// the BIC directory file (directory), which hot-reload alike.
package watch

import (
	"context"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long Dir waits after the last matching change before it
// calls onChange.
const Debounce = 150 * time.Millisecond

// Dir watches the directory dir until ctx ends, then returns nil. After a
// burst of changes to files for which match(path) is true (a change every
// Debounce or closer) it calls onChange once, on its own goroutine; errors
// of the watcher go to onError (nil: ignored) and watching goes on. It
// fails at once when dir cannot be watched. A file replaced by rename is
// seen, since the directory is watched, not the file.
func Dir(ctx context.Context, dir string, match func(path string) bool, onChange func(), onError func(error)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return err
	}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !match(ev.Name) {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(Debounce)
			} else {
				timer.Reset(Debounce)
			}
			fire = timer.C
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if onError != nil {
				onError(err)
			}
		case <-fire:
			fire = nil
			onChange()
		}
	}
}
