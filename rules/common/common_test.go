package common

import (
	"testing"
)

func TestCountryTable(t *testing.T) {
	if n := len(iso3166) / 2; n != 249 {
		t.Fatalf("ISO 3166-1 table has %d codes, want 249", n)
	}
	seen := map[string]bool{}
	for i := 0; i < len(iso3166); i += 2 {
		cc := iso3166[i : i+2]
		if seen[cc] {
			t.Errorf("duplicate country %s", cc)
		}
		if i > 0 && iso3166[i-2:i] >= cc {
			t.Errorf("country table not sorted at %s", cc)
		}
		seen[cc] = true
	}
	for _, tc := range []struct {
		cc         string
		iso, inUse bool
	}{
		{"DE", true, true}, {"GB", true, true}, {"SS", true, true}, {"AX", true, true},
		{"XK", false, true}, {"UK", false, false}, {"EU", false, false}, {"ZZ", false, false},
		{"de", false, false}, {"D", false, false}, {"DEU", false, false}, {"", false, false}, {"1A", false, false},
	} {
		if got := IsCountry(tc.cc); got != tc.iso {
			t.Errorf("IsCountry(%q) = %v, want %v", tc.cc, got, tc.iso)
		}
		if got := IsCountryInUse(tc.cc); got != tc.inUse {
			t.Errorf("IsCountryInUse(%q) = %v, want %v", tc.cc, got, tc.inUse)
		}
	}
}

func TestCheckBIC(t *testing.T) {
	for _, tc := range []struct {
		bic  string
		want BICProblem
	}{
		{"DEUTDEFF", BICOK},
		{"DEUTDEFF500", BICOK},
		{"BNPAFRPPXXX", BICOK},
		{"NBKOXKPR", BICOK}, // Kosovo: XK
		{"ABCDGB2L", BICOK},
		{"ABCDGB20", BICOK}, // test & training BIC is still well formed
		{"", BICLength},
		{"DEUTDEF", BICLength},
		{"DEUTDEFF5", BICLength},
		{"DEUTDEFF5000", BICLength},
		{"DEU1DEFF", BICInstitution},
		{"deutDEFF", BICInstitution},
		{"DEUTD1FF", BICCountryFormat},
		{"DEUTZZFF", BICCountryUnknown},
		{"DEUTUKFF", BICCountryUnknown},
		{"DEUTDEF-", BICLocation},
		{"DEUTDEfF", BICLocation},
		{"DEUTDEFF50a", BICBranch},
		{"DEUTDEFFX12", BICBranch},
		{"DEUTDEFFXXA", BICBranch},
	} {
		if got := CheckBIC(tc.bic); got != tc.want {
			t.Errorf("CheckBIC(%q) = %v, want %v", tc.bic, got, tc.want)
		}
		if IsBIC(tc.bic) != (tc.want == BICOK) {
			t.Errorf("IsBIC(%q) disagrees with CheckBIC", tc.bic)
		}
	}
	if !IsTestBIC("ABCDGB20") || IsTestBIC("DEUTDEFF") || IsTestBIC("AB") {
		t.Error("IsTestBIC")
	}
	if BICCountry("DEUTDEFF") != "DE" || BICCountry("DEU") != "" {
		t.Error("BICCountry")
	}
	for p := BICOK; p <= BICBranch+1; p++ {
		if p.String() == "" {
			t.Errorf("BICProblem(%d) has no text", p)
		}
	}
}

func TestCheckIBAN(t *testing.T) {
	for _, tc := range []struct {
		iban string
		want IBANProblem
	}{
		{"GB29NWBK60161331926819", IBANOK},
		{"DE89370400440532013000", IBANOK},
		{"NL91ABNA0417164300", IBANOK},
		{"FR1420041010050500013M02606", IBANOK},
		{"BE68539007547034", IBANOK},
		{"CH9300762011623852957", IBANOK},
		{"NO9386011117947", IBANOK},
		{"MT84MALT011000012345MTLCAST001S", IBANOK},
		{"AT611904300234573201", IBANOK},
		{"", IBANSyntax},
		{"GB29", IBANSyntax},
		{"GB29 NWBK 6016 1331 9268 19", IBANSyntax},
		{"gb29NWBK60161331926819", IBANSyntax},
		{"GBX9NWBK60161331926819", IBANSyntax},
		{"GB29NWBK6016133192681!", IBANSyntax},
		{"US29NWBK60161331926819", IBANCountry},
		{"ZZ29NWBK60161331926819", IBANCountry},
		{"GB29NWBK6016133192681", IBANLengthMismatch},
		{"GB29NWBK601613319268190", IBANLengthMismatch},
		{"GB28NWBK60161331926819", IBANChecksum},
		{"DE89370400440532013001", IBANChecksum},
	} {
		if got := CheckIBAN(tc.iban); got != tc.want {
			t.Errorf("CheckIBAN(%q) = %v, want %v", tc.iban, got, tc.want)
		}
		if IsIBAN(tc.iban) != (tc.want == IBANOK) {
			t.Errorf("IsIBAN(%q) disagrees", tc.iban)
		}
	}
	for cc, n := range map[string]int{"DE": 22, "NO": 15, "LC": 32, "RU": 33, "XK": 20, "US": 0, "x": 0} {
		if got := IBANLength(cc); got != n {
			t.Errorf("IBANLength(%q) = %d, want %d", cc, got, n)
		}
	}
	// Every registry country must be a country (or XK).
	for i := 0; i < len(ibanLengths); i += 4 {
		if cc := ibanLengths[i : i+2]; !IsCountryInUse(cc) {
			t.Errorf("IBAN registry entry %s is not a country", cc)
		}
	}
}

