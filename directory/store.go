package directory

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swiftval/swiftval/internal/watch"
)

// Store holds the Directory in force and replaces it atomically: a
// validation that took the Directory keeps it to its end, so it never sees
// a mix of two files. A Store is safe for concurrent use.
type Store struct {
	path string
	cur  atomic.Pointer[Directory]
	mu   sync.Mutex // serialises reloads
	// Loaded is when the Directory in force was loaded.
	loaded atomic.Int64
	log    *slog.Logger
}

// Open loads the directory file at path into a new Store. It fails with
// the file's *LoadError when the file does not load.
func Open(path string, log *slog.Logger) (*Store, error) {
	d, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Store{path: path, log: log}
	s.set(d)
	return s, nil
}

// NewStore returns a Store holding d, with no file to reload from
// (embedders that build their Directory themselves, tests).
func NewStore(d *Directory) *Store {
	s := &Store{log: slog.Default()}
	s.set(d)
	return s
}

func (s *Store) set(d *Directory) {
	s.cur.Store(d)
	s.loaded.Store(time.Now().UnixNano())
}

// Directory returns the Directory in force. Callers that look up several
// BICs for one message take it once, so that all their answers come from
// the same file.
func (s *Store) Directory() *Directory { return s.cur.Load() }

// Path returns the file the Store loads from ("" for NewStore).
func (s *Store) Path() string { return s.path }

// Loaded returns when the Directory in force was loaded.
func (s *Store) Loaded() time.Time { return time.Unix(0, s.loaded.Load()) }

// Replace puts d in force.
func (s *Store) Replace(d *Directory) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set(d)
}

// Reload re-reads the file. When it does not load, the Directory in force
// stays and the *LoadError is returned.
func (s *Store) Reload() error {
	if s.path == "" {
		return errors.New("directory: this store has no file to reload")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := LoadFile(s.path)
	if err != nil {
		return err
	}
	s.set(d)
	return nil
}

// Watch reloads the file whenever it changes (it watches the file's
// folder, so a file replaced by rename is seen too) until ctx ends, then
// returns nil. A reload that fails leaves the Directory in force and is
// logged; onReload, when not nil, gets every reload's outcome. It fails at
// once when the folder cannot be watched.
func (s *Store) Watch(ctx context.Context, onReload func(error)) error {
	if s.path == "" {
		return errors.New("directory: this store has no file to watch")
	}
	name := filepath.Clean(s.path)
	return watch.Dir(ctx, filepath.Dir(s.path), func(p string) bool { return filepath.Clean(p) == name }, func() {
		err := s.Reload()
		s.logReload(err)
		if onReload != nil {
			onReload(err)
		}
	}, func(err error) { s.log.Warn("BIC directory watcher", "err", err) })
}

// logReload logs a reload's outcome (file names and counts only: the
// directory holds no payment data, but its lines are not logged either).
func (s *Store) logReload(err error) {
	if err != nil {
		s.log.Error("BIC directory not reloaded; the previous one stays in force", "file", s.path, "err", err)
		return
	}
	d := s.Directory()
	s.log.Info("BIC directory reloaded", "file", s.path, "bics", d.Len(), "layout", d.Layout())
}

// ReloadAndLog is Reload followed by the same log line as Watch writes
// (for SIGHUP handlers).
func (s *Store) ReloadAndLog() error {
	err := s.Reload()
	s.logReload(err)
	return err
}
