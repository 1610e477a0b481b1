// Package common holds the checks shared by swiftval's MT and ISO 20022 rule
// packs: identifier structure (BIC, IBAN), reference tables (ISO 3166-1
// countries, ISO 4217 currencies with their minor units, IBAN lengths per
// country), calendar dates and times, the SWIFT X, Y and Z character sets,
// SWIFT's slash rule for references (T26), and exact amount checks.
//
// # Contract
//
// Every function is pure, safe for concurrent use, and allocation-free: the
// tables are built once at package initialisation into fixed arrays indexed
// by the code's letters, and no function formats, converts a string to bytes,
// compiles a regular expression or touches a map. Functions never panic on any
// input; a malformed input simply fails the check. Functions that return a
// problem kind (BICProblem, IBANProblem, AmountProblem) return the zero
// value (…OK) when the input passes, so callers map the kind to their own
// error code (MT: T27, T52, C03 ...; MX: the ISO 20022 or CBPR+ code).
//
// # Sources and dates
//
// The embedded tables name their source and the date of the data next to
// their definition (countries.go, currencies.go, iban.go). Update them with
// each SWIFT Standards Release; the tests pin a few entries of each so a
// careless edit shows.
//
// # Amounts
//
// Money is never a float here. CheckAmount works on the decimal text itself
// (MT "1234,56" or MX "1234.56") and counts the fraction digits against the
// currency's minor units; ParseAmount turns the text into a
// github.com/govalues/decimal Decimal without allocating, for comparisons
// (is it zero? is 33B equal to 32A?).
package common
