package mt

// currencies lists ISO 4217 alphabetic codes with their minor units (the
// digit after each code), from the ISO 4217 list as generally published
// (written from that list, not checked entry by entry against the edition in
// force; refresh it per SR release). Funds and precious-metal codes (XAU,
// XAG, XPD, XPT, XDR ...) are included because they are valid ISO codes;
// rules decide where they are allowed (C08).
const currencies = "" +
	"AED2AFN2ALL2AMD2ANG2AOA2ARS2AUD2AWG2AZN2BAM2BBD2BDT2BGN2BHD3BIF0BMD2BND2BOB2BOV2BRL2BSD2BTN2BWP2BYN2BZD2" +
	"CAD2CDF2CHE2CHF2CHW2CLF4CLP0CNY2COP2COU2CRC2CUC2CUP2CVE2CZK2DJF0DKK2DOP2DZD2EGP2ERN2ETB2EUR2FJD2FKP2" +
	"GBP2GEL2GHS2GIP2GMD2GNF0GTQ2GYD2HKD2HNL2HTG2HUF2IDR2ILS2INR2IQD3IRR2ISK0JMD2JOD3JPY0KES2KGS2KHR2KMF0" +
	"KPW2KRW0KWD3KYD2KZT2LAK2LBP2LKR2LRD2LSL2LYD3MAD2MDL2MGA2MKD2MMK2MNT2MOP2MRU2MUR2MVR2MWK2MXN2MXV2MYR2" +
	"MZN2NAD2NGN2NIO2NOK2NPR2NZD2OMR3PAB2PEN2PGK2PHP2PKR2PLN2PYG0QAR2RON2RSD2RUB2RWF0SAR2SBD2SCR2SDG2SEK2" +
	"SGD2SHP2SLE2SLL2SOS2SRD2SSP2STN2SVC2SYP2SZL2THB2TJS2TMT2TND3TOP2TRY2TTD2TWD2TZS2UAH2UGX0USD2USN2UYI0" +
	"UYU2UYW4UZS2VED2VES2VND0VUV0WST2XAF0XCD2XCG2XOF0XPF0YER2ZAR2ZMW2ZWG2ZWL2" +
	"XAU0XAG0XPD0XPT0XDR0XSU0XUA0XBA0XBB0XBC0XBD0XTS0XXX0"

// ccyTable holds minor units + 1 (0: unknown code) indexed by ccyIndex:
// a lookup without hashing, on the path of every currency component.
var ccyTable [26 * 26 * 26]uint8

func init() {
	for i := 0; i+4 <= len(currencies); i += 4 {
		ccyTable[ccyIndex(currencies[i:i+3])] = currencies[i+3] - '0' + 1
	}
}

// ccyIndex maps three upper-case letters to 0..26³-1, anything else to -1.
func ccyIndex(c string) int {
	if len(c) != 3 || !isUpper(c[0]) || !isUpper(c[1]) || !isUpper(c[2]) {
		return -1
	}
	return (int(c[0]-'A')*26+int(c[1]-'A'))*26 + int(c[2]-'A')
}

// knownCurrency reports whether ccy is in the ISO 4217 list.
func knownCurrency(ccy string) bool {
	i := ccyIndex(ccy)
	return i >= 0 && ccyTable[i] != 0
}

// MinorUnits returns the number of decimals ISO 4217 allows for a currency
// (JPY 0, EUR 2, BHD 3) and whether the code is known. Rules use it for C03.
func MinorUnits(ccy string) (int, bool) {
	i := ccyIndex(ccy)
	if i < 0 || ccyTable[i] == 0 {
		return 0, false
	}
	return int(ccyTable[i]) - 1, true
}
