package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// streams are what a command reads and writes besides files: passed down
// explicitly so that tests run commands in-process.
type streams struct {
	in        io.Reader
	out, err  io.Writer
	lookupEnv func(string) (string, bool)
	// errTerminal: err is a terminal (progress lines are drawn on it);
	// outTerminal: so is out (reports scroll there: no progress line).
	errTerminal, outTerminal bool
}

// envPrefix: every flag of every command can also be set by SWIFTVAL_<FLAG>, with dashes as underscores
// (--max-body → SWIFTVAL_MAX_BODY); a flag on the command line wins.
const envPrefix = "SWIFTVAL_"

// envName is the environment variable of a flag: SWIFTVAL_MAX_BODY.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envBound marks the commands whose flags bindEnv fills.
const envBound = "swiftval/env"

// newRoot builds the whole command tree.
func newRoot(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "swiftval",
		Short: "Validate SWIFT MT (FIN) and ISO 20022 (MX) payment messages",
		Long: `swiftval validates SWIFT MT (FIN) and ISO 20022 (MX) payment messages,
from the command line or as an HTTP service.

Every flag of validate, serve, consume, publish, rules and bench can also be set from the environment
as SWIFTVAL_<FLAG> (dashes as underscores: --max-body is SWIFTVAL_MAX_BODY);
a flag on the command line wins.

Exit status: 0 success (validate: every message valid), 1 invalid message,
failed rule test or missed bench gate, 2 usage or I/O error.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// A bare "swiftval" is a usage error: help on stderr, exit 2.
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(s.err)
			_ = cmd.Help()
			return exitStatus(exitUsage)
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if n := cmd.Name(); n == cobra.ShellCompRequestCmd || n == cobra.ShellCompNoDescRequestCmd {
				noteEnvTree(cmd.Root()) // completions show the flags' help
			}
			if cmd.Annotations[envBound] == "" {
				return nil
			}
			return bindEnv(cmd.Flags(), s.lookupEnv)
		},
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{cmd, err} })
	help, usage := root.HelpFunc(), root.UsageFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		noteEnv(cmd)
		help(cmd, args)
	})
	root.SetUsageFunc(func(cmd *cobra.Command) error {
		noteEnv(cmd)
		return usage(cmd)
	})
	root.AddCommand(newValidateCmd(s))
	root.AddCommand(fullCommands(s)...)
	if c := manCommand(root); c != nil {
		root.AddCommand(c)
	}
	for _, c := range root.Commands() {
		markEnv(c)
	}
	return root
}

// markEnv marks cmd and its subcommands for bindEnv. The flags' help names
// their variables only when it is shown (noteEnv): a run that shows no help
// does not rewrite every flag's help of every command.
func markEnv(cmd *cobra.Command) {
	if cmd.DisableFlagParsing {
		return
	}
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[envBound] = envUnnoted
	for _, c := range cmd.Commands() {
		markEnv(c)
	}
}

// envUnnoted and envNoted are the values of a command's envBound
// annotation before and after noteEnv named the variables in its flags'
// help.
const (
	envUnnoted = "yes"
	envNoted   = "noted"
)

// noteEnv names the SWIFTVAL_ variable in the help of each flag of cmd,
// once, when cmd is bound to the environment.
func noteEnv(cmd *cobra.Command) {
	if cmd.Annotations[envBound] != envUnnoted {
		return
	}
	cmd.Annotations[envBound] = envNoted
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" { // cobra's own, added at run time; bindEnv skips it
			f.Usage += " (env " + envName(f.Name) + ")"
		}
	})
}

// noteEnvTree is noteEnv on cmd and every command under it (for shell
// completion and man pages, which show the help of other commands).
func noteEnvTree(cmd *cobra.Command) {
	noteEnv(cmd)
	for _, c := range cmd.Commands() {
		noteEnvTree(c)
	}
}

// bindEnv sets every flag not given on the command line from its
// SWIFTVAL_ variable, when that is set. A bad value is a usage error that
// names the variable (not its value: it may be a secret).
func bindEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "help" {
			return
		}
		v, ok := lookup(envName(f.Name))
		if !ok {
			return
		}
		if serr := f.Value.Set(v); serr != nil {
			err = usageErrorf("%s: %v", envName(f.Name), serr)
		}
	})
	return err
}

// exitStatus ends a command with that exit status, having said what there
// was to say.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// status turns an exit status into the error RunE returns.
func status(code int) error {
	if code == exitOK {
		return nil
	}
	return exitStatus(code)
}

// usageError is a mistake in the command line: printed with a pointer to
// the command's help, exit status 2.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf is a usageError of the running command (named when printed).
func usageErrorf(format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...)}
}

// execute runs the command line and maps the outcome to an exit status:
// exitStatus as given, anything else printed as "swiftval <command>: ..."
// with exit status 2.
func execute(root *cobra.Command, args []string) int {
	if args == nil {
		args = []string{} // cobra reads os.Args for nil
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	w := root.ErrOrStderr()
	fmt.Fprintf(w, "%s: %v\n", cmd.CommandPath(), err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitUsage
}

// isCobraUsage recognises the argument errors cobra makes itself (unknown
// command, wrong number of arguments), which carry no type.
func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.Contains(m, "arg(s)") || strings.HasPrefix(m, "unknown flag") || strings.HasPrefix(m, "unknown shorthand")
}
