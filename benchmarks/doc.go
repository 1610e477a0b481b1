// Package benchmarks holds swiftval's cross-package Go benchmarks: parse,
// validate and both for every registered format and sample message through
// the public engine (builtin.New), every built-in rule pack, and swiftval
// against github.com/moov-io/iso20022 and plain encoding/xml on the same MX
// messages. It has no code of its own; see README.md for the method, the
// commands and the current figures.
package benchmarks
