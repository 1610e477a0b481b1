package custom

import (
	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
)

// ExternalCompiler builds the external checks a rule set declares under
// its top-level external_checks: list (package external implements it;
// see docs/external.md). Compiling a set that has the list without an
// ExternalCompiler in ManagerOptions is refused: a check that cannot be
// built never silently goes missing.
//
// An ExternalCompiler returns one rule per check, or every problem found
// (each naming its check in Problem.RuleID); it must be safe for
// concurrent use. The rules run like any other, except that a set's own
// tests do not run them (loading a set never calls another system).
type ExternalCompiler interface {
	CompileExternal(set ExternalSet, list *yaml.Node) ([]engine.Rule, []Problem)
}

// ExternalSet is what an ExternalCompiler is told of the rule set.
type ExternalSet struct {
	// File is the rule-set file as problems name it (its name within its
	// directory).
	File string
	// Dir is the directory the set was loaded from, against which relative
	// secret and certificate paths resolve; empty for a set loaded from
	// bytes alone (relative paths then have no base and are refused).
	Dir string
	// Label is the set's name@version, as stamped on findings.
	Label string
	// Data is the file's content (to locate problems inside expressions).
	Data []byte
	// AppliesTo expands an applies_to entry (a message type pattern or a
	// family such as payments) as user rules do; ok is false when it is
	// neither.
	AppliesTo func(entry string) (patterns []string, ok bool)
}
