package server

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/swiftval/swiftval/internal/ndjson"
	"github.com/swiftval/swiftval/output"
)

// handleBatch validates NDJSON lines ({"id","message"}) and streams one
// report per line, in order, through the output writer that ?output= names
// (json: NDJSON, the default; text, junit, sarif: see package output). A
// bad line yields an error entry for that line and the rest go on. Above
// MaxBatchMessages the request stops with a final error entry.
func (s *Server) handleBatch(c echo.Context) error {
	rc := c.(*reqCtx)
	req := c.Request()
	if !batchContentType(req.Header.Get(echo.HeaderContentType)) {
		return problem(http.StatusUnsupportedMediaType, "send NDJSON: one {\"id\":...,\"message\":...} object per line (application/x-ndjson)")
	}
	if p := checkContentEncoding(req); p != nil {
		return p
	}
	opts, perr := s.validateOptions(req.URL.RawQuery, "output")
	if perr != nil {
		return perr
	}
	format, perr := batchOutput(req.URL.Query().Get("output"))
	if perr != nil {
		return perr
	}
	// Validations run under a context the client cannot cancel (see
	// handleValidate): a client that half-closes after its last line must
	// still get every report. A client that is gone is noticed when a
	// read or a write fails.
	ctx := context.WithoutCancel(req.Context())
	// Whether a slot is free now decides whether the request is shed,
	// before the 200. The slot is not kept while the lines are read: a slow
	// client must not hold validation capacity.
	if !s.acquire(ctx) {
		return s.shed()
	}
	s.release()

	res := c.Response()
	ctl := http.NewResponseController(res)
	_ = ctl.EnableFullDuplex() // read lines while writing reports (HTTP/1.1)
	h := res.Header()
	if format == "json" {
		h[echo.HeaderContentType] = hdrNDJSON
	} else {
		h.Set(echo.HeaderContentType, output.ContentType(format))
	}
	h["Cache-Control"] = hdrNoSt
	res.WriteHeader(http.StatusOK)

	br := bufio.NewReaderSize(req.Body, 64<<10)
	bw := bufio.NewWriterSize(res, 32<<10)
	// The writer under echo's Response: echo's own Flush panics when the
	// writer below cannot flush; this answers ErrNotSupported instead.
	flusher := http.NewResponseController(res.Writer)
	out, _ := output.New(bw, format, output.Options{})
	lineError := func(id string, index, status int, detail string) error {
		return out.WriteUnchecked(output.Unchecked{ID: id, Index: index, Status: status, Title: http.StatusText(status), Detail: detail})
	}
	maxLine := ndjson.MaxLine(int(s.cfg.MaxBodyBytes))
	var line []byte
	var werr error
	index := 0
	for {
		s.extendDeadlines(ctl)
		if br.Buffered() == 0 {
			// Nothing more read yet: what is written goes to the client
			// now (through the server's own buffer too), so a client that
			// waits for an answer before its next line is not stuck. A
			// writer that cannot flush (ErrNotSupported) still gets
			// everything at the end; a gone client fails the next write.
			if bw.Flush() != nil {
				return nil // client gone
			}
			_ = flusher.Flush()
		}
		var tooLong bool
		var err error
		line, tooLong, err = ndjson.ReadLine(br, line[:0], maxLine)
		if len(bytes.TrimSpace(line)) == 0 && !tooLong {
			if err != nil {
				break
			}
			continue
		}
		index++
		if index > s.cfg.MaxBatchMessages {
			_ = lineError("", index, http.StatusRequestEntityTooLarge,
				"batch limit of "+itoa(int64(s.cfg.MaxBatchMessages))+" messages reached; the rest of the request was not read")
			break
		}
		switch {
		case tooLong:
			werr = lineError("", index, http.StatusRequestEntityTooLarge, "line is longer than "+itoa(int64(maxLine))+" bytes")
		default:
			// msg may alias line: it is validated and its report written
			// before the next line is read into the buffer.
			id, msg, hasMsg, jerr := ndjson.Decode(line)
			if jerr != nil || !hasMsg {
				werr = lineError(id, index, http.StatusBadRequest, "line is not a JSON object with a string \"message\"")
				break
			}
			if int64(len(msg)) > s.cfg.MaxBodyBytes {
				werr = lineError(id, index, http.StatusRequestEntityTooLarge, "message is above the limit of "+itoa(s.cfg.MaxBodyBytes)+" bytes")
				break
			}
			s.acquireWait()
			rep := s.validate(ctx, msg, opts)
			s.release()
			rep.ID, rep.Index = id, index
			s.note(rc, rep)
			if p := internalFailure(rep); p != nil {
				werr = lineError(id, index, p.status, p.detail)
				break
			}
			werr = out.Write(rep)
		}
		if werr != nil {
			return nil // client gone
		}
		if err != nil {
			break
		}
	}
	_ = out.Flush() // completes the document (junit, sarif) and flushes bw
	// The header went out before the first validation; their time follows
	// as a trailer.
	rc.setTiming()
	res.Header()[http.TrailerPrefix+"Server-Timing"] = res.Header()["Server-Timing"]
	return nil
}

// acquireWait takes a validation slot for a batch already under way (its
// 200 is sent, so it cannot be shed): the batch is paced by the slots. The
// wait is bounded: a slot is held only while one message is validated,
// within its budget.
func (s *Server) acquireWait() { s.slots <- struct{}{} }

// extendDeadlines gives each batch message the read and write timeouts
// afresh, so a long batch is not cut by the per-request timeouts while a
// stalled client still is.
func (s *Server) extendDeadlines(ctl *http.ResponseController) {
	now := time.Now()
	_ = ctl.SetReadDeadline(now.Add(s.cfg.ReadTimeout))
	_ = ctl.SetWriteDeadline(now.Add(s.cfg.WriteTimeout))
}

// batchOutput checks the ?output= of a batch request: one of
// output.Formats, json when absent. An unknown one is refused (400), never
// replaced by another.
func batchOutput(q string) (string, *problemError) {
	if q == "" {
		return "json", nil
	}
	for _, f := range output.Formats {
		if q == f {
			return f, nil
		}
	}
	return "", problem(http.StatusBadRequest, "output must be one of "+strings.Join(output.Formats, ", "))
}

// batchContentType accepts NDJSON and its aliases, plain text, JSON and no
// content type.
func batchContentType(ct string) bool {
	if ct == "" {
		return true
	}
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
		"application/jsonlines", "application/json", "text/plain":
		return true
	}
	return false
}
