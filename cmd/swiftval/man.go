//go:build !mangen

package main

import "github.com/spf13/cobra"

// manCommand is nil in the shipped binary: the man-page generator (and the
// Markdown-to-roff library it needs) is built only with -tags mangen, by
// "make man" (see man_gen.go).
func manCommand(*cobra.Command) *cobra.Command { return nil }
