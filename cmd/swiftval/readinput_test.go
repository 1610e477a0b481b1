//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadInput: regular files are read whole up to the batch limit (64 ×
// --max-bytes), larger ones refused unread; pipes are read as streams with
// the same limit; a missing file is an open error naming it.
func TestReadInput(t *testing.T) {
	const maxBytes = 16 // limit: 64 × 16 = 1024 bytes
	dir := t.TempDir()
	file := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		go func() {
			w, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer w.Close()
			w.Write(bytes.Repeat([]byte{'y'}, n))
		}()
		return p
	}
	tests := []struct {
		name    string
		path    string
		wantLen int
		wantErr string
	}{
		{"empty", file("empty", 0), 0, ""},
		{"small", file("small", 100), 100, ""},
		{"at the limit", file("limit", 1024), 1024, ""},
		{"over the limit", file("over", 1025), 0, "input is larger than 1024 bytes"},
		{"missing", filepath.Join(dir, "nope"), 0, "open " + filepath.Join(dir, "nope") + ": no such file"},
		{"a directory", dir, 0, "is a directory"},
		{"pipe", fifo("pipe", 700), 700, ""},
		{"pipe over the limit", fifo("bigpipe", 5000), 0, "input is larger than 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := readInput(tt.path, strings.NewReader(""), maxBytes)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(raw) != tt.wantLen {
				t.Fatalf("%d bytes, err %v; want %d bytes", len(raw), err, tt.wantLen)
			}
		})
	}
}
