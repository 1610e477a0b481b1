package directory

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/swiftval/swiftval/internal/testenv"
)

// genCSV returns a directory of n distinct BICs in the swiftval layout,
// shaped like the real one: four branches per institution, names of about
// 30 characters, a city, an LEI, the connected flag and a validity period
// on every tenth line.
func genCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("bic,name,city,country,lei,connected,valid_from,valid_to\n")
	countries := []string{"DE", "GB", "FR", "US", "BE", "NL", "CH", "JP", "SG", "IT"}
	branches := []string{"XXX", "100", "2AB", "ZZ9"}
	lei := []byte("ZZZZ00000000000000")
	for i := 0; i < n; i++ {
		inst := i / len(branches)
		var code [4]byte
		for j, v := 3, inst; j >= 0; j-- {
			code[j] = byte('A' + v%26)
			v /= 26
		}
		cc := countries[inst%len(countries)]
		loc := fmt.Sprintf("%c%c", 'A'+inst/456976%26, '2'+inst/456976/26%8)
		bic := string(code[:]) + cc + loc + branches[i%len(branches)]
		copy(lei[6:], fmt.Sprintf("%012d", i))
		l := string(lei) + checkDigits(string(lei))
		from, to := "", ""
		if i%10 == 0 {
			from, to = "2001-01-01", "2099-12-31"
		}
		fmt.Fprintf(&b, "%s,Example Banking Corporation %06d,City %04d,%s,%s,%v,%s,%s\n", bic, i, inst%10000, cc, l, i%7 != 0, from, to)
	}
	return b.Bytes()
}

// checkDigits computes the two ISO 17442 check digits of an 18-character
// LEI base (98 minus the MOD 97-10 remainder of the base followed by 00).
func checkDigits(base string) string {
	var r uint64
	for _, c := range base + "00" {
		if c >= '0' && c <= '9' {
			r = (r*10 + uint64(c-'0')) % 97
		} else {
			r = (r*100 + uint64(c-'A') + 10) % 97
		}
	}
	return fmt.Sprintf("%02d", 98-r)
}

func TestGeneratedDirectoryLoads(t *testing.T) {
	d, err := Parse(bytes.NewReader(genCSV(1000)), "gen")
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 1000 {
		t.Fatalf("%d entries, want 1000", d.Len())
	}
}

// TestLoad200kAllocatedMemory pins the memory a 200 000-BIC directory
// keeps (the ceiling is 30 MB). Memory, not time: it is measured
// with the heap after a collection, which the race detector does not
// change, but the load is slow under -race, so make test runs it in the
// allocation pass without it.
func TestLoad200kAllocatedMemory(t *testing.T) {
	if testenv.RaceEnabled || testing.Short() {
		t.Skip("run without -race (make test's Alloc pass)")
	}
	data := genCSV(200_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := Parse(bytes.NewReader(data), "gen")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	t.Logf("200 000 BICs: %.1f MiB kept", mb)
	if mb > 30 {
		t.Errorf("200 000 BICs keep %.1f MiB, above 30", mb)
	}
	runtime.KeepAlive(d)
	runtime.KeepAlive(data)
}

// BenchmarkLoad200k loads a 200 000-BIC directory file (about 21 MB of
// CSV) and reports the memory it keeps.
func BenchmarkLoad200k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bic.csv")
	data := genCSV(200_000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var kept float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d, err := LoadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(d)
	}
	b.ReportMetric(kept, "MiB-kept")
}

// BenchmarkLookup looks up a BIC found directly, one found through its
// 8-character entry, a branch not in the directory and an unknown BIC, in
// a 200 000-BIC directory.
func BenchmarkLookup(b *testing.B) {
	data := genCSV(200_000)
	d, err := Parse(bytes.NewReader(data), "gen")
	if err != nil {
		b.Fatal(err)
	}
	e, _ := d.Lookup("AAAADEA2XXX")
	if e.BIC == "" {
		b.Fatal("generated BIC not found")
	}
	for _, c := range []struct{ name, bic string }{
		{"found", "AAAADEA2XXX"},
		{"branch-unknown", "AAAADEA2999"},
		{"unknown", "QQQQDEA2XXX"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e, _ := d.Lookup(c.bic)
				_ = e
			}
		})
	}
}
