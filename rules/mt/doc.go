// Package mtrules is swiftval's built-in rule pack for SWIFT MT (FIN)
// messages: the network validated rules (the C1…Cn conditions of each
// message type, reported with SWIFT's C, D and E error codes) and the
// semantic field checks that need tables (currency decimals C03, commodity
// codes C08, BIC country and branch, IBAN).
//
// RuleSet returns the pack as one engine.RuleSet named "swift-mt". Every rule
// applies to the message types named in its RuleInfo.AppliesTo (a base type
// such as "MT103" also covers its variants MT103STP and MT103REMIT unless the
// rule says otherwise) and reads the parsed message of package formats/mt.
//
// Field syntax (formats, character sets, code words checked by the field
// specification, presence and order) is the parser's job (formats/mt);
// rules here assume nothing about a field beyond what they check, skip
// silently what they cannot read, and never report a problem the parser
// already reports.
//
// Rules of a common shape are data: presence conditions ("if 56a then 57a",
// presence.go) and the MT 103 option rules under 23B SPRI/SSTD/SPAY
// (options.go) are tables; the other rules are small functions.
//
// Each rule cites the standard in RuleInfo.Source: release, message type
// and rule ("SWIFT Standards MT SR2015, Category 1, MT 101, network
// validated rule C2"), the release being the one whose User Handbook (UHB)
// text was read. RuleInfo.Notes points at the rule's section of
// docs/sources.md, which says what was read (UHB pages, third-party
// implementations) and what could not be confirmed; GAPS.md lists the
// unconfirmed rules and the conflicts between releases. Rule numbers (C1,
// C2 ...) differ between MT 103, MT 103 STP and MT 103 REMIT, so rule IDs
// are keyed on the error code: "mt.MT103.D75".
//
// Rules do not allocate on the happy path: no fmt, no maps, no regular
// expressions per message; finding messages are constant strings.
package mt
