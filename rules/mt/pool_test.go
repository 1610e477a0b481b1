package mt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/rules/common"
)

// poolInputs are messages with and without rule findings: the repository's
// MT samples, the benchmark messages and messages that break rules.
func poolInputs(t *testing.T) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "mt", "*.fin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples found: %v", err)
	}
	var in [][]byte
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, b)
	}
	for _, s := range []string{
		benchMT103, benchMT940(20),
		mt103(":33B:USD1100,00", ":36:0,9", ":23E:SDVA", ":53B:/1", ":56C://FW1", ":57D:X", ":71F:EUR1,"),
		mt103From(ltBE, ltDE, stp, ":23B:SPRI", ":23E:INTC"),
		mt101(txWith(":21F:FX1", ":33B:USD110,00", ":36:0,9", ":50L:X")...),
		mt942(":34F:EURD100,", ":34F:EURC1,", ":61:250102D5,NTRFREF", ":86:X", ":90D:1EUR5,"),
	} {
		in = append(in, []byte(s))
	}
	return in
}

func reportsJSON(e *engine.Engine, raw []byte) ([]*engine.Report, []byte) {
	reps := e.ValidateAll(context.Background(), raw, engine.ValidateOptions{})
	var b []byte
	for _, r := range reps {
		r.Elapsed = 0
		b = r.AppendJSON(b)
	}
	return reps, b
}

// TestPoolReuseKeepsReports validates A, then every other message (reusing
// A's recycled Message), and checks that A's report, rule findings
// included, is unchanged.
func TestPoolReuseKeepsReports(t *testing.T) {
	e := builtinEngine(t)
	inputs := poolInputs(t)
	rules := 0
	for i, a := range inputs {
		repsA, before := reportsJSON(e, a)
		for _, r := range repsA {
			for _, f := range r.Findings {
				if f.RuleSet != "" {
					rules++
				}
			}
		}
		for j, b := range inputs {
			if j != i {
				reportsJSON(e, b)
			}
		}
		var after []byte
		for _, r := range repsA {
			after = r.AppendJSON(after)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("input %d: report changed after other validations:\nbefore %s\nafter  %s", i, before, after)
		}
	}
	if rules == 0 {
		t.Fatal("no rule finding in the inputs: the test proves nothing")
	}
}

