package common

// iso4217 lists ISO 4217 alphabetic codes with their minor units, four
// characters an entry: the code, then the number of minor units (digit), or
// 'N' where ISO gives "N.A." (no minor unit: precious metals, SDR, bond-market
// units, test and no-currency codes).
//
// Source: ISO 4217 "List One: Currency, fund and precious metal codes"
// (SIX Financial Information, maintenance agency), as published in 2025
// (after amendment 179: ZWG added 2024, XCG added 2025). Checked 2026-11.
// Codes being withdrawn but still accepted in transition periods are kept:
// ANG (replaced by XCG), BGN (Bulgaria adopted the euro on 2026-01-01),
// CUC, SLL, ZWL; HRK (withdrawn 2023) is not. [unconfirmed: the exact
// withdrawal dates of these transition codes in SWIFT's own currency table.]
const iso4217 = "" +
	"AED2AFN2ALL2AMD2ANG2AOA2ARS2AUD2AWG2AZN2" +
	"BAM2BBD2BDT2BGN2BHD3BIF0BMD2BND2BOB2BOV2BRL2BSD2BTN2BWP2BYN2BZD2" +
	"CAD2CDF2CHE2CHF2CHW2CLF4CLP0CNY2COP2COU2CRC2CUC2CUP2CVE2CZK2" +
	"DJF0DKK2DOP2DZD2EGP2ERN2ETB2EUR2FJD2FKP2GBP2GEL2GHS2GIP2GMD2GNF0GTQ2GYD2" +
	"HKD2HNL2HTG2HUF2IDR2ILS2INR2IQD3IRR2ISK0JMD2JOD3JPY0" +
	"KES2KGS2KHR2KMF0KPW2KRW0KWD3KYD2KZT2LAK2LBP2LKR2LRD2LSL2LYD3" +
	"MAD2MDL2MGA2MKD2MMK2MNT2MOP2MRU2MUR2MVR2MWK2MXN2MXV2MYR2MZN2" +
	"NAD2NGN2NIO2NOK2NPR2NZD2OMR3PAB2PEN2PGK2PHP2PKR2PLN2PYG0QAR2" +
	"RON2RSD2RUB2RWF0SAR2SBD2SCR2SDG2SEK2SGD2SHP2SLE2SLL2SOS2SRD2SSP2STN2SVC2SYP2SZL2" +
	"THB2TJS2TMT2TND3TOP2TRY2TTD2TWD2TZS2UAH2UGX0USD2USN2UYI0UYU2UYW4UZS2" +
	"VED2VES2VND0VUV0WST2XAF0XCD2XCG2XOF0XPF0YER2ZAR2ZMW2ZWG2ZWL2" +
	"XAGNXAUNXBANXBBNXBCNXBDNXDRNXPDNXPTNXSUNXTSNXUANXXXN"

// ISO4217Version names the edition of ISO 4217 the currency table follows,
// for reports and the documentation: the standards release it is checked
// for and the list's last amendment taken into account.
const ISO4217Version = "ISO 4217 List One after amendment 179 (XCG added 2025), as in force for SWIFT SR2026 (November 2026); checked 2026-11"

// Funds codes (ISO 4217 List One entries flagged "fund"): units of account
// and settlement funds, not currencies in circulation.
const iso4217Funds = "BOVCHECHWCLFCOUMXVUSNUYIUYW"

// Precious-metal codes. SWIFT forbids them in payment amount fields
// (error C08), e.g. UHB 2015 MT 102 STP field 32A and MT 203 field 32B.
const iso4217Commodities = "XAGXAUXPDXPT"

// Currency-table entry bits: bits 0–3 minor units + 1 (0 = unknown code),
// then flags.
const (
	ccyNoMinor   = 1 << 4 // minor units "N.A."
	ccyFund      = 1 << 5
	ccyCommodity = 1 << 6
)

// currencies is indexed by the three letters (see idx3).
var currencies [26 * 26 * 26]uint8

func init() {
	for i := 0; i+3 < len(iso4217); i += 4 {
		k := idx3(iso4217[i : i+3])
		if d := iso4217[i+3]; d == 'N' {
			currencies[k] = 1 | ccyNoMinor
		} else {
			currencies[k] = d - '0' + 1
		}
	}
	for i := 0; i+2 < len(iso4217Funds); i += 3 {
		currencies[idx3(iso4217Funds[i:i+3])] |= ccyFund
	}
	for i := 0; i+2 < len(iso4217Commodities); i += 3 {
		currencies[idx3(iso4217Commodities[i:i+3])] |= ccyCommodity
	}
}

func idx3(s string) int { return (int(s[0]-'A')*26+int(s[1]-'A'))*26 + int(s[2]-'A') }

func ccyEntry(ccy string) uint8 {
	if len(ccy) != 3 || !isUpper(ccy[0]) || !isUpper(ccy[1]) || !isUpper(ccy[2]) {
		return 0
	}
	return currencies[idx3(ccy)]
}

// IsCurrency reports whether ccy is an ISO 4217 alphabetic code in the
// embedded table (currencies, funds codes and the X codes, including the
// precious metals, XDR, XTS and XXX).
func IsCurrency(ccy string) bool { return ccyEntry(ccy) != 0 }

// MinorUnits returns the number of minor units (decimal places) of ccy per
// ISO 4217. ok is false when ccy is not in the table, or when ISO gives no
// minor unit ("N.A.": XAU, XDR, XXX ...).
func MinorUnits(ccy string) (n int, ok bool) {
	e := ccyEntry(ccy)
	if e == 0 || e&ccyNoMinor != 0 {
		return 0, false
	}
	return int(e&0x0F) - 1, true
}

// IsCommodity reports whether ccy is a precious-metal code (XAU gold, XAG
// silver, XPD palladium, XPT platinum), which SWIFT rejects in payment
// amount fields with C08.
func IsCommodity(ccy string) bool { return ccyEntry(ccy)&ccyCommodity != 0 }

// IsFund reports whether ccy is an ISO 4217 funds code (BOV, CHE, CHW, CLF,
// COU, MXV, USN, UYI, UYW).
func IsFund(ccy string) bool { return ccyEntry(ccy)&ccyFund != 0 }
