package mt

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval/engine"
)

// TestBadInput feeds hostile input: every case must give an invalid report
// with located findings, without panic, within a bounded number of
// findings and in reasonable time.
func TestBadInput(t *testing.T) {
	valid := b1 + b2 + b3 + text
	many := b1 + "{2:I199BANKDEFFXXXXN}{4:\r\n" + strings.Repeat(":20:X\r\n", 100000) + "-}"
	huge := b1 + "{2:I199BANKDEFFXXXXN}{4:\r\n:79:" + strings.Repeat("A", 10<<20) + "\r\n-}"
	cases := map[string]string{
		"binary":            "{1:\x00\x01\x02\xff\xfe{{{{}}}}\x00",
		"truncated block 1": "{1:F01BANK",
		"truncated block 2": b1 + "{2:I103BAN",
		"truncated block 3": b1 + b2 + "{3:{121:abc",
		"truncated block 4": b1 + b2 + b3 + "{4:\r\n:20:REF\r\n:32A:2501",
		"unbalanced open":   b1 + b2 + "{3:{{{{{{" + text,
		"unbalanced close":  b1 + b2 + "}}}}" + text,
		"unknown blocks":    b1 + b2 + "{9:X}{0:Y}{A:Z}" + text,
		"invalid UTF-8":     b1 + b2 + b3 + "{4:\r\n:20:R\xff\xfe\r\n:79:\xc3\x28\r\n-}",
		"non-SWIFT chars":   b1 + b2 + b3 + "{4:\r\n:20:REF\r\n:23B:CRED\r\n:32A:250115EUR1,\r\n:50K:JÖHN ß\r\n:59:JANE\r\n:71A:OUR\r\n-}",
		"field repeated":    many,
		"only braces":       strings.Repeat("{", 5000) + strings.Repeat("}", 4000),
		"deep tags":         b1 + b2 + "{3:" + strings.Repeat("{108:", 3000),
		"tab garbage":       b1 + "\t\t" + valid[len(b1):] + "\x00",
		"dollar only":       "{1:$$$$",
	}
	e := newEngine()
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			r := e.ValidateWith(context.Background(), []byte(in), engine.ValidateOptions{Format: "mt"})
			if r.Valid {
				t.Fatalf("reported valid")
			}
			if r.HasCode(engine.CodeParserPanicked) {
				t.Fatalf("parser panicked")
			}
			if len(r.Findings) > MaxFindings+1 {
				t.Fatalf("%d findings, above the cap", len(r.Findings))
			}
			located := false
			for _, f := range r.Findings {
				if f.Location.Line > 0 {
					located = true
				}
				if len(f.Message) > 400 {
					t.Errorf("finding message too long (%d): echoes too much", len(f.Message))
				}
			}
			if !located {
				t.Errorf("no located finding: %v", r.Findings)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// 10 MB: the engine refuses it (SV011); the parser alone copes too.
	r := e.Validate(context.Background(), []byte(huge))
	if r.Valid || !r.HasCode(engine.CodeInputTooLarge) {
		t.Errorf("10 MB input: %v", r.Findings)
	}
	var f engine.Findings
	if m := Parse([]byte(huge), &f); m == nil || f.Errors() == 0 {
		t.Errorf("10 MB parse: no findings")
	}
	// 100 000 repeated fields: capped.
	f.Reset()
	m := Parse([]byte(many), &f)
	if len(m.Fields) > MaxFields || f.Len() > MaxFindings+1 {
		t.Errorf("repeated field: %d fields, %d findings", len(m.Fields), f.Len())
	}
	if !bytes.Contains([]byte(findingCodes(f.List())), []byte(CodeTooManyFields)) {
		t.Errorf("want %s", CodeTooManyFields)
	}
	// Empty input is the engine's SV012.
	if r := e.Validate(context.Background(), nil); !r.HasCode(engine.CodeEmptyInput) {
		t.Errorf("empty: %v", r.Findings)
	}
	if Parse([]byte(" \r\n"), &f) != nil {
		t.Errorf("blank input should give nil")
	}
}

func findingCodes(fs []engine.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Code)
		b.WriteByte(' ')
	}
	return b.String()
}

func TestEchoBound(t *testing.T) {
	long := strings.Repeat("Z", 500)
	_, fs := parseOnly(b1 + b2 + "{3:{108:" + long + "}}" + text)
	for _, f := range fs {
		if strings.Contains(f.Message, strings.Repeat("Z", engine.MaxEcho+1)) {
			t.Errorf("finding echoes more than %d characters: %s", engine.MaxEcho, f.Message)
		}
	}
}
