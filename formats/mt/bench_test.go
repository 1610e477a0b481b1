package mt

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// mt103 is a typical MT103 with 17 fields.
const mt103 = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{108:MUR12345}{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\r\n" +
	":20:REF12345\r\n:13C:/SNDTIME/1249+0100\r\n:23B:CRED\r\n:23E:SDVA\r\n:26T:K90\r\n:32A:250115EUR1234,56\r\n:33B:EUR1234,56\r\n" +
	":50K:/DE89370400440532013000\r\nJOHN DOE\r\n123 MAIN STREET\r\nBERLIN\r\n:52A:BANKBEBB\r\n:53A:BANKBEBB\r\n:57A:BANKDEFFXXX\r\n" +
	":59:/DE44500105175407324931\r\nJANE SMITH\r\nFRANKFURT\r\n:70:INVOICE 12345\r\n:71A:SHA\r\n:71F:EUR1,\r\n:72:/INS/BANKBEBB\r\n:77B:/ORDERRES/BE\r\n-}{5:{CHK:123456789ABC}}"

func mt940(n int) string {
	var b strings.Builder
	b.WriteString("{1:F01BANKBEBBAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\r\n:20:STMT1\r\n:25:123456789\r\n:28C:1/1\r\n:60F:C250114EUR1000,\r\n")
	for i := 0; i < n; i++ {
		b.WriteString(":61:2501150115D1" + strconv.Itoa(i) + ",5NTRFREF" + strconv.Itoa(i) + "//BANK" + strconv.Itoa(i) + "\r\nSUPPLEMENTARY DETAILS\r\n:86:PAYMENT " + strconv.Itoa(i) + "\r\nSECOND LINE OF NARRATIVE\r\n")
	}
	b.WriteString(":62F:C250115EUR950,25\r\n:64:C250115EUR950,25\r\n-}")
	return b.String()
}

func BenchmarkParseMT103(b *testing.B) {
	raw := []byte(mt103)
	var f engine.Findings
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	cpu := processCPU()
	for b.Loop() {
		f.Reset()
		Parse(raw, &f)
	}
	reportCPU(b, cpu)
	if f.Len() != 0 {
		b.Fatal(f.List())
	}
}

// BenchmarkParseMT103Reuse parses into a recycled Message (ParseInto), as
// an embedder with a pool would.
func BenchmarkParseMT103Reuse(b *testing.B) {
	raw := []byte(mt103)
	var f engine.Findings
	m := &Message{}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	cpu := processCPU()
	for b.Loop() {
		f.Reset()
		m = ParseInto(m, raw, &f)
	}
	reportCPU(b, cpu)
	if f.Len() != 0 {
		b.Fatal(f.List())
	}
}

func BenchmarkValidateMT103(b *testing.B) {
	raw := []byte(mt103)
	e := newEngine()
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	cpu := processCPU()
	for b.Loop() {
		if r := e.Validate(ctx, raw); !r.Valid {
			b.Fatal(r.Findings)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports process CPU time per operation (all threads, GC
// included) as cpu-ns/op: on a loaded machine it is the figure to compare
// with the latency targets, since ns/op then includes time spent waiting.
func reportCPU(b *testing.B, start int64) {
	if start == 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkParseMT940_50(b *testing.B) {
	raw := []byte(mt940(50))
	var f engine.Findings
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	cpu := processCPU()
	for b.Loop() {
		f.Reset()
		Parse(raw, &f)
	}
	reportCPU(b, cpu)
	if f.Len() != 0 {
		b.Fatal(f.List())
	}
}

// TestAllocations pins the allocation budget: parse plus full validation of
// a typical MT103 through the engine in at most 10 allocations.
func TestAllocations(t *testing.T) {
	raw := []byte(mt103)
	e := newEngine()
	ctx := context.Background()
	if r := e.Validate(ctx, raw); !r.Valid {
		t.Fatal(r.Findings)
	}
	n := testing.AllocsPerRun(200, func() { e.Validate(ctx, raw) })
	if n > 10 {
		t.Errorf("Validate(MT103) = %.0f allocations, budget 10", n)
	}
	var f engine.Findings
	m := Parse(raw, &f)
	if n := testing.AllocsPerRun(100, func() { f.Reset(); m = ParseInto(m, raw, &f) }); n > 0 {
		t.Errorf("ParseInto(MT103) = %.0f allocations, want 0", n)
	}
	m, fs := parseOnly(mt940(50))
	if len(fs) != 0 || len(m.Sequences("61")) != 50 {
		t.Fatalf("MT940: %v, %d lines", fs, len(m.Sequences("61")))
	}
}

var sinkBytes []byte

// BenchmarkBaselineAlloc6K calibrates the machine: one 6 KiB allocation,
// about what parsing a typical MT103 allocates in total. On a loaded
// machine compare the MT benchmarks with it rather than with absolute
// targets.
func BenchmarkBaselineAlloc6K(b *testing.B) {
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		sinkBytes = make([]byte, 6<<10)
	}
	reportCPU(b, cpu)
}

// BenchmarkMatchPartyA matches the values an option-A party field takes
// (a BIC alone, BIC11, an account line then a BIC) against its format.
func BenchmarkMatchPartyA(b *testing.B) {
	p := specFor("57A").get().pat
	for _, c := range []struct{ name, v string }{{"BIC8", "BANKBEBB"}, {"BIC11", "BANKDEFFXXX"},
		{"IBAN", "/DE44500105175407324931\r\nBANKDEFFXXX"}, {"DC", "/D/12345\r\nBANKDEFFXXX"}} {
		b.Run(c.name, func(b *testing.B) {
			var mt matcher
			for b.Loop() {
				if !p.match(&mt, c.v) {
					b.Fatal(c.v)
				}
			}
		})
	}
}
