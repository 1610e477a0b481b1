package main

import (
	"io"
	"log/slog"

	"github.com/swiftval/swiftval/directory"
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

// externalOptions are the flags, shared by every command that loads rule
// sets, that say which dependencies external checks may call and where
// their secrets lie (each also a SWIFTVAL_ variable). Rule sets are data an
// admin-API caller may upload: without these, an external check could send
// every payment to any host, or a file or variable of the machine to its
// URL (docs/security.md).
type externalOptions struct {
	endpoints []string
	secretDir string
}

func (x *externalOptions) add(f flagSet) {
	f.List(&x.endpoints, "external-endpoints", "URL prefixes external checks may call (repeatable or comma-separated: https://screening.bank.internal/, http://127.0.0.1:8090/; a prefix without a port admits every port of its host); a rule set calling another is refused; none: no external check may load")
	f.Dir(&x.secretDir, "secrets-dir", "directory external checks read their secret and TLS files from (default: the rule set's own directory)")
}

// stderrLogger is the logger of the one-shot commands (validate, rules):
// warnings and errors as text on stderr.
func stderrLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
