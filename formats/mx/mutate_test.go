package mx

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/formats/mx/xmlscan"
)

// TestDifferentialMutants extends the differential test to invalid input:
// it derives mutants from the corpus (an element removed, duplicated,
// renamed or moved, a value or attribute replaced) with a fixed seed and
// checks each against xmllint like TestDifferentialXmllint.

type span struct {
	start, end       int // whole element
	textStart, textE int // text content of a leaf element; textStart < 0 otherwise
	attrStart        int // offset of the first attribute value, -1 if none
	attrEnd          int
	depth            int
}

func elements(raw []byte) []span {
	sc := xmlscan.NewScanner(raw, xmlscan.Limits{})
	var out []span
	var stack []int
	for {
		tok, err := sc.Next()
		if errors.Is(err, io.EOF) || err != nil {
			return out
		}
		switch tok.Kind {
		case xmlscan.StartElement:
			sp := span{start: tok.Offset, textStart: -1, attrStart: -1, depth: tok.Depth}
			if len(tok.Attrs) > 0 {
				v := tok.Attrs[0].Value
				if i := bytes.Index(raw[tok.Offset:tok.End], v); i >= 0 && len(v) > 0 {
					sp.attrStart, sp.attrEnd = tok.Offset+i, tok.Offset+i+len(v)
				}
			}
			out = append(out, sp)
			stack = append(stack, len(out)-1)
		case xmlscan.Text:
			if len(stack) > 0 {
				sp := &out[stack[len(stack)-1]]
				sp.textStart, sp.textE = tok.Offset, tok.End
			}
		case xmlscan.EndElement:
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			out[i].end = tok.End
		}
	}
}

var mutantValues = []string{"", "X", "-1", "1.123456", "2026-02-30", "2026-01-01T25:00:00", strings.Repeat("ABCDEFGHIJ", 15), "é", " 12 ", "true", "99999999999999999999", "NOTACODE", "abc", "0", "1e5"}

func mutate(r *rand.Rand, raw []byte) ([]byte, string) {
	els := elements(raw)
	var inner []span // below the Document element
	for _, e := range els {
		if e.depth >= 3 {
			inner = append(inner, e)
		}
	}
	if len(inner) == 0 {
		return nil, ""
	}
	e := inner[r.IntN(len(inner))]
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tagEnd := e.start + bytes.IndexByte(raw[e.start:e.end], '>')
	selfClosing := raw[tagEnd-1] == '/'
	switch r.IntN(10) {
	case 6:
		if selfClosing {
			return nil, ""
		}
		return cat(raw[:tagEnd+1], []byte("junk"), raw[tagEnd+1:]), "text"
	case 7:
		at := tagEnd
		if selfClosing {
			at--
		}
		return cat(raw[:at], []byte(` foo="1"`), raw[at:]), "attr-added"
	case 8:
		if selfClosing {
			return nil, ""
		}
		return cat(raw[:tagEnd+1], []byte(`<x:Y xmlns:x="urn:x"/>`), raw[tagEnd+1:]), "foreign-child"
	case 9:
		// Empty the element: <Name/>.
		if selfClosing {
			return nil, ""
		}
		return cat(raw[:tagEnd], []byte("/>"), raw[e.end:]), "emptied"
	case 0:
		return cat(raw[:e.start], raw[e.end:]), "remove"
	case 1:
		return cat(raw[:e.end], raw[e.start:e.end], raw[e.end:]), "duplicate"
	case 2:
		// Rename: insert a letter after the name in start and end tags.
		el := raw[e.start:e.end]
		i := bytes.IndexAny(el[1:], " />") + 1
		j := bytes.LastIndex(el, []byte("</"))
		if j < 0 {
			return cat(raw[:e.start+i], []byte("Q"), raw[e.start+i:]), "rename"
		}
		k := bytes.IndexByte(el[j:], '>') + j
		out := cat(raw[:e.start+i], []byte("Q"), raw[e.start+i:e.start+k], []byte("Q"), raw[e.start+k:])
		return out, "rename"
	case 3:
		if e.textStart < 0 {
			return nil, ""
		}
		v := mutantValues[r.IntN(len(mutantValues))]
		return cat(raw[:e.textStart], []byte(v), raw[e.textE:]), "value " + v
	case 4:
		if e.attrStart < 0 {
			return nil, ""
		}
		return cat(raw[:e.attrStart], []byte("eu"), raw[e.attrEnd:]), "attribute"
	default:
		// Move the element after its next sibling, if it has one.
		for _, n := range inner {
			if n.start > e.end && n.depth == e.depth {
				between := raw[e.end:n.start]
				if len(bytes.TrimSpace(between)) == 0 {
					return cat(raw[:e.start], raw[n.start:n.end], between, raw[e.start:e.end], raw[n.end:]), "swap"
				}
				break
			}
		}
		return nil, ""
	}
}

func TestDifferentialMutants(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils): the differential test needs it")
	}
	if testing.Short() {
		t.Skip("runs xmllint per mutant; skipped in -short mode")
	}
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("no corpus")
	}
	xsds := xsdPaths(t)
	known := knownDifferences(t)
	f := Default()
	seed, mutants := uint64(20261128), 300
	if v := os.Getenv("SWIFTVAL_MUTANTS"); v != "" { // deeper runs: SWIFTVAL_MUTANTS=5000
		mutants, _ = strconv.Atoi(v)
		seed = uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	checked, agreed, recorded, invalid := 0, 0, 0, 0
	for n := 0; checked < mutants && n < mutants*20; n++ {
		file := files[r.IntN(len(files))]
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := parts(raw)
		if err != nil || len(ps) == 0 {
			continue
		}
		if _, ok := xsds[ps[len(ps)-1].ns]; !ok {
			continue
		}
		mut, what := mutate(r, raw)
		if mut == nil {
			continue
		}
		mps, err := parts(mut)
		if err != nil || len(mps) != len(ps) {
			continue // the mutation broke the envelope: not a schema case
		}
		got := ours(f, mut)
		for _, p := range mps {
			x, ok := xsds[p.ns]
			if !ok {
				continue
			}
			okL, line, msg := xmllint(t, x, fragment(mut, p))
			want := verdict{valid: okL, line: line, msg: msg}
			g := got[p.name]
			checked++
			if !want.valid {
				invalid++
			}
			key := strings.TrimPrefix(strings.TrimPrefix(file, sharedCorpus+"/"), "../../") + " " + p.name + " " + what
			if g.valid == want.valid && (g.valid || g.line == want.line) {
				agreed++
				continue
			}
			if reason, ok := known["multiline-start-tag -"]; ok && !g.valid && !want.valid && multilineTag(mut, g.line, want.line) {
				recorded++
				t.Logf("%s: known difference (%s): ours %v; xmllint %v", key, reason, g, want)
				continue
			}
			if reason, ok := known["text-position -"]; ok && textPosition(g, want) {
				recorded++
				t.Logf("%s: known difference (%s): ours %v; xmllint %v", key, reason, g, want)
				continue
			}
			t.Errorf("%s: ours %v; xmllint %v", key, g, want)
		}
	}
	t.Logf("mutants: %d parts checked (%d invalid per xmllint), %d agree, %d known differences", checked, invalid, agreed, recorded)
}
