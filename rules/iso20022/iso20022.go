// Package iso20022 is the "iso20022" rule set: ISO 20022 constraints that the
// XSDs cannot express, checked on the typed MX messages of formats/mx/typed.
//
// Rules (codes SVI3xx, listed in docs/codes.md):
//
//	iso20022.amount.minor-units   SVI301  amount decimals within the currency's ISO 4217 minor units
//	iso20022.currency.code        SVI302  currency codes are ISO 4217 codes
//	iso20022.country.code         SVI303  country codes are ISO 3166-1 alpha-2 codes
//	iso20022.iban                 SVI304  IBANs pass the registry length and MOD 97-10 check
//	iso20022.bic                  SVI305  BICs are well formed with an ISO 3166 country
//	iso20022.nb-of-txs            SVI306  NbOfTxs equals the number of transactions
//	iso20022.ctrl-sum             SVI307  CtrlSum equals the sum of the amounts
//	iso20022.total-settlement     SVI308  TtlIntrBkSttlmAmt equals the sum and shares its currency
//	iso20022.external-code        SVI309  (warning) codes of external code sets are in the ISO list
//
// All sums are exact decimal arithmetic (github.com/govalues/decimal); no
// amount is ever converted to floating point.
package iso20022

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/rules/common"
)

// Name is the rule set's name.
const Name = "iso20022"

// Options configures the rule set.
type Options struct {
	// CodeSetsFile names an operator's file of ISO 20022 external code sets
	// (the format of external_codes.txt, see docs/external-codes.md): each
	// list it holds replaces the built-in list of that name, or adds one, so
	// codes of a newer ISO release are admitted without a new swiftval
	// release. Empty: the built-in lists. The command line sets it with
	// --external-codes or SWIFTVAL_EXTERNAL_CODES.
	CodeSetsFile string
	// CodeSets, when not nil, are the lists to use (CodeSetsFile is then
	// laid over them); nil: the built-in lists.
	CodeSets *CodeSets
}

// RuleSet returns the built-in "iso20022" rule set. It applies to every MX
// message with a typed model, under any profile.
func RuleSet() *engine.RuleSet {
	rs, err := New(Options{})
	if err != nil {
		panic("iso20022: " + err.Error()) // the built-in lists are checked by the package tests
	}
	return rs
}

// New returns the "iso20022" rule set with the given options. An unreadable
// or malformed CodeSetsFile is an error naming the file and line, at once.
// The built-in lists alone are parsed on their first use (the first MX
// message with a code of an external code set), not here.
func New(o Options) (*engine.RuleSet, error) {
	sets, rels := BuiltinCodeSets, builtinReleases()
	if o.CodeSets != nil || o.CodeSetsFile != "" {
		s := o.CodeSets
		if s == nil {
			s = BuiltinCodeSets()
		}
		if o.CodeSetsFile != "" {
			var err error
			if s, err = LoadCodeSets(o.CodeSetsFile, s); err != nil {
				return nil, err
			}
		}
		sets, rels = func() *CodeSets { return s }, releasesOf(s)
	}
	return &engine.RuleSet{
		Name:        Name,
		Version:     "2019",
		Description: "ISO 20022 constraints beyond the XSD: ISO 4217/3166 code lists, minor units, IBAN, BIC, transaction counts and control sums, external code sets",
		Source:      engine.SourceBuiltin,
		Rules:       rules(sets, rels),
	}, nil
}

// Rules returns the rules of the built-in set, in the order they run.
func Rules() []engine.Rule { return rules(BuiltinCodeSets, builtinReleases()) }

// rules returns the rules checking codes against sets(), called on each
// check (it may parse the lists on its first call); releases are the
// releases of its lists, in name order, for the citation.
func rules(sets func() *CodeSets, releases []string) []engine.Rule {
	ext := &externalCodes{sets: sets}
	return []engine.Rule{engine.NewRule(info("iso20022.amount.minor-units", CodeMinorUnits,
		"ISO 20022 CurrencyAmount rule (fractional digits per ISO 4217); ISO 4217 (minor units)",
		"amount has no more decimals than its currency's ISO 4217 minor units"), checkMinorUnits),
		engine.NewRule(info("iso20022.currency.code", CodeCurrency,
			"ISO 20022 ActiveCurrencyCode, ActiveOrHistoricCurrencyCode; ISO 4217",
			"currency codes (Ccy attributes and currency elements) are ISO 4217 codes"), checkCurrencies),
		engine.NewRule(info("iso20022.country.code", CodeCountry,
			"ISO 20022 CountryCode; ISO 3166-1 alpha-2",
			"country codes are assigned ISO 3166-1 alpha-2 codes"), checkCountries),
		engine.NewRule(info("iso20022.iban", CodeIBAN,
			"ISO 20022 IBAN2007Identifier; ISO 13616 (IBAN), ISO 7064 MOD 97-10; SWIFT IBAN registry (lengths)",
			"IBANs have the registry length for their country and valid check digits"), checkIBANs),
		engine.NewRule(info("iso20022.bic", CodeBIC,
			"ISO 20022 BICFIDec2014Identifier, AnyBICDec2014Identifier; ISO 9362:2014",
			"BICs are 8 or 11 characters with a valid country code"), checkBICs),
		engine.NewRule(info("iso20022.nb-of-txs", CodeNbOfTxs,
			"ISO 20022 message definitions: NumberOfTransactions (GroupHeader93/90/85, PaymentInstruction30)",
			"NbOfTxs equals the number of transactions in the message (or payment information block)"), checkNbOfTxs),
		engine.NewRule(info("iso20022.ctrl-sum", CodeCtrlSum,
			"ISO 20022 message definitions: ControlSum",
			"CtrlSum equals the exact sum of the transaction amounts"), checkCtrlSum),
		engine.NewRule(info("iso20022.total-settlement", CodeTotalSettled,
			"ISO 20022 pacs.008, pacs.009 TotalInterbankSettlementAmountAndSumRule, TotalInterbankSettlementAmountRule; pacs.004 TotalReturned… rule",
			"TtlIntrBkSttlmAmt (TtlRtrdIntrBkSttlmAmt) equals the sum of the transactions' settlement amounts, all in its currency"), checkTotalSettlement),
		engine.NewRule(warnInfo(info("iso20022.external-code", CodeExternal,
			"ISO 20022 external code sets ("+releaseCitation(releases)+"); https://www.iso20022.org/catalogue-messages/additional-content-messages/external-code-sets",
			"codes of an ISO external code set (the element's XSD type names the set) are in the list")), ext.check),
	}
}

func warnInfo(ri engine.RuleInfo) engine.RuleInfo {
	ri.Severity = engine.Warning
	return ri
}

func info(id, code, source, desc string) engine.RuleInfo {
	return engine.RuleInfo{
		ID:          id,
		Code:        code,
		Severity:    engine.Error,
		AppliesTo:   []string{"*"},
		Format:      "mx",
		Source:      source,
		Notes:       common.Notes(id),
		Description: desc,
	}
}
