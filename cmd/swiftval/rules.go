//go:build !lite

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/external"
	"github.com/swiftval/swiftval/rules/custom"
)

func newRulesCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Test or lint YAML rule sets (see docs/rules.md)",
		Long:  `Test or lint user rule sets (YAML with CEL checks; see docs/rules.md for the format).`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(s.err)
			_ = cmd.Help()
			return exitStatus(exitUsage)
		},
	}
	var verbose bool
	var ext externalOptions
	test := &cobra.Command{
		Use:   "test DIR|FILE...",
		Short: "Run the tests: of each rule set; exit 0 all pass, 1 a test failed, 2 a set is broken",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			files, err := ruleFiles(args)
			if err != nil {
				return err
			}
			return status(rulesTest(swiftval.New(engine.Options{Budget: ruleTestBudget}), ext.hub(stderrLogger(s.err)), files, verbose, s.out, s.err))
		},
	}
	flagsOf(test).Bool(&verbose, "verbose", "v", "print every test, not only failures")
	ext.add(flagsOf(test))
	lint := &cobra.Command{
		Use:   "lint DIR|FILE...",
		Short: "Check rule-set files without loading them; exit 0 clean, 1 problems, 2 I/O error",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			files, err := ruleFiles(args)
			if err != nil {
				return err
			}
			return status(rulesLint(swiftval.New(engine.Options{Budget: ruleTestBudget}), ext.hub(stderrLogger(s.err)), files, s.out, s.err))
		},
	}
	ext.add(flagsOf(lint))
	cmd.AddCommand(test, lint)
	return cmd
}

// printRuleErr prints a rule-set error, one located problem per line.
func printRuleErr(w io.Writer, err error) {
	var le *custom.LoadError
	if errors.As(err, &le) {
		fmt.Fprintf(w, "swiftval: %d problem(s) in rule sets; nothing validated:\n", len(le.Problems))
		for _, p := range le.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "swiftval: rule sets: %v\n", err)
}

// ruleFiles expands directories into their *.yaml and *.yml files.
func ruleFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		var fs []string
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && !strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
				fs = append(fs, filepath.Join(a, n))
			}
		}
		sort.Strings(fs)
		out = append(out, fs...)
	}
	return out, nil
}

func rulesTest(e *engine.Engine, hub *external.Hub, files []string, verbose bool, stdout, stderr io.Writer) int {
	status := exitOK
	pass, fail := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval rules test: %v\n", err)
			status = exitUsage
			continue
		}
		results, err := custom.TestSet(e, f, data, custom.ManagerOptions{External: hub})
		if err != nil {
			printRuleErr(stderr, err)
			status = exitUsage
			continue
		}
		for _, r := range results {
			if r.Passed {
				pass++
				if verbose {
					fmt.Fprintf(stdout, "PASS %s:%d %s/%s\n", r.File, r.Line, r.Set, r.Name)
				}
				continue
			}
			fail++
			fmt.Fprintf(stdout, "FAIL %s:%d %s/%s: %s\n", r.File, r.Line, r.Set, r.Name, r.Detail)
			// The detail names findings without their texts (it also goes
			// to admin answers and logs); the author at the terminal gets
			// them here.
			if r.Report != nil {
				for _, f := range r.Report.Findings {
					fmt.Fprintf(stdout, "    %s %s at %s: %s\n", f.Code, f.Rule, f.Location, f.Message)
				}
			}
			if status == exitOK {
				status = exitInvalid
			}
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", pass, fail)
	return status
}

func rulesLint(e *engine.Engine, hub *external.Hub, files []string, stdout, stderr io.Writer) int {
	status := exitOK
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval rules lint: %v\n", err)
			status = exitUsage
			continue
		}
		warnings, err := custom.Lint(e, f, data, custom.ManagerOptions{External: hub})
		var le *custom.LoadError
		if errors.As(err, &le) {
			for _, p := range le.Problems {
				fmt.Fprintf(stdout, "error: %s\n", p)
			}
			if status == exitOK {
				status = exitInvalid
			}
		} else if err != nil {
			fmt.Fprintf(stderr, "swiftval rules lint: %v\n", err)
			status = exitUsage
		}
		for _, w := range warnings {
			fmt.Fprintf(stdout, "warning: %s\n", w)
		}
		if err == nil && len(warnings) == 0 {
			fmt.Fprintf(stdout, "ok: %s\n", f)
		}
	}
	return status
}

// ruleTestBudget is the latency budget of each message a rule set's tests
// validate: a test checks the verdict, not the speed, so a loaded CI
// machine must not turn it into SV001 (budget exhausted). The server and
// validate keep their --budget.
const ruleTestBudget = 10 * time.Second
