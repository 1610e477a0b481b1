package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/output"
)

// validateOptions are the flags of the validate command.
type validateOptions struct {
	output   string
	format   string
	profile  string
	rulesets string
	schemas  string
	tables   tableOptions
	ext      externalOptions
	rulesDir string
	budget   time.Duration
	maxBytes int64
	include  []string
	exclude  []string
	quiet    bool
	jobs     int
	ndjson   bool
	// bicDirectory is the --bic-directory file (SWIFTVAL_BIC_DIRECTORY).
	bicDirectory string
}

func newValidateCmd(s streams) *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE|DIR|GLOB|-...",
		Short: "Validate messages in files, directories, globs or stdin; exit 0 valid, 1 invalid, 2 usage or I/O error",
		Long: `Validates each message and prints a report per message, in input order. A
file may hold several messages (an RJE batch). A directory is read
recursively (hidden entries skipped); a quoted glob ("msgs/*.xml") is
expanded; --include and --exclude filter the files found in directories and
globs (files named literally are always read). "-" reads standard input.
The messages are validated on every core; the reports keep the input order.

At the end a summary goes to stderr ("259 messages: 198 valid, 61 invalid,
0 unreadable — 0.41 s"), and a run longer than a second shows a progress
line there while stderr is a terminal and the reports go elsewhere (a file,
a pipe); --quiet turns both off.

Exit status: 0 all valid, 1 at least one invalid, 2 usage or I/O error
(an input that could not be read).`,
		Example: `  swiftval validate payment.fin
  swiftval validate pacs008.xml --output json
  swiftval validate messages/ --include '*.xml' --output junit > junit.xml
  swiftval validate 'corpus/2026-*/*.fin' --exclude 'draft-*'
  cat batch.rje | swiftval validate --format mt -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{cmd, fmt.Errorf("name at least one file, directory or glob, or - for standard input")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), s, &o, args)
		},
	}
	f := flagsOf(cmd)
	f.Choice(&o.output, "output", "text", output.Formats, "report format: text, json (JSON Lines, one object per message), junit (JUnit XML, a test case per message) or sarif (SARIF 2.1.0, a result per finding)")
	f.Choice(&o.format, "format", "", []string{"", "mt", "mx"}, "force the message format: mt or mx (default: detect)")
	f.String(&o.profile, "profile", "", "usage profile to apply, e.g. cbpr+ (default: as the message declares)")
	f.Dir(&o.schemas, "schemas", "directory of extra ISO 20022 XSD files to compile and use (they take precedence over shipped schemas of the same namespace)")
	o.tables.add(f)
	o.ext.add(f)
	f.String(&o.rulesets, "rulesets", "", "comma-separated rule sets to apply instead of all")
	f.Dir(&o.rulesDir, "rules", "directory of YAML rule sets (CEL) to load first; a broken set prints its errors and exits 2 (see docs/rules.md)")
	f.Duration(&o.budget, "budget", engine.DefaultBudget, "latency budget per message")
	f.Size(&o.maxBytes, "max-bytes", engine.DefaultMaxInput, "size limit per message, e.g. 1048576 or 1MiB (a file may hold 64 times that)")
	f.List(&o.include, "include", "in directories and globs, read only files matching one of these patterns (repeatable or comma-separated; '*.xml'; a pattern with '/' matches the path below the directory)")
	f.List(&o.exclude, "exclude", "in directories and globs, skip files and directories matching one of these patterns (repeatable or comma-separated)")
	f.Bool(&o.quiet, "quiet", "q", "no summary line and no progress line on stderr")
	f.Int(&o.jobs, "jobs", 0, "messages validated at once (0: one per CPU)")
	f.Bool(&o.ndjson, "ndjson", "", `each input is NDJSON: one {"id":...,"message":...} object per line, as POST /v1/validate/batch takes; reports carry the id and the line's index`)
	f.File(&o.bicDirectory, bicDirectoryFlag, bicDirectoryUsage)
	return cmd
}

