package mt

import "github.com/swiftval/swiftval/rules/common"

// The ISO 4217 table is rules/common's (one table for the whole module,
// with its edition in common.ISO4217Version); this format keeps no copy.

// knownCurrency reports whether ccy is in the ISO 4217 list.
func knownCurrency(ccy string) bool { return common.IsCurrency(ccy) }

// MinorUnits returns the number of decimals ISO 4217 allows for a currency
// (JPY 0, EUR 2, BHD 3) and whether the code is known with minor units
// (false for codes ISO gives none: XAU, XDR, XXX ...). It is
// common.MinorUnits, kept here for rule writers who read MT messages.
func MinorUnits(ccy string) (int, bool) { return common.MinorUnits(ccy) }