// TestPoolConcurrent validates from several goroutines (run with -race):
// each report must equal the one computed alone.
func TestPoolConcurrent(t *testing.T) {
	e := builtinEngine(t)
	inputs := poolInputs(t)
	want := make([][]byte, len(inputs))
	for i, in := range inputs {
		_, want[i] = reportsJSON(e, in)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 25; k++ {
				i := (g*5 + k) % len(inputs)
				if _, got := reportsJSON(e, inputs[i]); !bytes.Equal(got, want[i]) {
					t.Errorf("input %d: concurrent report differs:\ngot  %s\nwant %s", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// fields23ERef is fields23E as first written: a scan of all fields.
func fields23ERef(fs []mt.Field) []mt.Field {
	for i := range fs {
		switch fs[i].Tag {
		case "32A":
			return nil
		case "23E":
			j := i + 1
			for j < len(fs) && fs[j].Tag == "23E" {
				j++
			}
			return fs[i:j]
		}
	}
	return nil
}

// TestIndexedHelpers checks the helpers that use the message's tag index
// against scans of the fields.
func TestIndexedHelpers(t *testing.T) {
	inputs := poolInputs(t)
	for _, s := range []string{
		mt103(":23E:SDVA", ":23E:INTC"), mt103("-32A", ":23E:SDVA"), mt103(":32A:250102EUR1,", ":23E:PHOB"),
		fin("103", ltBE, ltUS, uetr, ":20:R", ":32A:250102EUR1,", ":23E:SDVA", ":23B:CRED"),
		fin("103", ltBE, ltUS, uetr, ":20:R", ":23E:SDVA", ":71A:SHA", ":23E:HOLD"),
	} {
		inputs = append(inputs, []byte(s))
	}
	for i, in := range inputs {
		m := mt.Parse(in, &engine.Findings{})
		if m == nil {
			continue
		}
		a, b := fields23E(m), fields23ERef(m.Fields)
		if len(a) != len(b) || (len(a) > 0 && &a[0] != &b[0]) {
			t.Errorf("input %d: fields23E = %d fields, want %d", i, len(a), len(b))
		}
		want := ""
		if x := find(m.Fields, "23B"); x != nil {
			want, _, _ = code4(x.Value)
		}
		if got := bankOp(m); got != want {
			t.Errorf("input %d: bankOp = %q, want %q", i, got, want)
		}
	}
}

// TestFacts checks the once-per-validation 23B/23E facts against the
// questions the rules asked of 23B and the 23E run before: each bit is set
// exactly when its condition holds, and a second call reads the slot.
func TestFacts(t *testing.T) {
	inputs := poolInputs(t)
	for _, s := range []string{
		mt103(":23E:SDVA", ":23E:INTC"), mt103(":23E:CHQB"), mt103(":23E:TELI/X"), mt103(":23E:PHOI"),
		mt103(":23E:TELE", ":23E:PHON/1"), mt103("-23B", ":23E:HOLD/X"), mt103(":23B:SPRI", ":23E:SDVA"),
		mt103(":23B:SSTD"), mt103(":23B:SPAY/X"), mt103(":23B:SPRIX"), mt103(":32A:250102EUR1,", ":23E:CHQB"),
		fin("103", ltBE, ltUS, uetr, ":20:R", ":32A:250102EUR1,", ":23E:CHQB", ":23B:SPRI"),
	} {
		inputs = append(inputs, []byte(s))
	}
	any23E := func(fs []mt.Field, codes ...string) bool {
		for i := range fs {
			c, _, _ := code4(fs[i].Value)
			for _, k := range codes {
				if c == k {
					return true
				}
			}
		}
		return false
	}
	for i, in := range inputs {
		m := mt.Parse(in, &engine.Findings{})
		if m == nil {
			continue
		}
		fs := fields23ERef(m.Fields)
		info := false
		for j := range fs {
			_, _, slash := code4(fs[j].Value)
			info = info || slash
		}
		em := &engine.Message{Body: m}
		x := facts(em, m)
		op := bankOp(m)
		for _, c := range []struct {
			name      string
			got, want bool
		}{
			{"SPRI", x.op() == opSPRI, op == "SPRI"},
			{"SSTD|SPAY", x.op()&(opSSTD|opSPAY) != 0, op == "SSTD" || op == "SPAY"},
			{"special", x.op() != 0, op == "SPRI" || op == "SSTD" || op == "SPAY"},
			{"many", x.has(e23Many), len(fs) > 1},
			{"info", x.has(e23Info), info},
			{"CHQB", x.has(e23CHQB), any23E(fs, "CHQB")},
			{"TELI", x.has(e23TelI), any23E(fs, "TELI", "PHOI")},
			{"TELE", x.has(e23TelE), any23E(fs, "TELE", "PHON")},
		} {
			if c.got != c.want {
				t.Errorf("input %d: facts %s = %v, want %v", i, c.name, c.got, c.want)
			}
		}
		if y, ok := em.Cached(factsSlot).(facts103); !ok || y != x {
			t.Errorf("input %d: slot holds %v, want %v", i, em.Cached(factsSlot), x)
		}
		if n := testing.AllocsPerRun(10, func() { em.SetCached(factsSlot, nil); facts(em, m) }); n != 0 {
			t.Errorf("input %d: facts allocates %v times", i, n)
		}
	}
}

// TestBICOfComponents checks that bicOf, which takes the parsed BIC
// component, gives what lastLine gives on the value, for every party field
// of the test messages, matched or not.
func TestBICOfComponents(t *testing.T) {
	inputs := poolInputs(t)
	for _, s := range []string{
		mt103(":52A:/D/123\nBANKBEBB", ":53A:/DE89370400440532013000\nBANKDEFFXXX", ":57A://FW1\r\nBANKUS33"),
		mt103(":52A:BANKBEBBXXX", ":57A:/C\nBANKBE", ":56A:BANK\nBEBB"),
		mt103(":50A:/1\nBANKBEBB", ":59A:BANKBEBB"),
	} {
		inputs = append(inputs, []byte(s))
	}
	parsed := 0
	for i, in := range inputs {
		m := mt.Parse(in, &engine.Findings{})
		if m == nil {
			continue
		}
		for k := range m.Fields {
			x := &m.Fields[k]
			bic, line, ok := bicOf(x)
			if !ok {
				continue
			}
			if x.Components != nil {
				parsed++
			}
			if wb, wl := lastLine(x.Value); bic != wb || line != wl {
				t.Errorf("input %d field %s %q: bicOf = %q, %d; lastLine = %q, %d", i, x.Tag, x.Value, bic, line, wb, wl)
			}
		}
	}
	if parsed < 10 {
		t.Errorf("only %d parsed party fields checked", parsed)
	}
}

// TestAmountKind checks the byte-level tag classification of ccyAmount
// against the string switch it replaced, on every tag form, and lastLine's
// one-line shortcut against the general loop.
func TestAmountKind(t *testing.T) {
	ref := func(tag string) int {
		switch tag {
		case "32A":
			return amtAt6
		case "32B", "33B", "71F", "71G", "32C", "32D":
			return amtAt0
		case "60F", "60M", "62F", "62M", "64", "65":
			return amtAt7
		case "34F":
			return amt34F
		case "90D", "90C":
			return amt90
		}
		return amtNone
	}
	for n := 0; n < 100; n++ {
		num := string([]byte{byte('0' + n/10), byte('0' + n%10)})
		for _, o := range []string{"", "A", "B", "C", "D", "F", "G", "M", "a", "AB"} {
			if got, want := amountKind(num+o), ref(num+o); got != want {
				t.Errorf("amountKind(%q) = %d, want %d", num+o, got, want)
			}
			if amountKind(num+o) != amtNone && !strings.ContainsRune("3679", rune(num[0])) {
				t.Errorf("ruleC03's pre-check would skip %q", num+o)
			}
		}
	}
	for _, v := range []string{"", "X", "X\r", "\r", "BANKBEBB", "/1\r\nBANKBEBB", "A\nB\nC", "A\n", "\n"} {
		l, n := lastLine(v)
		k := strings.LastIndexByte(v, '\n')
		want := v[k+1:]
		if len(want) > 0 && want[len(want)-1] == '\r' {
			want = want[:len(want)-1]
		}
		if l != want || n != strings.Count(v, "\n") {
			t.Errorf("lastLine(%q) = %q, %d", v, l, n)
		}
	}
}

// TestTooManyDecimalsShortcut checks tooManyDecimals against the plain
// SplitAmount computation on amounts of every shape.
func TestTooManyDecimalsShortcut(t *testing.T) {
	for _, ccy := range []string{"EUR", "JPY", "BHD", "XAU", "CLF", "QQQ", ""} {
		for _, a := range []string{"", ",", "1", "1,", "1,5", "1,50", "1,505", "1,5055", "12,3,4", "1.5", "1,5X", ",50", "1,,", "100000,00000"} {
			want := false
			if n, ok := common.MinorUnits(ccy); ok {
				_, frac, p := common.SplitAmount(a, ',', true)
				want = p == common.AmountOK && frac > n
			}
			if got := tooManyDecimals(a, ccy); got != want {
				t.Errorf("tooManyDecimals(%q, %s) = %v, want %v", a, ccy, got, want)
			}
		}
	}
}
