package main

import (
	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/loadtest"
)

// newBenchCmd is the bench command. The harness (package loadtest) parses its
// own flags, so this command hands it the arguments untouched: its flags
// are not bound to SWIFTVAL_ variables, and "swiftval bench --help" prints
// the harness's list.
func newBenchCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:                "bench [flags]",
		Short:              "Open-loop load test of a server or the engine, with a P99 gate (exit 1 when missed)",
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			return status(loadtest.Main(args, s.out, s.err, func() *engine.Engine { return swiftval.New(engine.Options{}) }))
		},
	}
}
