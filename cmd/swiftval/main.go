// Command swiftval validates SWIFT MT and ISO 20022 MX payment messages, from
// the command line or as an HTTP service.
//
//	swiftval validate [flags] FILE|DIR|GLOB|-...
//	swiftval serve [flags]
//	swiftval consume [flags]
//	swiftval publish [flags] FILE...
//	swiftval rules test|lint ...
//	swiftval bench [flags]
//	swiftval completion bash|zsh|fish|powershell
//
// Run "swiftval help" or "swiftval <command> --help" for the flags. The
// command tree is built by newRoot (root.go), one constructor per command
// in its own file; there is no registration through init and no package
// state. Built with -tags lite it holds validate only (lite.go).
package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0 // success; for validate: every message valid
	exitInvalid = 1 // validate: at least one message invalid; bench: gate missed; rules: a test failed
	exitUsage   = 2 // usage or I/O error
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := streams{in: stdin, out: stdout, err: stderr, lookupEnv: os.LookupEnv}
	if f, ok := stderr.(*os.File); ok {
		s.errTerminal = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := stdout.(*os.File); ok {
		s.outTerminal = term.IsTerminal(int(f.Fd()))
	}
	return execute(newRoot(s), args)
}
