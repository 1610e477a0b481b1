//go:build !lite

// The full build: every command, custom rule sets and external checks
// (lite.go is the other side of the lite build tag).

package main

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/rules/custom"
)

// fullCommands are the commands that need the libraries the lite build
// leaves out (Echo, Prometheus, OpenTelemetry, NATS, CEL).
func fullCommands(s streams) []*cobra.Command {
	return []*cobra.Command{newServeCmd(s), newConsumeCmd(s), newPublishCmd(s), newRulesCmd(s), newBenchCmd(s)}
}

// loadCustomRules loads the --rules directory of validate into eng, with
// external checks allowed as --external-endpoints says; a broken set is
// printed and ends the run with exit status 2.
func loadCustomRules(s streams, eng *engine.Engine, o *validateOptions) error {
	if o.rulesDir == "" {
		return nil
	}
	if _, err := custom.NewManager(eng, custom.ManagerOptions{Dir: o.rulesDir, External: o.ext.hub(stderrLogger(s.err))}); err != nil {
		printRuleErr(s.err, err)
		return exitStatus(exitUsage)
	}
	return nil
}

// hub returns a new Hub of external checks with these options; breaker
// transitions are logged to log. Building one registers nothing and
// starts nothing (no goroutine, no connection) until a check is loaded.
func (x *externalOptions) hub(log *slog.Logger) *external.Hub {
	if log == nil {
		log = slog.Default()
	}
	return external.NewHub(external.HubOptions{Endpoints: x.endpoints, SecretDir: x.secretDir, Logger: log})
}
