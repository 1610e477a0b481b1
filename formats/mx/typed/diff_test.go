package typed

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDifferentialEncodingXML decodes every corpus message, and the
// repository's samples of each message definition, with encoding/xml (the
// reference) and checks that each leaf of the typed decoder, with its path
// stripped of indexes, has the same text at that element path.
func TestDifferentialEncodingXML(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.xml"))
	own, _ := filepath.Glob("../../../testdata/mx/definitions/*.xml")
	if len(own) == 0 {
		t.Fatal("no samples in testdata/mx/definitions")
	}
	files = append(files, own...)
	index := regexp.MustCompile(`\[\d+\]`)
	checked := 0
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		m, err := Decode(raw)
		if err != nil || m.Element == "" {
			continue
		}
		ref := reference(raw)
		ls := m.Leaves()
		for i := range ls {
			l := &ls[i]
			p := index.ReplaceAllString(m.LeafPath(l), "")
			want, ok := ref[p]
			if !ok {
				t.Errorf("%s: %s not found by encoding/xml", filepath.Base(f), p)
				continue
			}
			v := l.Value
			if l.Kind == KindAmount {
				v += "|" + l.Ccy
			}
			if !want[v] {
				t.Errorf("%s: %s = %q, encoding/xml has %v", filepath.Base(f), p, v, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing compared")
	}
}

// reference maps each element path (from AppHdr or Document, no indexes) to
// the set of its texts ("text|Ccy" for elements with a Ccy attribute).
func reference(raw []byte) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = false
	var stack []string
	var text strings.Builder
	var ccy []string
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			text.Reset()
			c := ""
			for _, a := range e.Attr {
				if a.Name.Local == "Ccy" {
					c = a.Value
				}
			}
			ccy = append(ccy, c)
		case xml.CharData:
			text.Write(e)
		case xml.EndElement:
			p := ""
			for i, s := range stack {
				if s == "AppHdr" || s == "Document" {
					p = "/" + strings.Join(stack[i:], "/")
					break
				}
			}
			v := text.String()
			if c := ccy[len(ccy)-1]; c != "" {
				v += "|" + c
			}
			if out[p] == nil {
				out[p] = map[string]bool{}
			}
			out[p][v] = true
			stack, ccy = stack[:len(stack)-1], ccy[:len(ccy)-1]
			text.Reset()
		}
	}
}
