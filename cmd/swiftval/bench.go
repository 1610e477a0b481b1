//go:build !lite

package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/loadtest"
)

// newBenchCmd is the bench command. The harness (package loadtest)
// declares its flags on a Go flag set; pflag adopts them, so they parse,
// complete, show in help and man pages and read SWIFTVAL_ variables like
// every other command's flags.
func newBenchCmd(s streams) *cobra.Command {
	gofs := flag.NewFlagSet("bench", flag.ContinueOnError)
	lc := loadtest.NewCommand(gofs)
	usage, _, _ := strings.Cut(loadtest.Usage, "\n\n")
	cmd := &cobra.Command{
		Use:   "bench [flags]",
		Short: "Open-loop load test of a server or the engine, with a P99 gate (exit 1 when missed)",
		Long:  "Give exactly one of --url, --inproc, --spawn, --noop-server and --noop-spawn.\n\n" + strings.TrimSpace(strings.TrimPrefix(loadtest.Usage, usage)),
		Example: `  swiftval bench --spawn --mix mt103=1 --rate 10000 --duration 10s --p99 2ms
  swiftval bench --url http://127.0.0.1:8080 --ramp --p99 5ms --html report.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{cmd, fmt.Errorf("unexpected argument %q (bench takes flags only)", args[0])}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return status(lc.Run(args, s.out, s.err, func() *engine.Engine { return swiftval.New(engine.Options{}) }))
		},
	}
	cmd.Flags().AddGoFlagSet(gofs)
	cmd.Flags().VisitAll(func(f *pflag.Flag) { f.Value = formValue{f.Value} })
	return cmd
}

// formValue names the form a value must take when it does not parse, as
// the other commands' flag values do (flags.go), for the harness's Go
// flags, whose parsers say only "parse error".
type formValue struct{ pflag.Value }

func (v formValue) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		switch v.Type() {
		case "duration":
			return errWantDuration
		case "int":
			return errWantInt
		case "float64":
			return errWantNumber
		case "bool":
			return errWantBool
		}
		return err
	}
	return nil
}
