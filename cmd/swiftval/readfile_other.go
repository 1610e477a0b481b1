//go:build !linux

package main

import (
	"errors"
	"os"
)

// errTooLarge is openInput's on Linux (readfile_linux.go); never returned
// here.
var errTooLarge = errors.New("input too large")

// openInput opens name for readInput to read as a stream: the Linux fast
// path for regular files is in readfile_linux.go.
func openInput(name string, _ int64) ([]byte, *os.File, error) {
	f, err := os.Open(name)
	return nil, f, err
}
