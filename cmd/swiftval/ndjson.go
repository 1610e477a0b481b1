package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/ndjson"
	"github.com/swiftval/swiftval/output"
)

// With --ndjson every input is NDJSON, one {"id":...,"message":...} object
// per line, as POST /v1/validate/batch takes (docs/server.md): each message
// is reported with its id and its index (the 1-based position among the
// non-blank lines); a line that is not such an object, or is too long, is
// an unchecked entry and the rest go on. The input is read line by line,
// so its size is not limited: memory holds a few chunks of lines.

// emitNDJSON reads the NDJSON input at path ("-": stdin) and emits jobs of
// up to chunkMessages lines. It returns the read error, if any, after
// emitting what came before it; stopped is true when emit refused a job.
func emitNDJSON(src, path string, stdin io.Reader, maxBytes int, emit func(*job) bool) (stopped bool, err error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return false, err
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	maxLine := ndjson.MaxLine(maxBytes) // as the batch endpoint allows
	j := &job{source: src, first: 1}
	index := 0
	for {
		line, tooLong, rerr := ndjson.ReadLine(br, nil, maxLine) // a fresh slice: the job keeps it
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			err = fmt.Errorf("%s: line %d: %w", src, index+1, rerr)
		}
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			index++
			lerr := ""
			if tooLong {
				lerr = fmt.Sprintf("line is longer than %d bytes", maxLine)
				line = nil
			}
			j.lines = append(j.lines, line)
			j.lineErrs = append(j.lineErrs, lerr)
			j.size += int64(len(line))
			if len(j.lines) == chunkMessages {
				if !emit(j) {
					return true, nil
				}
				j = &job{source: src, first: index + 1}
			}
		}
		if rerr != nil {
			break
		}
	}
	if len(j.lines) > 0 && !emit(j) {
		return true, nil
	}
	return false, err
}

// runNDJSON validates the lines of an NDJSON job with validate: reps[i] is
// the report of line i, or nil when the line was not a message (bad[i]
// says why).
func runNDJSON(j *job, validate func([]byte) *engine.Report) {
	j.reps = make([]*engine.Report, len(j.lines))
	j.bad = make([]output.Unchecked, len(j.lines))
	for i, line := range j.lines {
		index := j.first + i
		if j.lineErrs[i] != "" {
			j.bad[i] = output.Unchecked{Source: j.source, Index: index, Detail: j.lineErrs[i]}
			continue
		}
		id, msg, hasMsg, err := ndjson.Decode(line)
		if err != nil || !hasMsg {
			j.bad[i] = output.Unchecked{Source: j.source, ID: id, Index: index, Detail: `line is not a JSON object with a string "message"`}
			continue
		}
		r := validate(msg)
		r.Source, r.ID, r.Index = j.source, id, index
		j.reps[i] = r
	}
}
