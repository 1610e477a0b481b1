package custom

import (
	"strings"

	"github.com/swiftval/swiftval/internal/lazyre"
)

// overloadRe matches cel-go's type-check error for an operator applied to
// operands it has no overload for.
var overloadRe = lazyre.New(`^found no matching overload for '_(==|!=|<|<=|>|>=)_' applied to '\((\S+), (\S+)\)'$`)

// decimalHint rewrites cel-go's "found no matching overload" error for a
// comparison of a decimal amount with a number or string literal into
// what to write instead: amounts are exact decimals and compare with
// decimals (and with ints for <, <=, >, >=), never with a float.
// line and col (1-based line, 0-based column within the expression) are
// where the error points: the operator. Other errors are returned as they
// are.
func decimalHint(expr string, line, col int, msg string) string {
	m := overloadRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	op, left, right := m[1], m[2], m[3]
	dec := DecimalType.TypeName()
	other, decLeft := right, true
	switch dec {
	case left:
	case right:
		other, decLeft = left, false
	default:
		return msg
	}
	var what string
	switch other {
	case "double":
		what = "a floating-point number (amounts are exact decimals, never floats)"
	case "string":
		what = "a string"
	case "int":
		if op != "==" && op != "!=" {
			return msg
		}
		what = "an int (" + op + " compares a decimal with a decimal only)"
	default:
		return msg
	}
	lit := literalBeside(expr, line, col, decLeft)
	digits := strings.Trim(lit, `"'`)
	if _, err := parseDecimal(digits); err != nil || digits == "" {
		digits = "1000000.00" // not a number: show the form
	}
	subject := "a number"
	if lit != "" {
		subject = lit
	}
	return "a decimal amount cannot be compared with " + subject + ", " + what + `: write decimal("` + digits + `")` + " (" + msg + ")"
}

// literalRe matches a number or a quoted string literal at the start.
var literalRe = lazyre.New(`^(-?[0-9][0-9.eE+-]*|"[^"\\]*"|'[^'\\]*')`)

// literalBeside returns the literal operand next to the operator at line,
// col of expr: after it when the decimal is on the left, before it
// otherwise. "" when it is not a plain literal (an expression, a variable).
func literalBeside(expr string, line, col int, after bool) string {
	lines := strings.Split(expr, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	l := lines[line-1]
	if col < 0 || col > len(l) {
		return ""
	}
	if after {
		rest := strings.TrimLeft(l[col:], "=!<>")
		rest = strings.TrimLeft(rest, " \t")
		return literalRe.FindString(rest)
	}
	before := strings.TrimRight(l[:col], " \t")
	for i := 0; i < len(before); i++ {
		if lit := literalRe.FindString(before[i:]); lit != "" && i+len(lit) == len(before) {
			if i == 0 || strings.ContainsRune(" \t(", rune(before[i-1])) {
				return lit
			}
		}
	}
	return ""
}
