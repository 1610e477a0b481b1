package output

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/swiftval/swiftval/engine"
)

// jsonWriter writes JSON Lines: one engine.Report.AppendJSON object per
// message, one error object per unchecked input.
type jsonWriter struct {
	w   io.Writer
	buf []byte
}

// NewJSON returns the JSON Lines writer: one report object per line, as
// engine.Report.AppendJSON encodes it, and for an unchecked input
// {"source"?,"id"?,"index"?,"error":{"status"?,"title"?,"detail"}}.
func NewJSON(w io.Writer) Writer { return &jsonWriter{w: w} }

func (j *jsonWriter) Write(r *engine.Report) error {
	j.buf = r.AppendJSON(j.buf[:0])
	j.buf = append(j.buf, '\n')
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonWriter) WriteUnchecked(u Unchecked) error {
	b := append(j.buf[:0], '{')
	if u.Source != "" {
		b = append(b, `"source":`...)
		b = appendJSONString(b, u.Source)
		b = append(b, ',')
	}
	if u.ID != "" {
		b = append(b, `"id":`...)
		b = appendJSONString(b, u.ID)
		b = append(b, ',')
	}
	if u.Index > 0 {
		b = append(b, `"index":`...)
		b = strconv.AppendInt(b, int64(u.Index), 10)
		b = append(b, ',')
	}
	b = append(b, `"error":{`...)
	if u.Status != 0 {
		b = append(b, `"status":`...)
		b = strconv.AppendInt(b, int64(u.Status), 10)
		b = append(b, `,"title":`...)
		b = appendJSONString(b, u.Title)
		b = append(b, ',')
	}
	b = append(b, `"detail":`...)
	b = appendJSONString(b, u.Detail)
	b = append(b, "}}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonWriter) Flush() error { return flush(j.w) }

// appendJSONString appends s as a JSON string (encoding/json's escaping, as
// the server has always written its error lines; not on the per-report
// path).
func appendJSONString(buf []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(buf, b...)
}
