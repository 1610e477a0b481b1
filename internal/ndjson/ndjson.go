// Package ndjson is the line format of batches of messages, one
// {"id":...,"message":...} object per line, that POST /v1/validate/batch
// and "swiftval validate --ndjson" read: the line bound, a line reader
// that skips over-long lines, and a decoder without reflection for the
// common line.
package ndjson

import (
	"bufio"
	"bytes"
	"errors"
)

// Item is one line: the caller's id, and the message as a JSON string.
type Item struct {
	ID      string  `json:"id"`
	Message *string `json:"message"`
}

// LineSlack is what a line may hold beyond twice the message limit: a
// message is JSON-escaped on its line (CR LF doubles to \r\n), and the id
// and keys need room too.
const LineSlack = 64 << 10

// MaxLine is the longest line accepted for messages of at most maxBytes.
func MaxLine(maxBytes int) int { return 2*maxBytes + LineSlack }

// ReadLine appends the next line of br, without its end (LF or CR LF), to
// buf and returns the result (nil buf: a fresh copy each call; buf[:0]: one
// buffer reused). A line that would take it past max bytes is read to its
// end and dropped: line is buf without it and tooLong is true. err is br's
// error, io.EOF after the last line.
func ReadLine(br *bufio.Reader, buf []byte, max int) (line []byte, tooLong bool, err error) {
	start := len(buf)
	for {
		chunk, rerr := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)-start+len(chunk) > max+1 {
				tooLong, buf = true, buf[:start]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(rerr, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte{'\n'}), []byte{'\r'}), tooLong, rerr
	}
}
