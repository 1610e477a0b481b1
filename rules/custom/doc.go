// Package custom loads user rule sets: YAML files of CEL rules that check a
// format-neutral view of each payment, plus changes to built-in rules
// (disable, severity_overrides). See docs/rules.md for the file format, the
// view and every function.
//
// A Manager compiles each set once (parse, type-check, static cost check,
// run the set's own tests) and installs it in an engine.Engine atomically;
// a set with any problem is refused with a *LoadError locating each problem
// (file, line, column, rule ID) and the sets in force stay as they were.
//
// Rules see the format-neutral payment view (package payment), built once
// per message, lazily, by the adapter of the message's format or by a body
// that implements payment.Viewer; Go rules get the same View from
// payment.Of.
//
// Every expression must pass a static cost limit at load. Expressions whose
// cost can grow at run time (comprehensions, or a static estimate above
// 1 000 units) also run under a runtime cost limit; cheaper loop-free ones
// are bounded by their estimate (ManagerOptions.TrackAllCosts tracks all).
// User rules are engine.Costly, so the engine checks the latency budget
// before each. A rule that fails at run time reports engine.CodeRuleFailed
// (SV004) as an error no severity override can downgrade, so the message is
// not reported valid, and validation goes on.
//
// A Manager, the compiled rules and the views are safe for concurrent use.
package custom
