package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// inputFilter selects the files found by walking a directory or matching a
// glob (files named literally are always taken). A pattern without '/'
// matches a file's base name; with '/', its path relative to the directory
// walked (slash-separated). Exclude patterns also prune directories.
type inputFilter struct {
	include, exclude []string
}

// check reports the first malformed pattern.
func (f inputFilter) check() error {
	for _, p := range slices.Concat(f.include, f.exclude) {
		if _, err := filepath.Match(p, ""); err != nil {
			return fmt.Errorf("bad pattern %q: %v", p, err)
		}
	}
	return nil
}

func matchAny(patterns []string, rel string) bool {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	for _, p := range patterns {
		subject := base
		if strings.Contains(p, "/") {
			subject = rel
		}
		if ok, _ := filepath.Match(p, subject); ok {
			return true
		}
	}
	return false
}

func (f inputFilter) takes(rel string) bool {
	if len(f.include) > 0 && !matchAny(f.include, rel) {
		return false
	}
	return !matchAny(f.exclude, rel)
}

// isGlob reports whether arg has glob metacharacters.
func isGlob(arg string) bool { return strings.ContainsAny(arg, "*?[") }

// expandInputs calls fn for each input the arguments name, in order: "-"
// (standard input) as is; an existing file as is; a directory's regular
// files, recursively, in lexical order, hidden entries (".name") skipped
// and the filter applied; a glob's matches in lexical order (directories
// among them walked, the filter applied). An argument that names nothing
// (or a glob that matches nothing) calls fn with an error and the rest go
// on. size is the file's size as found (-1 for standard input). It stops
// at the first error fn returns, and returns it.
func expandInputs(args []string, filter inputFilter, fn func(path string, size int64, err error) error) error {
	for _, arg := range args {
		if arg == "-" {
			if err := fn("-", -1, nil); err != nil {
				return err
			}
			continue
		}
		st, err := os.Stat(arg)
		switch {
		case err == nil && !st.IsDir():
			err = fn(arg, st.Size(), nil)
		case err == nil:
			err = walkDir(arg, filter, fn)
		case isGlob(arg) && errors.Is(err, fs.ErrNotExist):
			err = expandGlob(arg, filter, fn)
		default:
			err = fn(arg, 0, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func expandGlob(pattern string, filter inputFilter, fn func(string, int64, error) error) error {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return fn(pattern, 0, fmt.Errorf("bad pattern %q: %v", pattern, err))
	}
	taken := 0
	// As in the shell, a wildcard does not match a leading dot: hidden
	// entries are matched only by a pattern that starts with one.
	hiddenToo := strings.HasPrefix(filepath.Base(pattern), ".")
	for _, m := range matches { // sorted by filepath.Glob
		if !hiddenToo && strings.HasPrefix(filepath.Base(m), ".") {
			continue
		}
		st, err := os.Stat(m)
		if err != nil {
			if err := fn(m, 0, err); err != nil {
				return err
			}
			continue
		}
		rel := filepath.ToSlash(m)
		if st.IsDir() {
			if matchAny(filter.exclude, rel) {
				continue
			}
			taken++
			if err := walkDir(m, filter, fn); err != nil {
				return err
			}
			continue
		}
		if !filter.takes(rel) {
			continue
		}
		taken++
		if err := fn(m, st.Size(), nil); err != nil {
			return err
		}
	}
	if taken == 0 {
		return fn(pattern, 0, fmt.Errorf("no file matches %q", pattern))
	}
	return nil
}

// walkDir calls fn for every regular file under root (symbolic links to
// files included; linked directories are not followed, so a loop cannot
// be).
func walkDir(root string, filter inputFilter, fn func(string, int64, error) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fn(path, 0, err)
		}
		if path == root {
			return nil
		}
		name := d.Name()
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(name, ".") || matchAny(filter.exclude, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !filter.takes(rel) {
			return nil
		}
		// A symbolic link is taken when it leads to a file; anything else (a
		// dangling link, a socket) is reported, not skipped.
		var st fs.FileInfo
		if d.Type().IsRegular() {
			st, err = d.Info()
		} else if st, err = os.Stat(path); err == nil && !st.Mode().IsRegular() {
			err = fmt.Errorf("%s: not a regular file", path)
		}
		if err != nil {
			return fn(path, 0, err)
		}
		return fn(path, st.Size(), nil)
	})
}
