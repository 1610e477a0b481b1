package common

// SWIFT FIN reads a two-digit year YY through a window: 00–60 are
// 2000–2060, 80–99 are 1980–1999, and 61–79 are outside the window.
// Source: FIN Error Codes, T50 text as quoted in a public code table
// [unconfirmed: found only in an unnamed public table, see
// ../shared/reference/mt-facts.md 2.1; that text applies the window to
// value-date components (<DATE2>), so ValidYYMMDD checks the calendar only
// and ValidYYMMDDWindow adds the window].
const (
	yyWindowHigh = 60 // last YY read as 20YY
	yyWindowLow  = 80 // first YY read as 19YY
)

// YearFromYY returns the four-digit year of a two-digit year yy (0–99) by
// SWIFT's window; inWindow is false for 61–79 (then year is 19yy).
func YearFromYY(yy int) (year int, inWindow bool) {
	switch {
	case yy < 0 || yy > 99:
		return 0, false
	case yy <= yyWindowHigh:
		return 2000 + yy, true
	case yy >= yyWindowLow:
		return 1900 + yy, true
	default:
		return 1900 + yy, false
	}
}

// ValidYYMMDD reports whether s is six digits forming a calendar date
// YYMMDD (SWIFT T50), the century taken from SWIFT's window so that 000229
// (2000) is valid. It does not apply the window itself: see
// ValidYYMMDDWindow.
func ValidYYMMDD(s string) bool {
	if len(s) != 6 || !allDigits(s) {
		return false
	}
	y, _ := YearFromYY(num2(s[0:2]))
	return validYMD(y, num2(s[2:4]), num2(s[4:6]))
}

// ValidYYMMDDWindow is ValidYYMMDD plus SWIFT's year window: YY 61–79 is
// rejected (T50 for value-date components).
func ValidYYMMDDWindow(s string) bool {
	if !ValidYYMMDD(s) {
		return false
	}
	_, ok := YearFromYY(num2(s[0:2]))
	return ok
}

// ValidYYYYMMDD reports whether s is eight digits forming a calendar date
// YYYYMMDD (years 0001–9999, proleptic Gregorian).
func ValidYYYYMMDD(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	y := num2(s[0:2])*100 + num2(s[2:4])
	return y > 0 && validYMD(y, num2(s[4:6]), num2(s[6:8]))
}

// ValidISODate reports whether s is an ISO 8601 calendar date YYYY-MM-DD
// (the XML Schema xs:date without a time zone), as used in ISO 20022.
func ValidISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[0:4]) || !allDigits(s[5:7]) || !allDigits(s[8:10]) {
		return false
	}
	y := num2(s[0:2])*100 + num2(s[2:4])
	return y > 0 && validYMD(y, num2(s[5:7]), num2(s[8:10]))
}

// ValidMMDD reports whether s is four digits forming a month and day that
// exist in some year (0229 is valid), as in the entry date of MT 940 field 61.
func ValidMMDD(s string) bool {
	if len(s) != 4 || !allDigits(s) {
		return false
	}
	return validYMD(2000, num2(s[0:2]), num2(s[2:4]))
}

// ValidHHMM reports whether s is a time HHMM with HH 00–23 and MM 00–59
// (SWIFT T38).
func ValidHHMM(s string) bool {
	return len(s) == 4 && allDigits(s) && num2(s[0:2]) <= 23 && num2(s[2:4]) <= 59
}

// IsLeap reports whether year is a Gregorian leap year.
func IsLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }

// DaysIn returns the number of days of month (1–12) in year; 0 for a bad
// month.
func DaysIn(year, month int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if IsLeap(year) {
			return 29
		}
		return 28
	}
	return 0
}

func validYMD(y, m, d int) bool { return d >= 1 && d <= DaysIn(y, m) }

func num2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// AllDigits reports whether s is non-empty and holds only the digits 0–9
// (SWIFT character type n).
func AllDigits(s string) bool { return s != "" && allDigits(s) }