func TestCurrencies(t *testing.T) {
	for _, tc := range []struct {
		ccy       string
		known     bool
		minor     int
		minorOK   bool
		commodity bool
		fund      bool
	}{
		{"EUR", true, 2, true, false, false},
		{"USD", true, 2, true, false, false},
		{"JPY", true, 0, true, false, false},
		{"KRW", true, 0, true, false, false},
		{"BHD", true, 3, true, false, false},
		{"KWD", true, 3, true, false, false},
		{"TND", true, 3, true, false, false},
		{"CLF", true, 4, true, false, true},
		{"UYW", true, 4, true, false, true},
		{"CHE", true, 2, true, false, true},
		{"XCG", true, 2, true, false, false},
		{"ZWG", true, 2, true, false, false},
		{"XAU", true, 0, false, true, false},
		{"XAG", true, 0, false, true, false},
		{"XPD", true, 0, false, true, false},
		{"XPT", true, 0, false, true, false},
		{"XDR", true, 0, false, false, false},
		{"XXX", true, 0, false, false, false},
		{"HRK", false, 0, false, false, false},
		{"ABC", false, 0, false, false, false},
		{"eur", false, 0, false, false, false},
		{"EU", false, 0, false, false, false},
		{"EURO", false, 0, false, false, false},
		{"", false, 0, false, false, false},
	} {
		if got := IsCurrency(tc.ccy); got != tc.known {
			t.Errorf("IsCurrency(%q) = %v", tc.ccy, got)
		}
		n, ok := MinorUnits(tc.ccy)
		if n != tc.minor || ok != tc.minorOK {
			t.Errorf("MinorUnits(%q) = %d, %v, want %d, %v", tc.ccy, n, ok, tc.minor, tc.minorOK)
		}
		if got := IsCommodity(tc.ccy); got != tc.commodity {
			t.Errorf("IsCommodity(%q) = %v", tc.ccy, got)
		}
		if got := IsFund(tc.ccy); got != tc.fund {
			t.Errorf("IsFund(%q) = %v", tc.ccy, got)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(iso4217); i += 4 {
		c := iso4217[i : i+3]
		if seen[c] {
			t.Errorf("duplicate currency %s", c)
		}
		seen[c] = true
		if d := iso4217[i+3]; d != 'N' && (d < '0' || d > '4') {
			t.Errorf("currency %s: bad minor units %q", c, d)
		}
	}
}

func TestDates(t *testing.T) {
	for _, tc := range []struct {
		s          string
		cal, windo bool
	}{
		{"250131", true, true},
		{"000229", true, true}, // 2000 is a leap year
		{"240229", true, true},
		{"250229", false, false},
		{"600101", true, true},
		{"610101", true, false},
		{"791231", true, false},
		{"800101", true, true},
		{"991231", true, true},
		{"960229", true, true},
		{"250431", false, false},
		{"251301", false, false},
		{"250001", false, false},
		{"250100", false, false},
		{"25013", false, false},
		{"2501311", false, false},
		{"25O131", false, false},
		{"", false, false},
	} {
		if got := ValidYYMMDD(tc.s); got != tc.cal {
			t.Errorf("ValidYYMMDD(%q) = %v", tc.s, got)
		}
		if got := ValidYYMMDDWindow(tc.s); got != tc.windo {
			t.Errorf("ValidYYMMDDWindow(%q) = %v", tc.s, got)
		}
	}
	for s, want := range map[string]bool{"20250131": true, "20000229": true, "19000229": false, "20240229": true,
		"20251301": false, "00000101": false, "2025013": false, "2025013a": false} {
		if got := ValidYYYYMMDD(s); got != want {
			t.Errorf("ValidYYYYMMDD(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"2025-01-31": true, "2024-02-29": true, "2025-02-29": false, "2025/01/31": false, "20250131": false} {
		if got := ValidISODate(s); got != want {
			t.Errorf("ValidISODate(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"0229": true, "0230": false, "1231": true, "1301": false, "0100": false, "011": false} {
		if got := ValidMMDD(s); got != want {
			t.Errorf("ValidMMDD(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"0000": true, "2359": true, "2400": false, "1260": false, "930": false, "12:3": false} {
		if got := ValidHHMM(s); got != want {
			t.Errorf("ValidHHMM(%q) = %v", s, got)
		}
	}
	if y, ok := YearFromYY(5); y != 2005 || !ok {
		t.Error("YearFromYY(5)")
	}
	if y, ok := YearFromYY(85); y != 1985 || !ok {
		t.Error("YearFromYY(85)")
	}
	if _, ok := YearFromYY(70); ok {
		t.Error("YearFromYY(70) in window")
	}
	if _, ok := YearFromYY(100); ok {
		t.Error("YearFromYY(100)")
	}
	if !AllDigits("0123") || AllDigits("") || AllDigits("12a") {
		t.Error("AllDigits")
	}
}

func TestCharsets(t *testing.T) {
	for _, tc := range []struct {
		s       string
		x, y, z int
	}{
		{"ABC 123/-?:().,'+", -1, -1, -1},
		{"abc", -1, 0, -1},
		{"A\r\nB", -1, 1, -1},
		{"A=B", 1, -1, -1},
		{`A!"%&*<>;`, 1, -1, -1},
		{"A{B", 1, 1, -1},
		{"A@#_", 1, 1, -1},
		{"A}B", 1, 1, 1},
		{"A~B", 1, 1, 1},
		{"A\tB", 1, 1, 1},
		{"Aé", 1, 1, 1},
		{"", -1, -1, -1},
	} {
		if got := IndexNotX(tc.s); got != tc.x {
			t.Errorf("IndexNotX(%q) = %d, want %d", tc.s, got, tc.x)
		}
		if got := IndexNotY(tc.s); got != tc.y {
			t.Errorf("IndexNotY(%q) = %d, want %d", tc.s, got, tc.y)
		}
		if got := IndexNotZ(tc.s); got != tc.z {
			t.Errorf("IndexNotZ(%q) = %d, want %d", tc.s, got, tc.z)
		}
	}
	if !IsX('a') || IsY('a') || !IsZ('_') || IsX('_') {
		t.Error("IsX/IsY/IsZ")
	}
}

func TestSlashRule(t *testing.T) {
	for s, want := range map[string]bool{
		"REF123": true, "A/B": true, "A/B/C": true, "": true,
		"/REF": false, "REF/": false, "A//B": false, "/": false, "//": false,
	} {
		if got := SlashRuleOK(s); got != want {
			t.Errorf("SlashRuleOK(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]int{
		"A/B\r\nC": -1, "A\nB/": 1, "/A\nB": 0, "A\r\nB\r\nC//D": 2, "A/\r\nB": 0, "": -1,
	} {
		if got := SlashRuleLinesOK(s); got != want {
			t.Errorf("SlashRuleLinesOK(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestAmounts(t *testing.T) {
	for _, tc := range []struct {
		s, ccy string
		want   AmountProblem
	}{
		{"1234,56", "EUR", AmountOK},
		{"1234,", "EUR", AmountOK},
		{"0,5", "EUR", AmountOK},
		{"1234,567", "EUR", AmountDecimals},
		{"1234,50", "EUR", AmountOK},
		{"1234,", "JPY", AmountOK},
		{"1234,0", "JPY", AmountDecimals}, // SWIFT counts trailing zeros
		{"1,234", "BHD", AmountOK},
		{"1,2345", "BHD", AmountDecimals},
		{"1,2345", "CLF", AmountOK},
		{"1,12345", "XAU", AmountOK}, // N.A. minor units: no decimals check
		{"1234,56", "ABC", AmountCurrency},
		{",56", "EUR", AmountSyntax},
		{"", "EUR", AmountSyntax},
		{"-12,5", "EUR", AmountSyntax},
		{"1 234,5", "EUR", AmountSyntax},
		{"12,3,4", "EUR", AmountSeparator},
		{"12,3.4", "EUR", AmountSeparator},
		// MX: decimal point, optional
		{"1234.56", "EUR", AmountOK},
		{"1234", "EUR", AmountOK},
		{"1234.567", "EUR", AmountDecimals},
		{"1234.5", "JPY", AmountDecimals},
		{"1.2.3", "EUR", AmountSeparator},
		{".5", "EUR", AmountSyntax},
		{"1e5", "EUR", AmountSyntax},
	} {
		if got := CheckAmount(tc.s, tc.ccy); got != tc.want {
			t.Errorf("CheckAmount(%q, %q) = %v, want %v", tc.s, tc.ccy, got, tc.want)
		}
	}
	if CheckMTAmount("1234", "EUR") != AmountSeparator {
		t.Error("MT amount without comma")
	}
	if CheckMXAmount("1234,5", "EUR") != AmountSeparator {
		t.Error("MX amount with comma")
	}
	for s, want := range map[[2]string]bool{
		{"1,23", "EUR"}: true, {"1.234", "EUR"}: false, {"1", "JPY"}: true, {"1,5", "JPY"}: false, {"x", "EUR"}: false, {"1,5", "QQQ"}: false,
	} {
		if got := DecimalsOK(s[0], s[1]); got != want {
			t.Errorf("DecimalsOK(%q, %q) = %v", s[0], s[1], got)
		}
	}
	if i, f, p := SplitAmount("001234,50", ',', true); i != 6 || f != 2 || p != AmountOK {
		t.Errorf("SplitAmount = %d %d %v", i, f, p)
	}
	for p := AmountOK; p <= AmountDecimals+1; p++ {
		if p.String() == "" {
			t.Error("AmountProblem text")
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want string // "" = not ok
	}{
		{"1234,56", "1234.56"},
		{"1234.56", "1234.56"},
		{"1000,", "1000"},
		{"0,00", "0.00"},
		{"0,05", "0.05"},
		{"000123", "123"},
		{"99999999999999,", "99999999999999"},
		{"123456789012345678", "123456789012345678"},
		{"1234567890123456789", ""},
		{"", ""},
		{",5", ""},
		{"1,2,3", ""},
		{"-1", ""},
		{"1a", ""},
	} {
		d, ok := ParseAmount(tc.s)
		if tc.want == "" {
			if ok {
				t.Errorf("ParseAmount(%q) = %v, want failure", tc.s, d)
			}
			continue
		}
		if !ok || d.String() != tc.want {
			t.Errorf("ParseAmount(%q) = %v, %v, want %s", tc.s, d, ok, tc.want)
		}
	}
	if !IsZeroAmount("0,") || !IsZeroAmount("0.000") || IsZeroAmount("0,01") || IsZeroAmount("x") {
		t.Error("IsZeroAmount")
	}
}

func TestNoAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = CheckBIC("DEUTDEFF500")
		_ = CheckIBAN("GB29NWBK60161331926819")
		_ = CheckAmount("1234,56", "EUR")
		_, _ = ParseAmount("1234,56")
		_ = ValidYYMMDD("250131")
		_ = IndexNotX("ABC 123")
		_ = SlashRuleLinesOK("A/B\r\nC")
	})
	if n != 0 {
		t.Errorf("allocations: %v, want 0", n)
	}
}

var sinkBIC BICProblem
var sinkIBAN IBANProblem

func BenchmarkCheckBIC(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkBIC = CheckBIC("DEUTDEFF500")
	}
}

func BenchmarkCheckIBAN(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkIBAN = CheckIBAN("MT84MALT011000012345MTLCAST001S")
	}
}

func BenchmarkCheckAmount(b *testing.B) {
	b.ReportAllocs()
	var p AmountProblem
	for i := 0; i < b.N; i++ {
		p = CheckAmount("1234567,89", "EUR")
	}
	_ = p
}

// TestTablesSR2026 pins what the ISO tables hold for SWIFT SR2026: the
// codes added by recent amendments, the ones withdrawn, and the number of
// countries, with the edition named.
func TestTablesSR2026(t *testing.T) {
	if ISO4217Version == "" || ISO3166Version == "" {
		t.Fatal("table editions not named")
	}
	for _, c := range []string{"XCG", "ZWG", "SLE", "VED", "BGN", "EUR"} {
		if !IsCurrency(c) {
			t.Errorf("%s missing from the ISO 4217 table", c)
		}
	}
	for _, c := range []string{"HRK", "LTL", "VEF", "BNG"} {
		if IsCurrency(c) {
			t.Errorf("%s is not a current ISO 4217 code", c)
		}
	}
	n := 0
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if IsCountry(string([]byte{a, b})) {
				n++
			}
		}
	}
	if n != 249 || IsCountry("XK") || !IsCountryInUse("XK") {
		t.Errorf("%d ISO 3166-1 codes (want 249), XK official %v", n, IsCountry("XK"))
	}
}
