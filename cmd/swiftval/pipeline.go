package main

import (
	"context"
	"runtime"
	"sync"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/output"
)

// The validate command spreads its work over every core and still writes
// the reports in input order, streaming:
//
//	expand + read + split ──► work ──► workers (GOMAXPROCS) ──┐
//	        (one goroutine)  │                                 │ done
//	                         └──► order (bounded) ──► writer ◄─┘ (this goroutine)
//
// A job is one input, a group of consecutive small files (groupFiles), or
// a chunk of up to chunkMessages messages of a multi-message input (an RJE
// file). A file of at most smallInput bytes is read by the worker that
// validates it (the reads of a thousand small files then run on every
// core too); a larger one, and standard input, is
// read and split by the producer so that its messages spread over the
// workers. The order queue holds at most
// queueJobs jobs, so memory is bounded by that many chunks of reports and
// the inputs they come from (each at most 64 × --max-bytes), whatever the
// number of files or messages.

// chunkMessages: about 100-250 µs of validation per job, so a job's two
// channel operations (~0.2 µs) are lost in it, and 20 000 messages still
// make ~150 jobs to spread.
const chunkMessages = 128

// smallInput: up to 256 KiB a file is one job (a few hundred MT messages at
// most, ~1 ms of work); above it the producer splits it into chunks.
const smallInput = 256 << 10

// groupFiles and groupBytes: consecutive small files are handed to the
// workers in groups of up to groupFiles files and groupBytes bytes, so that
// the channel operations, wake-ups and bookkeeping of a job are paid once
// per group and not once per file (a 3 KB pacs.008 validates in ~20-30 µs,
// not much more than a job's share of scheduling). The bytes bound keeps
// the memory bound above: a group holds no more than one small file would.
const (
	groupFiles = 16
	groupBytes = smallInput
)

// job is a unit of work: read by the producer, validated by a worker,
// written by the writer.
type job struct {
	source string // the name in reports
	path   string // read by the worker when raw is nil and err is nil
	raw    []byte
	err    error            // the input could not be read: nothing to validate
	segs   []engine.Segment // messages of raw; nil: raw is validated whole
	first  int              // Index of segs[0] (1-based)
	format string           // forced on the segments (as engine.Split says)
	size   int64            // bytes of the input this job covers (for the progress bar)
	// lines and lineErrs are the lines of an NDJSON input (ndjson.go);
	// bad[i] says why reps[i] is nil for such a job.
	lines    [][]byte
	lineErrs []string
	bad      []output.Unchecked
	reps     []*engine.Report
	// group, when set, are small-file jobs validated one after the other
	// by one worker and written in order; the group job has nothing else.
	group []*job
	done  chan struct{}
}

// validator validates jobs with an engine.
type validator struct {
	eng  *engine.Engine
	opts engine.ValidateOptions
	read func(path string) ([]byte, error)
}

func (v *validator) run(ctx context.Context, j *job) {
	defer close(j.done)
	if j.group != nil {
		for _, g := range j.group {
			v.runOne(ctx, g)
		}
		return
	}
	v.runOne(ctx, j)
}

// runOne validates one job (not a group).
func (v *validator) runOne(ctx context.Context, j *job) {
	if j.err != nil {
		return
	}
	if j.lines != nil {
		runNDJSON(j, func(msg []byte) *engine.Report { return v.eng.ValidateWith(ctx, msg, v.opts) })
		return
	}
	if j.raw == nil && j.path != "" {
		raw, err := v.read(j.path)
		if err != nil {
			j.err = err
			return
		}
		j.raw, j.size = raw, int64(len(raw))
		j.segs, j.format = v.eng.Split(raw, v.opts)
		j.first = 1
	}
	if j.segs == nil {
		r := v.eng.ValidateWith(ctx, j.raw, v.opts)
		r.Index, r.Source = 1, j.source
		j.reps = []*engine.Report{r}
		return
	}
	o := v.opts
	o.Format = j.format
	j.reps = make([]*engine.Report, len(j.segs))
	for i, s := range j.segs {
		r := v.eng.ValidateSegment(ctx, s, o)
		r.Index, r.Source = j.first+i, j.source
		j.reps[i] = r
	}
}

