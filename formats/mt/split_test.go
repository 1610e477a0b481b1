package mt

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// splitReference is Split as it was before block 4 text was skipped with
// bytes.Index: one byte at a time (headerless statement files go to
// splitStatements, as in Split). Split must cut every input the same.
func splitReference(raw []byte) []engine.Segment {
	if segs, ok := splitStatements(raw); ok {
		return segs
	}
	var segs []engine.Segment
	line, col := 1, 1
	start, sLine, sCol := -1, 1, 1
	depth := 0
	inText := false
	ackOpen := false
	flush := func(end int) {
		if start >= 0 {
			segs = append(segs, engine.Segment{Data: raw[start:end], Line: sLine, Column: sCol})
			start = -1
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inText:
			if c == '\n' && i+2 < len(raw) && raw[i+1] == '-' && raw[i+2] == '}' {
				inText = false
			}
		case c == '$' && depth == 0:
			flush(i)
			ackOpen = false
		case c == '{':
			if depth == 0 && i+2 < len(raw) && raw[i+1] == '1' && raw[i+2] == ':' {
				isAck := i+6 < len(raw) && raw[i+4] == '2' && raw[i+5] == '1'
				if !ackOpen {
					flush(i)
				}
				ackOpen = isAck
				if start < 0 {
					start, sLine, sCol = i, line, col
				}
			}
			if start < 0 {
				start, sLine, sCol = i, line, col
			}
			if depth == 0 && i+3 < len(raw) && raw[i+1] == '4' && raw[i+2] == ':' && raw[i+3] != '{' {
				inText = true
			}
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
		default:
			if start < 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				start, sLine, sCol = i, line, col
			}
		}
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	flush(len(raw))
	return segs
}

// TestSplitMatchesReference: the corpus, the test messages and edge cases
// cut as the byte-at-a-time reference cuts them.
func TestSplitMatchesReference(t *testing.T) {
	inputs := map[string][]byte{
		"unterminated text":     []byte("{1:F01BANKBEBBAXXX0000000000}{4:\n:20:A\nno end"),
		"end at the very end":   []byte("{1:F01BANKBEBBAXXX0000000000}{4:\n:20:A\n-}"),
		"two, CRLF, $":          []byte("{1:F01A}{4:\r\n:20:A\r\n-}\r\n${1:F01B}{4:\r\n:20:B\r\n-}{5:{CHK:1}}"),
		"text with braces":      []byte("{1:F01A}{4:\n:79:{1:NOT\n}-}\n-}{1:F01B}{4:\n-}"),
		"empty":                 nil,
		"newline then -} twice": []byte("{4:\n\n-}\n-}{4:x\n-}"),
	}
	for _, dir := range []string{"../../testdata/mt", "../../../shared/corpus/mt"} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
				if b, err := os.ReadFile(p); err == nil {
					inputs[p] = b
				}
			}
			return nil
		})
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	for name, raw := range inputs {
		if got, want := (&Format{}).Split(raw), splitReference(raw); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d segments %+v, reference %d %+v", name, len(got), got, len(want), want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte("{1:F01A}{4:\n:20:A\n-}${1:F01B}{4:\r\n:20:B\r\n-}"))
	f.Add([]byte("{4:\n\n-}\n-}{4:x\n-}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got, want := (&Format{}).Split(raw), splitReference(raw); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, reference %+v", raw, got, want)
		}
	})
}
