package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tally counts a validate run; the writer updates it, the progress line
// reads it.
type tally struct {
	inputs, messages, valid, invalid, unreadable, bytes atomic.Int64
}

// summary is the line printed at the end of a run, on stderr:
// "259 messages: 198 valid, 61 invalid, 0 unreadable — 0.41 s".
func (t *tally) summary(elapsed time.Duration) string {
	n, noun := t.messages.Load(), "messages"
	if n == 1 {
		noun = "message"
	}
	return fmt.Sprintf("%d %s: %d valid, %d invalid, %d unreadable — %.2f s",
		n, noun, t.valid.Load(), t.invalid.Load(), t.unreadable.Load(), elapsed.Seconds())
}

// progressDelay: runs shorter than this never show a progress line, so a
// quick run leaves nothing on the terminal; progressEvery is the redraw
// period.
const (
	progressDelay = time.Second
	progressEvery = 200 * time.Millisecond
	progressWidth = 24
)

// progressTotal is what a run will read, as far as known before it starts.
type progressTotal struct {
	inputs, bytes int64
}

// progressLine renders the progress of a run: a bar over the bytes when
// their number is known (a big RJE file weighs what it holds), the inputs,
// the counts and the time so far.
func progressLine(t *tally, total progressTotal, elapsed time.Duration) string {
	var sb strings.Builder
	done := t.inputs.Load() + t.unreadable.Load()
	if total.bytes > 0 {
		n := int(min(t.bytes.Load(), total.bytes) * progressWidth / total.bytes)
		sb.WriteByte('[')
		sb.WriteString(strings.Repeat("=", n))
		if n < progressWidth {
			sb.WriteByte('>')
			sb.WriteString(strings.Repeat(" ", progressWidth-n-1))
		}
		sb.WriteString("] ")
	}
	if total.inputs > 0 {
		fmt.Fprintf(&sb, "%d/%d inputs", done, total.inputs)
	} else {
		fmt.Fprintf(&sb, "%d inputs", done)
	}
	fmt.Fprintf(&sb, " · %d messages · %d invalid · %.1f s", t.messages.Load(), t.invalid.Load(), elapsed.Seconds())
	return sb.String()
}

// startProgress redraws the progress line on w (a terminal) every
// progressEvery once the run has lasted progressDelay. stop ends it and
// clears the line, so what follows (the summary) starts on a clean line.
func startProgress(w io.Writer, t *tally, total progressTotal, start time.Time) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		delay := time.NewTimer(progressDelay - time.Since(start))
		defer delay.Stop()
		select {
		case <-quit:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			fmt.Fprintf(w, "\r%s\x1b[K", progressLine(t, total, time.Since(start)))
			select {
			case <-quit:
				fmt.Fprint(w, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return sync.OnceFunc(func() { close(quit); wg.Wait() })
}
