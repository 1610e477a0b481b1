package common

// iso3166 lists every officially assigned ISO 3166-1 alpha-2 code (249
// codes), two letters each.
//
// Source: ISO 3166 Maintenance Agency, "ISO 3166-1 decoding table",
// officially assigned codes as of 2024 (no assignment has changed since
// SS South Sudan, 2011, apart from names). Checked 2026-11 by the rules/common
// owner against the published list; re-check with each SWIFT Standards
// Release.
const iso3166 = "" +
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZ" +
	"BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ" +
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ" +
	"DEDJDKDMDODZ" +
	"ECEEEGEHERESET" +
	"FIFJFKFMFOFR" +
	"GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY" +
	"HKHMHNHRHTHU" +
	"IDIEILIMINIOIQIRISIT" +
	"JEJMJOJP" +
	"KEKGKHKIKMKNKPKRKWKYKZ" +
	"LALBLCLILKLRLSLTLULVLY" +
	"MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ" +
	"NANCNENFNGNINLNONPNRNUNZ" +
	"OM" +
	"PAPEPFPGPHPKPLPMPNPRPSPTPWPY" +
	"QA" +
	"RERORSRURW" +
	"SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ" +
	"TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ" +
	"UAUGUMUSUYUZ" +
	"VAVCVEVGVIVNVU" +
	"WFWS" +
	"YEYT" +
	"ZAZMZW"

// ISO3166Version names the edition of ISO 3166-1 the country table follows:
// every officially assigned alpha-2 code (249), unchanged since SS (South
// Sudan, 2011) apart from names, plus XK, which SWIFT uses for Kosovo.
const ISO3166Version = "ISO 3166-1 alpha-2, officially assigned codes as of 2026-11 (249; last assignment SS 2011) plus the user-assigned XK; for SWIFT SR2026"

// Country-table flags.
const (
	countryISO  = 1 << iota // officially assigned in ISO 3166-1
	countryXK               // user-assigned XK (Kosovo), used by SWIFT
	countryIBAN             // has an entry in the IBAN registry
)

// countries is indexed by (first letter-'A')*26 + (second letter-'A').
var countries [26 * 26]uint8

// ibanLen holds the IBAN length per country, same index; 0 = no IBAN.
var ibanLen [26 * 26]uint8

func init() {
	for i := 0; i+1 < len(iso3166); i += 2 {
		countries[idx2(iso3166[i], iso3166[i+1])] |= countryISO
	}
	// XK is not assigned by ISO 3166-1; it is a user-assigned code that the
	// European Commission, SWIFT (BIC country code of Kosovo institutions)
	// and the IBAN registry use for Kosovo.
	countries[idx2('X', 'K')] |= countryXK
	for i := 0; i+3 < len(ibanLengths); i += 4 {
		k := idx2(ibanLengths[i], ibanLengths[i+1])
		ibanLen[k] = (ibanLengths[i+2]-'0')*10 + ibanLengths[i+3] - '0'
		countries[k] |= countryIBAN
	}
}

// idx2 maps two upper-case letters to a table index. Callers check the
// letters first.
func idx2(a, b byte) int { return int(a-'A')*26 + int(b-'A') }

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// IsCountry reports whether cc is an officially assigned ISO 3166-1 alpha-2
// code. It is false for XK (see IsCountryInUse) and for anything that is not
// exactly two upper-case letters.
func IsCountry(cc string) bool {
	if len(cc) != 2 || !isUpper(cc[0]) || !isUpper(cc[1]) {
		return false
	}
	return countries[idx2(cc[0], cc[1])]&countryISO != 0
}

// IsCountryInUse reports whether cc is a country code that payment messages
// carry (and the country code of a BIC may be): an officially assigned ISO
// 3166-1 alpha-2 code, or XK (Kosovo), a
// user-assigned code that SWIFT uses in BICs, the IBAN registry lists, and
// banks expect in ISO 20022 Ctry elements for Kosovo addresses (refusing it
// would reject real payments to Kosovo).
func IsCountryInUse(cc string) bool {
	if len(cc) != 2 || !isUpper(cc[0]) || !isUpper(cc[1]) {
		return false
	}
	return countries[idx2(cc[0], cc[1])]&(countryISO|countryXK) != 0
}
