package mt

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/internal/testenv"
)

// benchMT103 is the typical MT 103 of formats/mt's benchmarks (17 fields).
const benchMT103 = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{108:MUR12345}{121:eb6305c9-1f7f-49de-aed0-16487c27b42d}}{4:\r\n" +
	":20:REF12345\r\n:13C:/SNDTIME/1249+0100\r\n:23B:CRED\r\n:23E:SDVA\r\n:26T:K90\r\n:32A:250115EUR1234,56\r\n:33B:EUR1234,56\r\n" +
	":50K:/DE89370400440532013000\r\nJOHN DOE\r\n123 MAIN STREET\r\nBERLIN\r\n:52A:BANKBEBB\r\n:53A:BANKBEBB\r\n:57A:BANKDEFFXXX\r\n" +
	":59:/DE44500105175407324931\r\nJANE SMITH\r\nFRANKFURT\r\n:70:INVOICE 12345\r\n:71A:SHA\r\n:71F:EUR1,\r\n:72:/INS/BANKBEBB\r\n:77B:/ORDERRES/BE\r\n-}{5:{CHK:123456789ABC}}"

// benchMT940 is an MT 940 with n statement lines (61 and 86).
func benchMT940(n int) string {
	var b strings.Builder
	b.WriteString("{1:F01BANKBEBBAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\r\n:20:STMT1\r\n:25:123456789\r\n:28C:1/1\r\n:60F:C250114EUR1000,\r\n")
	for i := 0; i < n; i++ {
		b.WriteString(":61:2501150115D1" + strconv.Itoa(i) + ",5NTRFREF" + strconv.Itoa(i) + "//BANK" + strconv.Itoa(i) + "\r\nSUPPLEMENTARY DETAILS\r\n:86:PAYMENT " + strconv.Itoa(i) + "\r\nSECOND LINE OF NARRATIVE\r\n")
	}
	b.WriteString(":62F:C250115EUR950,25\r\n:64:C250115EUR950,25\r\n-}")
	return b.String()
}

// builtinEngine is an engine as package swiftval sets it up for MT: the
// MT format and this rule pack.
func builtinEngine(tb testing.TB) *engine.Engine {
	e := engine.New(engine.Options{})
	e.RegisterFormat(mt.NewFormat())
	if err := e.AddRuleSet(RuleSet()); err != nil {
		tb.Fatal(err)
	}
	return e
}

func benchValidate(b *testing.B, raw []byte) {
	e := builtinEngine(b)
	ctx := context.Background()
	if r := e.Validate(ctx, raw); !r.Valid {
		b.Fatal(r.Findings)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	cpu := processCPU()
	for b.Loop() {
		e.Validate(ctx, raw)
	}
	if start := cpu; start != 0 && b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkValidateMT103 is parse plus full validation (format and rule
// pack) of a typical MT 103; target: median 3 µs, at most 10 allocations.
func BenchmarkValidateMT103(b *testing.B) { benchValidate(b, []byte(benchMT103)) }

// BenchmarkValidateMT940_50 is parse plus full validation of an MT 940
// with 50 statement lines; target: 40 µs.
func BenchmarkValidateMT940_50(b *testing.B) { benchValidate(b, []byte(benchMT940(50))) }

// TestAllocationsBuiltin pins the allocation budget of parse plus full
// validation of a typical MT 103 with the rule pack: at most 10.
func TestAllocationsBuiltin(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	e := builtinEngine(t)
	ctx := context.Background()
	raw := []byte(benchMT103)
	if r := e.Validate(ctx, raw); !r.Valid {
		t.Fatal(r.Findings)
	}
	if n := testing.AllocsPerRun(200, func() { e.Validate(ctx, raw) }); n > 10 {
		t.Errorf("Validate(MT103) with the rule pack = %.0f allocations, budget 10", n)
	}
}
