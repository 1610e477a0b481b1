// Package swiftval is what an embedder imports first: New returns an engine
// with swiftval's shipped formats and rule packs registered. It is the one
// place that knows every format and rule pack; the engine itself imports
// none of them.
package swiftval

import (
	"slices"

	"github.com/swiftval/swiftval/directory"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/formats/mx"
	"github.com/swiftval/swiftval/rules/cbpr"
	"github.com/swiftval/swiftval/rules/iso20022"
	mtrules "github.com/swiftval/swiftval/rules/mt"
)

// Config selects the optional parts of the shipped wiring.
type Config struct {
	// SchemaDir names a directory of ISO 20022 XSD files loaded at start
	// (the --schemas flag), for example CBPR+ usage-guideline schemas from
	// SWIFT MyStandards; they take precedence over shipped schemas of the
	// same namespace.
	SchemaDir string
	// BICDirectory, when set, adds the BIC and LEI directory checks
	// (directory.RuleSet) reading the directory in force in the store (the
	// --bic-directory flag).
	BICDirectory *directory.Store
	// CBPRBizSvcFile names an operator's CBPR+ business-service table laid
	// over the built-in one (the --cbpr-bizsvc flag, SWIFTVAL_CBPR_BIZSVC;
	// docs/cbpr-bizsvc.md).
	CBPRBizSvcFile string
	// CBPRRelease pins the CBPR+ standards release ("SR2025", "SR2026");
	// empty chooses it per message from the AppHdr creation date.
	CBPRRelease string
	// ExternalCodesFile names an operator's ISO 20022 external code sets
	// laid over the built-in ones (the --external-codes flag,
	// SWIFTVAL_EXTERNAL_CODES; docs/external-codes.md).
	ExternalCodesFile string
}

// New returns an engine with every shipped format and built-in rule set
// registered.
func New(opts engine.Options) *engine.Engine {
	e := engine.New(opts)
	Register(e)
	return e
}

// NewWithConfig is New with optional parts. It fails, naming the file and
// line, when a schema in cfg.SchemaDir does not compile or a table file is
// malformed, and on an unknown CBPR+ release: never an engine that checks
// less than asked.
func NewWithConfig(opts engine.Options, cfg Config) (*engine.Engine, error) {
	f := mx.Default()
	if cfg.SchemaDir != "" {
		var err error
		if f, err = mx.NewFormat(mx.Options{SchemaDir: cfg.SchemaDir}); err != nil {
			return nil, err
		}
	}
	iso, err := iso20022.New(iso20022.Options{CodeSetsFile: cfg.ExternalCodesFile})
	if err != nil {
		return nil, err
	}
	cb, err := cbpr.New(cbpr.Options{BizSvcFile: cfg.CBPRBizSvcFile, Release: cfg.CBPRRelease})
	if err != nil {
		return nil, err
	}
	sets := []*engine.RuleSet{iso, cb}
	if cfg.BICDirectory != nil {
		sets = append(sets, directory.RuleSet(cfg.BICDirectory))
	}
	e := engine.New(opts)
	register(e, f, sets...)
	return e, nil
}

// Register adds the shipped formats and built-in rule sets to e.
func Register(e *engine.Engine) { register(e, mx.Default(), iso20022.RuleSet(), cbpr.RuleSet()) }

// register adds the formats and the rule sets: swift-mt, then sets in
// order, each replacing a set of its name as AddRuleSet does, in one
// update of the engine (one check of the rule IDs, not one per set).
func register(e *engine.Engine, mxFormat *mx.Format, sets ...*engine.RuleSet) {
	// Formats, in detection order.
	e.RegisterFormat(mt.NewFormat())
	e.RegisterFormat(mxFormat)

	// Built-in rule sets.
	add := append([]*engine.RuleSet{mtrules.RuleSet()}, sets...)
	err := e.ReplaceRuleSets(func(cur []*engine.RuleSet) []*engine.RuleSet {
		out := make([]*engine.RuleSet, 0, len(cur)+len(add))
		for _, s := range cur {
			if !slices.ContainsFunc(add, func(a *engine.RuleSet) bool { return a.Name == s.Name }) {
				out = append(out, s)
			}
		}
		return append(out, add...)
	})
	if err != nil {
		panic("builtin: " + err.Error()) // a programming error in a shipped pack
	}
}
