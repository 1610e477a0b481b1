package output

import (
	"io"

	"github.com/swiftval/swiftval/engine"
)

// textWriter writes engine.Report.WriteText per report. Unchecked inputs
// are not written: the command line reports them on stderr.
type textWriter struct{ w io.Writer }

// NewText returns the human-readable writer: a verdict line per message and
// a line per finding (engine.Report.WriteText).
func NewText(w io.Writer) Writer { return &textWriter{w} }

func (t *textWriter) Write(r *engine.Report) error { return r.WriteText(t.w) }

func (t *textWriter) WriteUnchecked(u Unchecked) error {
	_, err := io.WriteString(t.w, name(u.Source, u.Index, u.ID)+": NOT CHECKED: "+u.Detail+"\n")
	return err
}

func (t *textWriter) Flush() error { return flush(t.w) }
