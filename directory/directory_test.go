package directory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swiftval/swiftval/internal/testenv"
)

func load(t testing.TB, file string) *Directory {
	t.Helper()
	d, err := LoadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLookup(t *testing.T) {
	d := load(t, "directory.csv")
	if d.Len() != 6 || d.Layout() != "swiftval" {
		t.Fatalf("Len %d layout %s, want 6 entries (BANKDEFF and BANKDEFFXXX are one), swiftval", d.Len(), d.Layout())
	}
	for _, c := range []struct {
		bic     string
		res     Result
		entry   string // BIC of the entry found
		country string
		conn    Connection
	}{
		{"BANKBEBBXXX", Found, "BANKBEBBXXX", "BE", Connected},
		{"BANKBEBB", Found, "BANKBEBBXXX", "BE", Connected},
		{"BANKBEBB123", BranchUnknown, "", "", 0},
		{"BANKDEFF", Found, "BANKDEFFXXX", "DE", Connected},
		{"BANKDEFF500", Found, "BANKDEFFXXX", "DE", Connected}, // the 8-character entry covers its branches
		{"BANKGB2L123", Found, "BANKGB2L123", "GB", NotConnected},
		{"BANKGB2L999", BranchUnknown, "", "", 0},
		{"NOPEGB2LXXX", Unknown, "", "", 0},
		{"BANKFRPPXXX", Unknown, "", "", 0},
		{"bankbebbxxx", Malformed, "", "", 0},
		{"BANKBE", Malformed, "", "", 0},
	} {
		e, res := d.Lookup(c.bic)
		if res != c.res || e.BIC != c.entry || e.Country != c.country || e.Connected != c.conn {
			t.Errorf("Lookup(%s) = %s %+v, want %s %s %s %s", c.bic, res, e, c.res, c.entry, c.country, c.conn)
		}
	}
	e, _ := d.Lookup("BANKGB2LXXX")
	if e.Name != "Example Bank London" || e.City != "London" || e.LEIs() != 2 || !e.HasLEI("ZZZZ00EXAMPLEBANK213") || e.HasLEI("ZZZZ00EXAMPLEBANK116") {
		t.Errorf("BANKGB2LXXX: %+v", e)
	}
	e, _ = d.Lookup("BANKDEFFXXX")
	if !e.Branches || e.Name != "Example Bank Frankfurt" || e.LEIs() != 1 || e.LEI(0) != "ZZZZ00DEMOHOLDING973" || e.ValidFrom.String() != "2020-01-01" {
		t.Errorf("BANKDEFF, merged from two lines: %+v", e)
	}
	e, _ = d.Lookup("OLDBFRPPXXX")
	for _, c := range []struct {
		date string
		ok   bool
	}{{"2000-12-31", false}, {"2001-01-01", true}, {"2024-12-31", true}, {"2025-01-01", false}} {
		dt, _ := ParseDate(c.date)
		if e.ValidOn(dt) != c.ok {
			t.Errorf("OLDBFRPPXXX valid on %s: %v, want %v", c.date, !c.ok, c.ok)
		}
	}
}

func TestGLEIFLayout(t *testing.T) {
	d := load(t, "gleif.csv")
	if d.Layout() != "gleif" || d.Len() != 4 {
		t.Fatalf("layout %s, %d entries; want gleif, 4", d.Layout(), d.Len())
	}
	e, res := d.Lookup("DMHOUS30XXX")
	if res != Found || e.LEIs() != 2 || !e.HasLEI("ZZZZ00EXAMPLEBANK213") || !e.HasLEI("ZZZZ00DEMOHOLDING973") {
		t.Errorf("one BIC, two LEIs: %s %+v", res, e)
	}
	if e.Country != "US" || e.Connected != ConnectionUnknown {
		t.Errorf("country from the BIC, connection unknown: %+v", e)
	}
	if _, res := d.Lookup("EXBKDEF0FRA"); res != Found {
		t.Errorf("EXBKDEF0FRA: %s", res)
	}
}

// TestMalformedRefused: every bad file is refused with the line of the
// first problem; nothing loads.
func TestMalformedRefused(t *testing.T) {
	const h = "bic,name,city,country,lei,connected,valid_from,valid_to\n"
	const ok = "BANKBEBBXXX,Bank,Brussels,BE,,true,,\n"
	for _, c := range []struct {
		name, csv string
		line      int
		want      string
	}{
		{"empty", "", 1, "header line is required"},
		{"unknown column", "bic,colour\n", 1, `unknown column "colour"`},
		{"no bic column", "name,city\n", 1, "no bic column"},
		{"column twice", "bic,name,bic\n", 1, `"bic" given twice`},
		{"bad BIC", h + ok + "BANKBE,Bank,Brussels,BE,,true,,\n", 3, `BIC "BANKBE" is not valid`},
		{"lower-case BIC", h + "bankbebbxxx,Bank,,,,,,\n", 2, "is not valid"},
		{"bad country", h + ok + ok[:0] + "BANKDEFFXXX,Bank,,QQ,,,,\n", 3, `country "QQ"`},
		{"bad LEI", h + "BANKDEFFXXX,Bank,,,ZZZZ00EXAMPLEBANK117,,,\n", 2, `LEI "ZZZZ00EXAMPLEBANK117" is not valid`},
		{"bad connected", h + "BANKDEFFXXX,Bank,,,,maybe,,\n", 2, `connected "maybe"`},
		{"bad date", h + ok + ok + "BANKDEFFXXX,Bank,,,,,2024-02-30,\n", 4, `valid_from "2024-02-30"`},
		{"period reversed", h + "BANKDEFFXXX,Bank,,,,,2024-02-01,2024-01-31\n", 2, "valid_to 2024-01-31 is before valid_from 2024-02-01"},
		{"field count", h + ok + "BANKDEFFXXX,Bank\n", 3, "wrong number of fields"},
		{"bad quoting", h + ok + "BANKDEFFXXX,\"Bank,,,,,,\n", 3, "bad CSV"},
		{"conflicting repeat", h + ok + "BANKBEBBXXX,Other Bank,,,,,,\n", 3, "different name (first at line 2)"},
		{"GLEIF bad LEI", "LEI,BIC\nZZZZ00EXAMPLEBANK116,EXBKDEF0XXX\nNOTALEI,EXBKDEF0XXX\n", 3, `LEI "NOTALEI"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(c.csv), "x.csv")
			var le *LoadError
			if d != nil || !errors.As(err, &le) {
				t.Fatalf("got %v, %v; want a *LoadError", d, err)
			}
			if le.Problems[0].Line != c.line || !strings.Contains(le.Problems[0].Message, c.want) {
				t.Fatalf("got %q, want line %d and %q", err, c.line, c.want)
			}
			if !strings.HasPrefix(err.Error(), "directory x.csv refused: line ") && c.line > 0 {
				t.Errorf("error text %q should name the file and the line", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for _, c := range []struct{ name, csv string }{
		{"BOM and CRLF", "\uFEFFbic,name\r\nBANKBEBBXXX,Bank\r\n"},
		{"columns in any order, spaces", " name , bic \n Bank , BANKBEBBXXX \n"},
		{"quoted name with comma", "bic,name\nBANKBEBBXXX,\"Bank, N.A.\"\n"},
		{"bic only", "bic\nBANKBEBBXXX\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(c.csv), "")
			if err != nil {
				t.Fatal(err)
			}
			if _, res := d.Lookup("BANKBEBBXXX"); res != Found {
				t.Fatalf("BANKBEBBXXX: %s", res)
			}
		})
	}
	d, _ := Parse(strings.NewReader("bic,name\nBANKBEBBXXX,\"Bank, N.A.\"\n"), "")
	if e, _ := d.Lookup("BANKBEBBXXX"); e.Name != "Bank, N.A." {
		t.Errorf("name %q", e.Name)
	}
}

func TestStoreKeepsOldOnBadReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bic.csv")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("bic\nBANKBEBBXXX\n")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := s.Directory()
	write("bic\nBANKDEFFXXX\nBANKDE\n")
	err = s.Reload()
	var le *LoadError
	if !errors.As(err, &le) || le.Problems[0].Line != 3 {
		t.Fatalf("reload of a bad file: %v", err)
	}
	if s.Directory() != old {
		t.Fatal("the directory in force changed after a refused reload")
	}
	write("bic\nBANKDEFFXXX\n")
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, res := s.Directory().Lookup("BANKDEFFXXX"); res != Found {
		t.Fatal("reload did not take the new file")
	}
	if _, res := old.Lookup("BANKBEBBXXX"); res != Found {
		t.Fatal("a directory held by a validation must stay usable after a reload")
	}
}

func TestLookupAllocs(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("allocation counts are distorted under -race; make test runs this without it")
	}
	d := load(t, "directory.csv")
	for _, bic := range []string{"BANKGB2LXXX", "BANKDEFF500", "BANKGB2L999", "NOPEGB2LXXX"} {
		n := testing.AllocsPerRun(100, func() {
			e, _ := d.Lookup(bic)
			_ = e.HasLEI("ZZZZ00EXAMPLEBANK213")
		})
		if n != 0 {
			t.Errorf("Lookup(%s) allocates %.0f times, want 0", bic, n)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		s  string
		ok bool
	}{{"2024-02-29", true}, {"2023-02-29", false}, {"2024-04-31", false}, {"2024-13-01", false}, {"2024-1-01", false}, {"0000-01-01", false}, {"2024-01-01", true}} {
		d, ok := ParseDate(c.s)
		if ok != c.ok || (ok && d.String() != c.s) {
			t.Errorf("ParseDate(%q) = %v %v", c.s, d, ok)
		}
	}
}
