package xsd

import (
	"bytes"
	"path/filepath"
	"testing"
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
		if w.Namespace() != v.Namespace() || w.File() != v.File() || w.HasElement("Document") != v.HasElement("Document") {
			t.Errorf("%s: loaded %s %s, compiled %s %s", f, w.Namespace(), w.File(), v.Namespace(), v.File())
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
