package main

import (
	"io"
	"log/slog"
	"sync"

	"github.com/swiftval/swiftval/directory"
	"github.com/swiftval/swiftval/external"
)

// bicDirectoryFlag is the flag of validate and serve naming the BIC
// directory file (SWIFTVAL_BIC_DIRECTORY, like every flag).
const (
	bicDirectoryFlag  = "bic-directory"
	bicDirectoryUsage = "BIC and LEI directory file (CSV: bic,name,city,country,lei,connected,valid_from,valid_to, or GLEIF's LEI,BIC) whose checks are added; see docs/external.md"
)

// openBICDirectory loads the directory file; nil, nil when path is empty.
// A file that does not load is an error naming its bad lines.
func openBICDirectory(path string, log *slog.Logger) (*directory.Store, error) {
	if path == "" {
		return nil, nil
	}
	return directory.Open(path, log)
}

// hubFor returns the Hub of external checks of this process, created on
// first use with the given logger (breaker transitions are logged there):
// a process whose rule sets declare no external check never builds one.
var (
	hubOnce sync.Once
	hub     *external.Hub
)

func hubFor(log *slog.Logger) *external.Hub {
	hubOnce.Do(func() {
		if log == nil {
			log = slog.Default()
		}
		hub = external.NewHub(external.HubOptions{Logger: log})
	})
	return hub
}

// stderrLogger is the logger of the one-shot commands (validate, rules):
// warnings and errors as text on stderr.
func stderrLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
