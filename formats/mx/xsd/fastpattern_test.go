package xsd

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestCompileFast(t *testing.T) {
	for src, want := range map[string]bool{
		`[A-Z]{3,3}`: true,
		`[A-Z0-9]{4,4}[A-Z]{2,2}[A-Z0-9]{2,2}([A-Z0-9]{3,3}){0,1}`:            true,
		`[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}`: true,
		`\+[0-9]{1,3}-[0-9()+\-]{1,30}`:                                       true,
		`[0-9a-zA-Z/\-\?:\(\)\.,'\+ ]+`:                                       true,
		`[A-Z]{1,3}[0-9]?[A-Z]`:                                               false, // greedy would be wrong
		`[a-z]+[a-z]`:                                                         false,
		`.*Z`:                                                                 false,
		`a|b`:                                                                 false,
		`\d{3}`:                                                               false,
		`[^a]`:                                                                false,
	} {
		if got := compileFast(src) != nil; got != want {
			t.Errorf("%s: fast=%v, want %v", src, got, want)
		}
	}
}

// TestFastMatchesRegexp checks the fast matcher against the regexp on every
// pattern of the test schemas and the shipped ones' kinds, with random and
// edge values.
func TestFastMatchesRegexp(t *testing.T) {
	srcs := []string{
		`[A-Z]{3,3}`, `[A-Z]{2,2}`, `[0-9]{1,15}`, `[A-Z]{2,2}[0-9]{2,2}[a-zA-Z0-9]{1,30}`, `[A-Z0-9]{18,18}[0-9]{2,2}`,
		`[A-Z0-9]{4,4}[A-Z]{2,2}[A-Z0-9]{2,2}([A-Z0-9]{3,3}){0,1}`, `[A-Z]{6,6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3,3}){0,1}`,
		`[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}`, `\+[0-9]{1,3}-[0-9()+\-]{1,30}`,
		`[0-9a-zA-Z/\-\?:\(\)\.,'\+ ]+`, `[0-9]{5}`, `[a-z]?[0-9]+`, `x?y*z`, `[0-9]{2,4}(AB)?`,
	}
	for _, t2 := range schemaPatterns(t) {
		srcs = append(srcs, t2)
	}
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for _, src := range srcs {
		fp := compileFast(src)
		if fp == nil {
			continue
		}
		tr, err := TranslatePattern(src)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(tr)
		// Characters the pattern mentions, plus a few others.
		pool := []byte("AZaz09-+/ ()é.:,'?!" + src)
		for n := 0; n < 300; n++ {
			var b strings.Builder
			l := r.IntN(40)
			for i := 0; i < l; i++ {
				b.WriteByte(pool[r.IntN(len(pool))])
			}
			v := []byte(b.String())
			m, ok := fp.match(v)
			if !ok {
				continue
			}
			checked++
			if m != re.Match(v) {
				t.Fatalf("%s on %q: fast %v, regexp %v", src, v, m, !m)
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d values checked", checked)
	}
}

// schemaPatterns lists the patterns of the XSDs available to the tests.
func schemaPatterns(t *testing.T) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range schemaFiles(t) {
		s, err := ReadFile(f)
		if err != nil {
			continue
		}
		for _, st := range s.SimpleTypes {
			for _, p := range st.Facets.Patterns {
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}