func runValidate(ctx context.Context, s streams, o *validateOptions, args []string) error {
	start := time.Now()
	if ctx == nil {
		ctx = context.Background()
	}
	if o.maxBytes <= 0 || o.maxBytes > 1<<30 {
		return usageErrorf("--max-bytes must be between 1 byte and 1GiB")
	}
	if o.jobs < 0 {
		return usageErrorf("--jobs must not be negative")
	}
	filter := inputFilter{include: o.include, exclude: o.exclude}
	if err := filter.check(); err != nil {
		return usageErrorf("--include/--exclude: %v", err)
	}
	stdinUsed := false
	for _, a := range args {
		if a == "-" {
			if stdinUsed {
				return usageErrorf("- (standard input) may be named once")
			}
			stdinUsed = true
		}
	}
	dir, err := openBICDirectory(o.bicDirectory, stderrLogger(s.err))
	if err != nil {
		return fmt.Errorf("--%s: %w", bicDirectoryFlag, err)
	}
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: o.budget, MaxInput: int(o.maxBytes)}, o.tables.config(o.schemas, dir))
	if err != nil {
		return o.tables.startError(err)
	}
	if err := loadCustomRules(s, eng, o); err != nil {
		return err
	}
	// A batch allocates fast (reports, findings, read buffers) over a small
	// live heap, so with the default GOGC the collector runs every few
	// milliseconds and preempts the workers each time: a fifth of the CPU
	// profile of a 20 000-message run. The pipeline bounds what is live
	// (about 7 MB after a collection, 20 000 or 80 000 messages alike), so
	// a GOGC of 400 bounds the heap too, at a few MB more peak RSS (5 000
	// small files: 42 MB instead of 34; 20 000 MT103 in one file: 44.6
	// instead of 44.2), and saves 10-25 % of the CPU (BenchmarkValidateRJE).
	// An explicit GOGC in the environment wins. Set after the engine is built, so that
	// start-up (and a one-message run's peak RSS) is as before.
	if _, set := s.lookupEnv("GOGC"); !set {
		defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
	}
	opts := engine.ValidateOptions{Format: o.format, Profile: o.profile}
	if o.rulesets != "" {
		opts.RuleSets = strings.Split(o.rulesets, ",")
	}
	// Fail closed: an unknown profile or rule set is a usage error with
	// the known values, never a validation with less checking.
	if err := eng.CheckOptions(opts); err != nil {
		return usageErrorf("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	bw := bufio.NewWriterSize(s.out, 64<<10)
	out, err := output.New(bw, o.output, output.Options{})
	if err != nil {
		return usageErrorf("%v", err)
	}
	stderr := &lockedWriter{w: s.err}
	var t tally
	stopProgress := func() {}
	eol := "" // clears a progress line before an error line
	if showProgress(s, o.quiet) {
		eol = "\r\x1b[K"
		// Count the inputs and their bytes for the bar: a walk of the names
		// and a stat each, no reads.
		var total progressTotal
		_ = expandInputs(args, filter, func(_ string, size int64, _ error) error {
			total.inputs++
			total.bytes += max(size, 0)
			return nil
		})
		stopProgress = startProgress(stderr, &t, total, start)
		defer stopProgress()
	}
	read := func(path string) ([]byte, error) { return readInput(path, s.in, int(o.maxBytes)) }
	write := func(j *job) error {
		if j.err != nil {
			t.unreadable.Add(1)
			fmt.Fprintf(stderr, "%sswiftval validate: %v\n", eol, j.err)
			return out.WriteUnchecked(output.Unchecked{Source: j.source, Detail: j.err.Error()})
		}
		if j.first <= 1 { // a whole input, or the first chunk of one
			t.inputs.Add(1)
		}
		t.bytes.Add(j.size)
		for i, r := range j.reps {
			if r == nil { // an NDJSON line that is not a message
				t.unreadable.Add(1)
				u := j.bad[i]
				fmt.Fprintf(stderr, "%sswiftval validate: %s: line %d: %s\n", eol, u.Source, u.Index, u.Detail)
				if err := out.WriteUnchecked(u); err != nil {
					return err
				}
				continue
			}
			t.messages.Add(1)
			if r.Valid {
				t.valid.Add(1)
			} else {
				t.invalid.Add(1)
			}
			if err := out.Write(r); err != nil {
				return err
			}
		}
		return nil
	}
	v := &validator{eng: eng, opts: opts, read: read}
	var ndjson func(src, path string, emit func(*job) bool) (bool, error)
	if o.ndjson {
		ndjson = func(src, path string, emit func(*job) bool) (bool, error) {
			return emitNDJSON(src, path, s.in, int(o.maxBytes), emit)
		}
	}
	if err := runPipeline(ctx, v, o.jobs, produceJobs(eng, opts, args, filter, read, ndjson), write); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	stopProgress() // the progress line is gone before the summary
	if !o.quiet {
		fmt.Fprintln(stderr, t.summary(time.Since(start)))
	}
	switch {
	case t.unreadable.Load() > 0:
		return exitStatus(exitUsage)
	case t.invalid.Load() > 0:
		return exitStatus(exitInvalid)
	}
	return nil
}

// showProgress: a progress line needs stderr on a terminal and stdout
// elsewhere (reports scrolling on the same terminal would break it up),
// and no --quiet.
func showProgress(s streams, quiet bool) bool {
	return s.errTerminal && !s.outTerminal && !quiet
}

// lockedWriter serialises writes from the progress line and the error
// lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// sourceName names an input in the reports: its path, or "stdin" for "-".
func sourceName(arg string) string {
	if arg == "-" {
		return "stdin"
	}
	return arg
}

// batchGCPercent is the GOGC of a validate run (see runValidate).
const batchGCPercent = 400

// maxBatchFactor: a file may hold a batch of messages (RJE), so the whole
// file may be this many times the per-message limit.
const maxBatchFactor = 64

// errTooLarge: openInput found a regular file above the limit and read none
// of it (readInput then says which limit).
var errTooLarge = errors.New("input too large")

// readInput reads a file, or stdin for "-", refusing anything above the
// batch limit without reading it all. A file is read into a buffer of its
// size (no regrowth: a 10 MB RJE file costs 10 MB, not twice that).
func readInput(name string, stdin io.Reader, maxBytes int) ([]byte, error) {
	limit := int64(maxBytes) * maxBatchFactor
	tooLarge := func() error {
		return fmt.Errorf("%s: input is larger than %d bytes (%d messages of --max-bytes %d); refused", name, limit, maxBatchFactor, maxBytes)
	}
	var r io.Reader = stdin
	size := int64(0)
	if name != "-" {
		raw, f, err := openInput(name, limit)
		switch {
		case errors.Is(err, errTooLarge):
			return nil, tooLarge()
		case err != nil:
			return nil, err
		case f == nil: // a regular file, read whole
			if int64(len(raw)) > limit {
				return nil, tooLarge()
			}
			return raw, nil
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		r = f
	}
	if size > limit {
		return nil, tooLarge()
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead)) // room for the read that sees EOF: no regrowth
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(buf.Len()) > limit {
		return nil, tooLarge()
	}
	return buf.Bytes(), nil
}
