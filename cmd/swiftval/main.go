// Command swiftval validates SWIFT MT and ISO 20022 MX payment messages, from
// the command line or as an HTTP service.
//
//	swiftval validate [flags] FILE... | -
//	swiftval serve [flags]
//
// Run "swiftval help" for every subcommand.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0 // success; for validate: every message valid
	exitInvalid = 1 // validate: at least one message invalid; bench: gate missed
	exitUsage   = 2 // usage or I/O error
)

// command is one subcommand. Each lives in its own file and registers itself
// in init.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(name string, c command) { commands[name] = c }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "swiftval: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "swiftval validates SWIFT MT (FIN) and ISO 20022 (MX) payment messages.")
	fmt.Fprintln(w, "\nUsage: swiftval <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'swiftval <command> --help' for the flags of a command.")
}
