package xsd

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"
)

// TestImageRoundTrip loads the load-ready form of every readable schema
// and checks that it writes back the same bytes, and that the loaded
// validator judges documents as the compiled one does.
func TestImageRoundTrip(t *testing.T) {
	files := schemaFiles(t)
	for _, f := range files {
		s, err := ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s.File = filepath.Base(f)
		v, err := Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		img, err := v.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		w, err := LoadCompiled(string(img))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		again, _ := w.MarshalBinary()
		if !bytes.Equal(img, again) {
			t.Errorf("%s: the loaded validator writes other bytes (%d, was %d)", f, len(again), len(img))
		}
		// Field by field: a field Compile sets that the load-ready form
		// forgets shows up here.
		if !reflect.DeepEqual(v, w) {
			t.Errorf("%s: the loaded validator differs from the compiled one at %s", f, firstDiff(reflect.ValueOf(v), reflect.ValueOf(w), "v", map[[2]uintptr]bool{}))
		}
	}
}

func TestImageCorrupt(t *testing.T) {
	s, err := ReadFile(schemaFiles(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	v, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := v.MarshalBinary()
	for _, n := range []int{0, 3, len(imageMagic), len(img) / 3, len(img) / 2, len(img) - 1} {
		if _, err := LoadCompiled(string(img[:n])); err == nil {
			t.Errorf("LoadCompiled of the first %d of %d bytes: no error", n, len(img))
		}
	}
	if _, err := LoadCompiled(string(img) + "x"); err == nil {
		t.Error("LoadCompiled with a trailing byte: no error")
	}
	// Flipped bytes must never panic (errors or a different validator are
	// both fine).
	for i := len(imageMagic); i < len(img); i += 7 {
		b := bytes.Clone(img)
		b[i] ^= 0x5a
		LoadCompiled(string(b))
	}
}

// TestImageNoStates: an automaton without states (no compiled schema has
// one: the start state always exists) is refused, not indexed at state 0
// by the first child element (found by FuzzLoadCompiled; the crasher is a
// seed in testdata/fuzz).
func TestImageNoStates(t *testing.T) {
	v := fuzzValidator(t)
	d := v.roots[0].model()
	d.states, d.toAccept = nil, nil
	img, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCompiled(string(img)); err == nil {
		t.Fatal("LoadCompiled of an automaton without states: no error")
	}
}

// firstDiff returns the path of the first difference between two values
// (unexported fields included, pointer cycles followed once), or "".
func firstDiff(a, b reflect.Value, path string, seen map[[2]uintptr]bool) string {
	if a.Kind() != b.Kind() {
		return path + ": kind"
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() != b.IsNil() {
			return path + ": nil vs non-nil"
		}
		if a.IsNil() {
			return ""
		}
		k := [2]uintptr{a.Pointer(), b.Pointer()}
		if seen[k] {
			return ""
		}
		seen[k] = true
		return firstDiff(a.Elem(), b.Elem(), path+"*", seen)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			fa := a.Field(i)
			fb := b.Field(i)
			fa = reflect.NewAt(fa.Type(), unsafe.Pointer(fa.UnsafeAddr())).Elem()
			fb = reflect.NewAt(fb.Type(), unsafe.Pointer(fb.UnsafeAddr())).Elem()
			if d := firstDiff(fa, fb, path+"."+a.Type().Field(i).Name, seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: nil %v vs %v (len %d %d)", path, a.IsNil(), b.IsNil(), a.Len(), b.Len())
		}
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: len %d vs %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return path + ": map len"
		}
		return ""
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return fmt.Sprintf("%s: %v vs %v", path, a.Interface(), b.Interface())
		}
		return ""
	}
}
