package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/custom"
)

// userRulesDir is the value of validate --rules: a directory of YAML rule
// sets to load before validating.
var userRulesDir string

func init() {
	register("rules", command{summary: "test or lint YAML rule sets: rules test DIR|FILE..., rules lint FILE...", run: runRules})
	prev := prepareEngine
	prepareEngine = func(e *engine.Engine, stderr io.Writer) int {
		if code := prev(e, stderr); code != exitOK {
			return code
		}
		// The flag's value is consumed, so a later command run in the same
		// process (tests, serve) does not load it again.
		dir := userRulesDir
		userRulesDir = ""
		if dir == "" {
			return exitOK
		}
		if _, err := custom.NewManager(e, custom.ManagerOptions{Dir: dir}); err != nil {
			printRuleErr(stderr, err)
			return exitUsage
		}
		return exitOK
	}
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

func runRules(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage:\n  swiftval rules test DIR|FILE...   run the tests: of each rule set; exit 0 all pass, 1 a test failed, 2 a set is broken\n  swiftval rules lint FILE...       check rule-set files without loading them; exit 0 clean, 1 problems, 2 I/O error\n\nSee docs/rules.md for the rule-set format.")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub := args[0]
	fs := flag.NewFlagSet("rules "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every test, not only failures")
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		usage(stderr)
		return exitUsage
	}
	files, err := ruleFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "swiftval rules %s: %v\n", sub, err)
		return exitUsage
	}
	e := swiftval.New(engine.Options{})
	switch sub {
	case "test":
		return rulesTest(e, files, *verbose, stdout, stderr)
	case "lint":
		return rulesLint(e, files, stdout, stderr)
	}
	fmt.Fprintf(stderr, "swiftval rules: unknown subcommand %q\n", sub)
	usage(stderr)
	return exitUsage
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

func rulesTest(e *engine.Engine, files []string, verbose bool, stdout, stderr io.Writer) int {
	status := exitOK
	pass, fail := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval rules test: %v\n", err)
			status = exitUsage
			continue
		}
		results, err := custom.TestSet(e, f, data, custom.ManagerOptions{})
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
			if status == exitOK {
				status = exitInvalid
			}
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", pass, fail)
	return status
}

func rulesLint(e *engine.Engine, files []string, stdout, stderr io.Writer) int {
	status := exitOK
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "swiftval rules lint: %v\n", err)
			status = exitUsage
			continue
		}
		warnings, err := custom.Lint(e, f, data, custom.ManagerOptions{})
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
