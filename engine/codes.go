package engine

// Codes of the engine itself. Every code of ours is listed with its meaning
// in docs/codes.md; SWIFT's own codes (T, C, D, E, H, U ...) are used
// wherever SWIFT defines one.
const (
	// CodeBudgetExceeded: the latency budget ran out; rules were skipped.
	CodeBudgetExceeded = "SV001"
	// CodeCancelled: the caller's context ended; rules were skipped.
	CodeCancelled = "SV002"
	// CodeRulePanicked: a rule panicked; it was stopped and the process went on.
	CodeRulePanicked = "SV003"
	// CodeRuleFailed: a rule failed at run time (a CEL evaluation error, a
	// cost limit hit); the message cannot be reported valid.
	CodeRuleFailed = "SV004"
	// CodeParserPanicked: a format's parser panicked on this input.
	CodeParserPanicked = "SV005"
	// CodeUnrecognised: the input is neither MT nor MX.
	CodeUnrecognised = "SV010"
	// CodeInputTooLarge: the input is above the per-message size limit.
	CodeInputTooLarge = "SV011"
	// CodeEmptyInput: the input is empty or blank.
	CodeEmptyInput = "SV012"
	// CodeUnknownFormat: the caller forced a format that is not registered.
	CodeUnknownFormat = "SV013"
)
