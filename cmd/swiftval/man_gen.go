//go:build mangen

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manCommand is the hidden "man DIR" command of a binary built with
// -tags mangen: it writes one man page (section 1) per command into DIR.
func manCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write the man pages of every command into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			noteEnvTree(root)
			root.DisableAutoGenTag = true // the date comes from SOURCE_DATE_EPOCH when set (reproducible pages)
			hdr := &doc.GenManHeader{Title: "SWIFTVAL", Section: "1", Source: "swiftval", Manual: "swiftval manual"}
			if err := doc.GenManTree(root, hdr, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "man pages written to %s\n", args[0])
			return nil
		},
	}
}
