package mt

// Codes of our own for MT problems SWIFT gives no code for (listed in
// docs/codes.md, section "MT format (SVM1xx)"). SWIFT's own H, U and T codes
// are used wherever the FIN Error Codes guide defines one.
const (
	// CodeUnknownBlock: a block identifier other than 1-5 or S, or a
	// malformed one ("{:1:}").
	CodeUnknownBlock = "SVM101"
	// CodeBlockOrder: a block out of order or repeated.
	CodeBlockOrder = "SVM102"
	// CodeUnclosedBlock: a block is not closed (unbalanced braces, truncated
	// input).
	CodeUnclosedBlock = "SVM103"
	// CodeTextNotTerminated: block 4 does not end with a line break then "-}".
	CodeTextNotTerminated = "SVM104"
	// CodeTrailingContent: content after the end of the message (another
	// message of an RJE batch: validate it with ValidateAll).
	CodeTrailingContent = "SVM105"
	// CodeStrayContent: characters outside any block.
	CodeStrayContent = "SVM106"
	// CodeTooManyFindings: the per-message cap on format findings was hit;
	// further problems are not reported.
	CodeTooManyFindings = "SVM107"
	// CodeNoText: block 4 is missing.
	CodeNoText = "SVM108"
	// CodeTextLayout: block 4 does not start with a line break, or has text
	// before its first field.
	CodeTextLayout = "SVM109"
	// CodeUETRFormat: block 3 tag 121 is not a lowercase UUID version 4.
	// SWIFT's own code for this was not confirmed (the 2010 FIN Error Codes
	// guide predates UETR).
	CodeUETRFormat = "SVM110"
	// CodeUETRMissing: block 3 tag 121 is missing on a type that requires it
	// since SR2018 (MT103, 103 STP, 103 REMIT, 202, 202 COV, 205, 205 COV).
	// SWIFT's own code was not confirmed.
	CodeUETRMissing = "SVM111"
	// CodeTooManyFields: block 4 holds more fields than the limit.
	CodeTooManyFields = "SVM112"
	// CodeTrailerFormat: a malformed tag in block 5 or S (SWIFT's Z codes
	// were not confirmed for these).
	CodeTrailerFormat = "SVM113"
	// CodeAckFormat: a malformed ACK/NAK service message envelope.
	CodeAckFormat = "SVM114"
)

// SWIFT codes used by the format (FIN Error Codes guide; see
// /work/shared/reference/mt-facts.md for the source of each).
const (
	codeH01 = "H01" // basic header missing or malformed (IBM-H)
	codeH02 = "H02" // application id not F, A or L (IBM-H)
	codeH03 = "H03" // service id not 01 or 21 (IBM-H)
	codeH10 = "H10" // bad LT address (IBM-H)
	codeH15 = "H15" // bad session number (IBM-H)
	codeH20 = "H20" // bad sequence number (IBM-H)
	codeH25 = "H25" // application header format (IBM-H)
	codeH26 = "H26" // I/O identifier (IBM-H)
	codeH30 = "H30" // message type (IBM-H)
	codeH40 = "H40" // priority (IBM-H)
	codeH50 = "H50" // destination address (IBM-H)
	codeU00 = "U00" // block 3 order/format/invalid tag (FEC-2010 3.16)
	codeU01 = "U01" // bad banking priority 113 (FEC-2010 3.16)
	codeU02 = "U02" // bad MUR 108 (FEC-2010 3.16)
	codeU03 = "U03" // block 3 format (FEC-2010 3.16)
	codeU08 = "U08" // bad 119 (FEC-2010 3.16)
	codeU09 = "U09" // 119 on an MT without special validation (FEC-2010 3.16)
	codeM50 = "M50" // message length exceeded (IBM-TV)
	codeT13 = "T13" // field not expected / mandatory missing / order (FEC-2010)
	codeT10 = "T10" // repetitive sequence too many times (FEC-2010)
	codeT11 = "T11" // repetitive sequence too few times (FEC-2010)
	codeT17 = "T17" // blank or missing mandatory component (JS table; unconfirmed)
	codeT26 = "T26" // slash rules in references (UHB-2006)
	codeT27 = "T27" // BIC malformed (UHB-2017)
	codeT30 = "T30" // too many lines / too long (JS table; unconfirmed)
	codeT31 = "T31" // separator missing or wrong (JS table; unconfirmed)
	codeT33 = "T33" // content too long (from memory of the FIN guide; unconfirmed)
	codeT34 = "T34" // content too short or character outside the set (FEC-2010)
	codeT15 = "T15" // sign (UHB-2006)
	codeT38 = "T38" // time (UHB-2006)
	codeT40 = "T40" // amount integer part (UHB-2017)
	codeT43 = "T43" // decimal comma (UHB-2017)
	codeT50 = "T50" // date (UHB-2006)
	codeT51 = "T51" // D/C mark code word (JS table; unconfirmed)
	codeT52 = "T52" // currency code (UHB-2015)
	codeT56 = "T56" // 50F/59F numbered lines (UHB-2017 us1m/ajh017.htm)
)
