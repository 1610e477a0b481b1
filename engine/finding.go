package engine

import (
	"strconv"
	"unicode/utf8"
)

// Severity says whether a finding makes a message invalid (Error) or is
// advisory only (Warning).
type Severity uint8

const (
	// Error findings make the message invalid.
	Error Severity = iota
	// Warning findings are reported but leave the message valid.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// ParseSeverity parses "error" or "warning". ok is false for anything else.
func ParseSeverity(s string) (sev Severity, ok bool) {
	switch s {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	}
	return Error, false
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Location says where in the input a finding points.
//
// MT findings use Block, Field (empty for block-level problems), Line and
// Column; MX findings use Path (an XPath such as
// /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt), Line and,
// for a problem at one character, Column. Line and Column are 1-based
// within the whole input (Column counts characters); 0 means unknown.
type Location struct {
	Block  int
	Field  string
	Path   string
	Line   int
	Column int
}

// IsMX reports whether the location is an MX (XPath) location.
func (l Location) IsMX() bool { return l.Path != "" }

// Finding is one problem found in a message.
type Finding struct {
	// Code is SWIFT's own error code (T, C, D, E, H, U families) where SWIFT
	// defines one, else one of ours documented in docs/codes.md.
	Code string
	// Severity is Error or Warning; only errors make a message invalid.
	Severity Severity
	// Rule is the stable ID of the rule that produced the finding.
	Rule string
	// Message is plain English. It never echoes more than MaxEcho characters
	// of the offending value (payment data is sensitive): use Echo.
	Message string
	// Location points at the offending place.
	Location Location
	// RuleSet names the rule set and version behind the finding
	// ("swift-mt@2025", "corridor-limits@1.2"); set by the engine.
	RuleSet string
}

// MaxEcho is the largest number of characters of an offending value that a
// finding message may quote.
const MaxEcho = 64

// Echo returns v quoted for use in a finding message, cut to MaxEcho
// characters (runes) with an ellipsis, and with invalid UTF-8 and control
// characters escaped, so a message never carries more payment data than that.
func Echo(v string) string {
	cut := echoCut(v)
	q := strconv.Quote(v[:cut])
	if cut < len(v) {
		q += "…"
	}
	return q
}

// AppendEcho appends Echo(v) to b, for a finding message built in one
// buffer (one allocation for the whole message instead of one per part).
func AppendEcho(b []byte, v string) []byte {
	cut := echoCut(v)
	b = strconv.AppendQuote(b, v[:cut])
	if cut < len(v) {
		b = append(b, "…"...)
	}
	return b
}

// echoCut is the length in bytes of v's first MaxEcho characters.
func echoCut(v string) int {
	n := 0
	for i := range v {
		if n == MaxEcho {
			return i
		}
		n++
	}
	return len(v)
}

// EchoBytes is Echo for a byte slice.
func EchoBytes(b []byte) string {
	if len(b) > MaxEcho*utf8.UTFMax {
		b = b[:MaxEcho*utf8.UTFMax+1]
	}
	return Echo(string(b))
}
