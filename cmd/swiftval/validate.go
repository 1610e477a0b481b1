package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
)

// validateOptions are the flags of the validate command.
type validateOptions struct {
	output   string
	format   string
	profile  string
	rulesets string
	schemas  string
	tables   tableOptions
	rulesDir string
	budget   time.Duration
	maxBytes int64
	// bicDirectory is the --bic-directory file (SWIFTVAL_BIC_DIRECTORY).
	bicDirectory string
}

func newValidateCmd(s streams) *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE... | -",
		Short: "Validate message files (or - for stdin); exit 0 valid, 1 invalid, 2 usage or I/O error",
		Long: `Validates each message and prints a report per message. A file may hold
several messages (an RJE batch). "-" reads standard input.

Exit status: 0 all valid, 1 at least one invalid, 2 usage or I/O error.`,
		Example: `  swiftval validate payment.fin
  swiftval validate pacs008.xml --output json
  cat batch.rje | swiftval validate --format mt -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{cmd, fmt.Errorf("name at least one file, or - for standard input")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), s, &o, args)
		},
	}
	f := flagsOf(cmd)
	f.Choice(&o.output, "output", "text", []string{"text", "json"}, "report format: text or json (JSON Lines, one object per message)")
	f.Choice(&o.format, "format", "", []string{"", "mt", "mx"}, "force the message format: mt or mx (default: detect)")
	f.String(&o.profile, "profile", "", "usage profile to apply, e.g. cbpr+ (default: as the message declares)")
	f.Dir(&o.schemas, "schemas", "directory of extra ISO 20022 XSD files to compile and use (they take precedence over shipped schemas of the same namespace)")
	o.tables.add(f)
	f.String(&o.rulesets, "rulesets", "", "comma-separated rule sets to apply instead of all")
	f.Dir(&o.rulesDir, "rules", "directory of YAML rule sets (CEL) to load first; a broken set prints its errors and exits 2 (see docs/rules.md)")
	f.Duration(&o.budget, "budget", engine.DefaultBudget, "latency budget per message")
	f.Size(&o.maxBytes, "max-bytes", engine.DefaultMaxInput, "size limit per message, e.g. 1048576 or 1MiB")
	f.File(&o.bicDirectory, bicDirectoryFlag, bicDirectoryUsage)
	return cmd
}

func runValidate(ctx context.Context, s streams, o *validateOptions, files []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.maxBytes <= 0 || o.maxBytes > 1<<30 {
		return usageErrorf("--max-bytes must be between 1 byte and 1GiB")
	}
	dir, err := openBICDirectory(o.bicDirectory, stderrLogger(s.err))
	if err != nil {
		return fmt.Errorf("--%s: %w", bicDirectoryFlag, err)
	}
	eng, err := swiftval.NewWithConfig(engine.Options{Budget: o.budget, MaxInput: int(o.maxBytes)}, o.tables.config(o.schemas, dir))
	if err != nil {
		return o.tables.startError(err)
	}
	if o.rulesDir != "" {
		if _, err := custom.NewManager(eng, custom.ManagerOptions{Dir: o.rulesDir, External: hubFor(stderrLogger(s.err))}); err != nil {
			printRuleErr(s.err, err)
			return exitStatus(exitUsage)
		}
	}
	opts := engine.ValidateOptions{Format: o.format, Profile: o.profile}
	if o.rulesets != "" {
		opts.RuleSets = strings.Split(o.rulesets, ",")
	}
	out := bufio.NewWriter(s.out)
	defer out.Flush()
	status := exitOK
	var buf []byte
	for _, name := range files {
		raw, err := readInput(name, s.in, int(o.maxBytes))
		if err != nil {
			out.Flush()
			fmt.Fprintf(s.err, "swiftval validate: %v\n", err)
			status = exitUsage
			continue
		}
		for _, rep := range eng.ValidateAll(ctx, raw, opts) {
			if name != "-" {
				rep.Source = name
			} else {
				rep.Source = "stdin"
			}
			if !rep.Valid && status == exitOK {
				status = exitInvalid
			}
			if o.output == "json" {
				buf = rep.AppendJSON(buf[:0])
				buf = append(buf, '\n')
				out.Write(buf)
			} else {
				rep.WriteText(out)
			}
		}
	}
	if status != exitOK {
		return exitStatus(status)
	}
	return nil
}

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
