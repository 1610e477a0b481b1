package directory

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse: any input gives a Directory or a *LoadError with at least one
// problem, never a panic; every entry of a Directory is found by its BIC.
// Seeds: testdata/fuzz/FuzzParse and the cases below.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"bic\nBANKBEBBXXX\n",
		"LEI,BIC\nZZZZ00EXAMPLEBANK116,EXBKDEF0XXX\nZZZZ00DEMOHOLDING973,EXBKDEF0XXX\n",
		"bic,name,lei\nBANKBEBB,\"a, b\",ZZZZ00EXAMPLEBANK116;ZZZZ00DEMOHOLDING973\nBANKBEBBXXX,,ZZZZ00SAMPLETRUST038\n",
		"\uFEFFbic,valid_from,valid_to\r\nBANKBEBBXXX,2024-01-01,2023-01-01\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("error %v is not a *LoadError with problems", err)
			}
			return
		}
		for i := range d.recs {
			e := d.entry(uint32(i))
			if got, res := d.Lookup(e.BIC); res != Found || got.BIC != e.BIC {
				t.Fatalf("entry %s not found by its BIC: %s", e.BIC, res)
			}
		}
	})
}
