// Package builtin wires swiftval's shipped formats and rule packs into an
// engine. It is the one place that knows every format and rule pack; the
// engine itself imports none of them.
package builtin

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/rules/cbpr"
	"github.com/swiftval/swiftval/rules/iso20022"
	mtrules "github.com/swiftval/swiftval/rules/mt"
)

// New returns an engine with every shipped format and built-in rule set
// registered.
func New(opts engine.Options) *engine.Engine {
	e := engine.New(opts)
	Register(e)
	return e
}

// Register adds the shipped formats and built-in rule sets to e.
func Register(e *engine.Engine) {
	// Formats, in detection order.
	// (each format package adds one line here: e.RegisterFormat(pkg.NewFormat()))
	e.RegisterFormat(mt.NewFormat())
	e.RegisterFormat(mx.Default())

	// Built-in rule sets.
	// (each rule pack adds one line here: mustAdd(e, pkg.RuleSet()))
	mustAdd(e, mtrules.RuleSet())
	mustAdd(e, iso20022.RuleSet())
	mustAdd(e, cbpr.RuleSet())
}

func mustAdd(e *engine.Engine, rs *engine.RuleSet) {
	if err := e.AddRuleSet(rs); err != nil {
		panic("builtin: " + err.Error()) // a programming error in a shipped pack
	}
}

var _ = mustAdd
