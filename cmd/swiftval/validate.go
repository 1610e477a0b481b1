package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

func init() {
	register("validate", command{summary: "validate message files (or - for stdin); exit 0 valid, 1 invalid, 2 usage or I/O error", run: runValidate})
}

// validateConfig holds the flags of the validate command.
type validateConfig struct {
	output   string
	format   string
	profile  string
	rulesets string
	schemas  string
	budget   time.Duration
	maxBytes int
}

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg validateConfig
	fs.StringVar(&cfg.output, "output", "text", "report format: text or json (JSON Lines, one object per message)")
	fs.StringVar(&cfg.format, "format", "", "force the message format: mt or mx (default: detect)")
	fs.StringVar(&cfg.profile, "profile", "", "usage profile to apply, e.g. cbpr+ (default: as the message declares)")
	fs.StringVar(&cfg.schemas, "schemas", "", "directory of extra ISO 20022 XSD files to compile and use (they take precedence over shipped schemas of the same namespace)")
	fs.StringVar(&cfg.rulesets, "rulesets", "", "comma-separated rule sets to apply instead of all")
	fs.StringVar(&userRulesDir, "rules", "", "directory of YAML rule sets (CEL) to load first; a broken set prints its errors and exits 2 (see docs/rules.md)")
	fs.DurationVar(&cfg.budget, "budget", engine.DefaultBudget, "latency budget per message")
	fs.IntVar(&cfg.maxBytes, "max-bytes", engine.DefaultMaxInput, "size limit per message in bytes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: swiftval validate [flags] FILE... | -\n\nValidates each message and prints a report per message.\nExit status: 0 all valid, 1 at least one invalid, 2 usage or I/O error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if cfg.output != "text" && cfg.output != "json" {
		fmt.Fprintf(stderr, "swiftval validate: --output must be text or json, not %q\n", cfg.output)
		return exitUsage
	}
	if cfg.format != "" && cfg.format != "mt" && cfg.format != "mx" {
		fmt.Fprintf(stderr, "swiftval validate: --format must be mt or mx, not %q\n", cfg.format)
		return exitUsage
	}
	if cfg.maxBytes <= 0 {
		fmt.Fprintln(stderr, "swiftval validate: --max-bytes must be positive")
		return exitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		fs.Usage()
		return exitUsage
	}
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: cfg.budget, MaxInput: cfg.maxBytes}, swiftval.Config{SchemaDir: cfg.schemas})
	if err != nil {
		fmt.Fprintf(stderr, "swiftval validate: --schemas: %v\n", err)
		return exitUsage
	}
	if code := prepareEngine(eng, stderr); code != exitOK {
		return code
	}
	opts := engine.ValidateOptions{Format: cfg.format, Profile: cfg.profile}
	if cfg.rulesets != "" {
		opts.RuleSets = strings.Split(cfg.rulesets, ",")
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	status := exitOK
	var buf []byte
	for _, name := range files {
		raw, err := readInput(name, stdin, cfg.maxBytes)
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "swiftval validate: %v\n", err)
			status = exitUsage
			continue
		}
		for _, rep := range eng.ValidateAll(context.Background(), raw, opts) {
			if name != "-" {
				rep.Source = name
			} else {
				rep.Source = "stdin"
			}
			if !rep.Valid && status == exitOK {
				status = exitInvalid
			}
			if cfg.output == "json" {
				buf = rep.AppendJSON(buf[:0])
				buf = append(buf, '\n')
				out.Write(buf)
			} else {
				rep.WriteText(out)
			}
		}
	}
	return status
}

// prepareEngine lets other files of the command (user rule sets) adjust the
// engine before validation; it returns exitUsage after printing errors.
var prepareEngine = func(*engine.Engine, io.Writer) int { return exitOK }

// maxBatchFactor: a file may hold a batch of messages (RJE), so the whole
// file may be this many times the per-message limit.
const maxBatchFactor = 64

// readInput reads a file, or stdin for "-", refusing anything above the
// batch limit without reading it all.
func readInput(name string, stdin io.Reader, maxBytes int) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	limit := int64(maxBytes) * maxBatchFactor
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: input is larger than %d bytes (%d messages of --max-bytes %d); refused", name, limit, maxBatchFactor, maxBytes)
	}
	return b, nil
}