// runPipeline validates what produce emits with workers goroutines and
// calls write with each job in the order emitted. produce gets an emit
// function that returns false once the run is cancelled (write failed).
// It returns write's first error.
func runPipeline(ctx context.Context, v *validator, workers int, produce func(emit func(*job) bool), write func(*job) error) error {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *job, workers)
	order := make(chan *job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				v.run(ctx, j)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(work)
		produce(func(j *job) bool {
			j.done = make(chan struct{})
			select {
			case order <- j:
			case <-ctx.Done():
				return false
			}
			select {
			case work <- j:
				return true
			case <-ctx.Done():
				close(j.done) // never validated; the writer has stopped
				return false
			}
		})
	}()
	var err error
	for j := range order {
		<-j.done
		if err != nil {
			continue
		}
		if j.group == nil {
			err = write(j)
		} else {
			for _, g := range j.group {
				if err = write(g); err != nil {
					break
				}
			}
		}
		if err != nil {
			cancel()
		}
	}
	wg.Wait()
	return err
}

// produceJobs expands the arguments and cuts the inputs into jobs: a small
// file as it is (the worker reads it), a larger one or standard input read
// and split here. An input that cannot be read is a job with err set.
func produceJobs(eng *engine.Engine, opts engine.ValidateOptions, args []string, filter inputFilter, read func(string) ([]byte, error), ndjson func(src, path string, emit func(*job) bool) (bool, error)) func(emit func(*job) bool) {
	return func(emitOne func(*job) bool) {
		// Small files wait in pending until a group is full or another
		// kind of job comes: emit sends the group first, keeping the order.
		var pending []*job
		pendingBytes := int64(0)
		flush := func() bool {
			g := pending
			pending, pendingBytes = nil, 0
			switch len(g) {
			case 0:
				return true
			case 1:
				return emitOne(g[0])
			}
			return emitOne(&job{group: g})
		}
		emit := func(j *job) bool { return flush() && emitOne(j) }
		emitSmall := func(j *job, size int64) bool {
			if pendingBytes+size > groupBytes && !flush() {
				return false
			}
			pending = append(pending, j)
			pendingBytes += size
			return len(pending) < groupFiles || flush()
		}
		defer flush()
		stop := errStop{}
		_ = expandInputs(args, filter, func(path string, size int64, err error) error {
			src := sourceName(path)
			if err != nil {
				if !emit(&job{source: src, err: err}) {
					return stop
				}
				return nil
			}
			if ndjson != nil {
				stopped, err := ndjson(src, path, emit)
				if stopped || err != nil && !emit(&job{source: src, err: err}) {
					return stop
				}
				return nil
			}
			if path != "-" && size <= smallInput {
				if !emitSmall(&job{source: src, path: path}, size) {
					return stop
				}
				return nil
			}
			raw, err := read(path)
			if err != nil {
				if !emit(&job{source: src, err: err}) {
					return stop
				}
				return nil
			}
			segs, format := eng.Split(raw, opts)
			if segs == nil {
				// An input that does not split is validated whole, as
				// engine.ValidateAll does.
				if !emit(&job{source: src, raw: raw, size: int64(len(raw))}) {
					return stop
				}
				return nil
			}
			// offset is where a segment starts in raw (segments are
			// subslices of it); a chunk covers the bytes up to the next.
			offset := func(s engine.Segment) int { return cap(raw) - cap(s.Data) }
			from := 0
			for i := 0; i < len(segs); i += chunkMessages {
				end := min(i+chunkMessages, len(segs))
				to := len(raw)
				if end < len(segs) {
					to = offset(segs[end])
				}
				if !emit(&job{source: src, raw: raw, segs: segs[i:end:end], first: i + 1, format: format, size: int64(to - from)}) {
					return stop
				}
				from = to
			}
			return nil
		})
	}
}

// errStop ends the expansion once the run is cancelled.
type errStop struct{}

func (errStop) Error() string { return "stopped" }
