//go:build lite

// The lite build (go build -tags lite; make build-lite) is swiftval for
// scripts and CI jobs: validate, with every shipped format, rule pack,
// profile, table and the BIC directory. It leaves out what needs Echo,
// Prometheus, OpenTelemetry, NATS, CEL or net/http: serve, consume,
// publish, rules, bench, and validate --rules. Go runs the package
// initialisers of everything linked into a binary at every start, used or
// not; without those libraries a one-message run starts in about a third
// of the time and a third of the memory (benchmarks/README.md, "Lite build
// and grouped small files").

package main

import (
	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval/engine"
)

// liteCommands are the names fullCommands has in the full build.
var liteCommands = []string{"serve", "consume", "publish", "rules", "bench"}

// fullCommands are stand-ins in the lite build: each names itself in the
// help, and running one is a usage error that says which build has it.
func fullCommands(streams) []*cobra.Command {
	cmds := make([]*cobra.Command, 0, len(liteCommands))
	for _, name := range liteCommands {
		cmds = append(cmds, &cobra.Command{
			Use:                name,
			Short:              "Not in this lite build (validate only): use the full swiftval binary (make build)",
			DisableFlagParsing: true,
			RunE: func(*cobra.Command, []string) error {
				return usageErrorf("%s is not in this lite build of swiftval, which validates only; the full binary (make build) has it", name)
			},
		})
	}
	return cmds
}

// loadCustomRules refuses --rules in the lite build, which has no CEL:
// validating without the rule sets asked for would check less than asked.
func loadCustomRules(_ streams, _ *engine.Engine, o *validateOptions) error {
	if o.rulesDir == "" {
		return nil
	}
	return usageErrorf("--rules: this lite build of swiftval runs no custom rule sets (no CEL); the full binary (make build) does")
}
