package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/c2h5oh/datasize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The flag values below replace pflag's own so that a bad value names the
// form expected ("a duration such as 5ms") instead of the parser's error
// ("time: missing unit in duration"), for a flag and for its SWIFTVAL_
// variable alike. pflag prefixes the flag and the value given.

// The forms a bad value is told to take, one per kind of value (the
// harness's Go flags get them too: formValue in bench.go).
var (
	errWantDuration = errors.New("want a duration such as 5ms, 2s or 1m30s")
	errWantSize     = errors.New("want a size in bytes such as 1048576, 512KiB or 1MiB")
	errWantInt      = errors.New("want a whole number such as 100")
	errWantNumber   = errors.New("want a number such as 1000 or 0.95")
	errWantBool     = errors.New("want true or false")
)

// durationValue is a non-negative time.Duration.
type durationValue struct{ p *time.Duration }

func (v durationValue) String() string { return v.p.String() }
func (v durationValue) Type() string   { return "duration" }
func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errWantDuration
	}
	*v.p = d
	return nil
}

// sizeValue is a byte count, plain (1048576) or with a unit (512KiB, 1MiB,
// 2MB; KB and KiB alike are 1024).
type sizeValue struct{ p *int64 }

func (v sizeValue) String() string { return strconv.FormatInt(*v.p, 10) }
func (v sizeValue) Type() string   { return "size" }
func (v sizeValue) Set(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		*v.p = n
		return nil
	}
	var b datasize.ByteSize
	if s == "" {
		return errWantSize
	}
	if err := b.UnmarshalText([]byte(strings.ReplaceAll(s, "i", ""))); err != nil || b > 1<<62 {
		return errWantSize
	}
	*v.p = int64(b)
	return nil
}

// intValue is a whole number.
type intValue struct{ p *int }

func (v intValue) String() string { return strconv.Itoa(*v.p) }
func (v intValue) Type() string   { return "int" }
func (v intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errWantInt
	}
	*v.p = n
	return nil
}

// boolValue is true or false; a bare --flag means true.
type boolValue struct{ p *bool }

func (v boolValue) String() string { return strconv.FormatBool(*v.p) }
func (v boolValue) Type() string   { return "bool" }
func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errWantBool
	}
	*v.p = b
	return nil
}

// listValue is a list of words: the flag may be repeated, and each value
// may hold several, comma-separated.
type listValue struct{ p *[]string }

func (v listValue) String() string { return strings.Join(*v.p, ",") }
func (v listValue) Type() string   { return "patterns" }
func (v listValue) Set(s string) error {
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			*v.p = append(*v.p, w)
		}
	}
	return nil
}

// choiceValue is one of a fixed list of words.
type choiceValue struct {
	p       *string
	choices []string
}

func (v choiceValue) String() string { return *v.p }
func (v choiceValue) Type() string   { return "string" }
func (v choiceValue) Set(s string) error {
	for _, c := range v.choices {
		if s == c {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(v.choices, ", "))
}

// flagSet adds flags of the types above to a command, with shell completion
// for the choices and for directory arguments.
type flagSet struct {
	cmd *cobra.Command
	fs  *pflag.FlagSet
}

func flagsOf(cmd *cobra.Command) flagSet { return flagSet{cmd, cmd.Flags()} }

func (f flagSet) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	f.fs.Var(durationValue{p}, name, usage)
}

func (f flagSet) Size(p *int64, name string, def int64, usage string) {
	*p = def
	f.fs.Var(sizeValue{p}, name, usage)
}

func (f flagSet) Int(p *int, name string, def int, usage string) {
	*p = def
	f.fs.Var(intValue{p}, name, usage)
}

func (f flagSet) Bool(p *bool, name, short string, usage string) {
	*p = false
	f.fs.VarP(boolValue{p}, name, short, usage)
	f.fs.Lookup(name).NoOptDefVal = "true"
}

func (f flagSet) String(p *string, name, def, usage string) {
	f.fs.StringVar(p, name, def, usage)
}

// List is a repeatable, comma-separated list flag.
func (f flagSet) List(p *[]string, name, usage string) {
	f.fs.Var(listValue{p}, name, usage)
}

// Dir is a string flag naming a directory (completed as one).
func (f flagSet) Dir(p *string, name, usage string) {
	f.fs.StringVar(p, name, "", usage)
	_ = f.cmd.MarkFlagDirname(name)
}

// File is a string flag naming a file (completed as one).
func (f flagSet) File(p *string, name, usage string) {
	f.fs.StringVar(p, name, "", usage)
	_ = f.cmd.MarkFlagFilename(name)
}

// Choice is a string flag restricted to choices (the first is the
// default when def is empty and choices[0] is empty).
func (f flagSet) Choice(p *string, name, def string, choices []string, usage string) {
	*p = def
	f.fs.Var(choiceValue{p, choices}, name, usage)
	_ = f.cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, c := range choices {
			if c != "" {
				out = append(out, c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}
