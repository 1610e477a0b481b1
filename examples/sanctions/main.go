// Command sanctions is a runnable example of a rule written in Go: it
// screens payments against a sanctions list read from a CSV file, using the
// same format-neutral payment view as CEL rules, on top of swiftval's
// built-in validation.
//
//	go run ./examples/sanctions -list examples/sanctions/sanctions.csv testdata/rulesets/samples/*.fin
//
// Exit status: 0 every message valid, 1 a message invalid (or a hit), 2 an
// error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sanctions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listFile := fs.String("list", "examples/sanctions/sanctions.csv", "sanctions list (CSV: name,country,bic,reason)")
	budget := fs.Duration("budget", engine.DefaultBudget, "latency budget per message")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f, err := os.Open(*listFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	list, err := Load(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	e := swiftval.New(engine.Options{Budget: *budget})
	if err := e.AddRuleSet(RuleSet(list)); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	status := 0
	for _, name := range fs.Args() {
		raw, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 2
			continue
		}
		rep := e.Validate(context.Background(), raw)
		rep.Source = name
		rep.WriteText(stdout)
		if !rep.Valid && status == 0 {
			status = 1
		}
	}
	return status
}
