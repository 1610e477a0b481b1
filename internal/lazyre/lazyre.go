// Package lazyre holds regular expressions that are compiled on first use
// rather than at package initialisation. Every swiftval command links every
// package, so a regexp.MustCompile in a package-level var is paid by every
// run, even one that never matches it; a bounded repetition such as
// {0,127} costs a fifth of a millisecond and over a thousand allocations.
//
// The expressions are fixed strings in the source, so whether they compile
// does not depend on input: CompileAll, called by a test of each package
// that declares some, proves at test time that none can fail at run time.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on its first use. It is safe for
// concurrent use; the zero value is not usable (use New).
type Regexp struct {
	expr string
	get  func() *regexp.Regexp
}

var (
	mu  sync.Mutex
	all []*Regexp
)

// New returns expr, to be compiled when first used. It is meant for
// package-level variables: a syntax error panics on first use (as
// regexp.MustCompile would at initialisation), and CompileAll reports it
// in tests.
func New(expr string) *Regexp {
	r := &Regexp{expr: expr, get: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	mu.Lock()
	all = append(all, r)
	mu.Unlock()
	return r
}

// Get returns the compiled expression, compiling it on the first call.
func (r *Regexp) Get() *regexp.Regexp { return r.get() }

// String returns the source text of the expression.
func (r *Regexp) String() string { return r.expr }

// MatchString reports whether s contains a match of the expression.
func (r *Regexp) MatchString(s string) bool { return r.get().MatchString(s) }

// FindString is regexp.Regexp.FindString.
func (r *Regexp) FindString(s string) string { return r.get().FindString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.get().FindStringSubmatch(s) }

// CompileAll compiles every expression made by New in this program and
// returns the first that does not compile, with its error, or nil. Tests
// call it so that a bad expression fails the build, not a user's run.
func CompileAll() error {
	mu.Lock()
	list := append([]*Regexp(nil), all...)
	mu.Unlock()
	for _, r := range list {
		if _, err := regexp.Compile(r.expr); err != nil {
			return err
		}
		r.get()
	}
	return nil
}
