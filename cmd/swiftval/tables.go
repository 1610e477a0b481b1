package main

import (
	"fmt"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/directory"
)

// tableOptions are the flags, shared by validate and serve, that lay an
// operator's tables over the built-in ones of the rule packs (each also a
// SWIFTVAL_ variable): the CBPR+ business-service table, a pinned CBPR+
// standards release, and the ISO 20022 external code sets.
type tableOptions struct {
	cbprBizSvc    string
	cbprRelease   string
	externalCodes string
}

func (t *tableOptions) add(f flagSet) {
	f.File(&t.cbprBizSvc, "cbpr-bizsvc", "CBPR+ business-service table (BizSvc per message, variant and standards release) laid over the built-in one; see docs/cbpr-bizsvc.md")
	f.String(&t.cbprRelease, "cbpr-release", "", "pin the CBPR+ standards release, e.g. SR2025 or SR2026 (default: the release in force at each message's AppHdr creation date)")
	f.File(&t.externalCodes, "external-codes", "ISO 20022 external code sets laid over the built-in 3Q2025 lists (a newer ISO release); see docs/external-codes.md")
}

// config is the engine configuration with these tables, schemaDir and the
// BIC directory (nil for none).
func (t *tableOptions) config(schemaDir string, bics *directory.Store) swiftval.Config {
	return swiftval.Config{SchemaDir: schemaDir, BICDirectory: bics, CBPRBizSvcFile: t.cbprBizSvc, CBPRRelease: t.cbprRelease, ExternalCodesFile: t.externalCodes}
}

// startError says which option an engine construction error comes from:
// the errors name the file and line, not the flag.
func (t *tableOptions) startError(err error) error {
	if t.cbprBizSvc == "" && t.cbprRelease == "" && t.externalCodes == "" {
		return fmt.Errorf("--schemas: %w", err)
	}
	return fmt.Errorf("--schemas, --cbpr-bizsvc, --cbpr-release or --external-codes: %w", err)
}
