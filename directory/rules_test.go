package directory_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/directory"
	"github.com/swiftval/swiftval/engine"
)

// The directory every rule test starts from: every BIC of the two sample
// messages is known, connected and valid in 2025 and 2026.
const fullDir = `bic,name,city,country,lei,connected,valid_from,valid_to
BANKBEBBXXX,Bank Brussels,Brussels,BE,,true,,
BANKDEFFXXX,Bank Frankfurt,Frankfurt,DE,ZZZZ00DEMOHOLDING973,true,,
BANKGB2LXXX,Bank London,London,GB,ZZZZ00SAMPLETRUST038;ZZZZ00EXAMPLEBANK213,true,,
`

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func newEngine(t testing.TB, csv string) (*engine.Engine, *directory.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bic.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := directory.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := swiftval.NewWithConfig(engine.Options{Budget: time.Minute}, swiftval.Config{BICDirectory: st})
	if err != nil {
		t.Fatal(err)
	}
	return e, st
}

// dirFindings renders the findings of the directory rules as
// "rule code location" lines, sorted.
func dirFindings(r *engine.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Rule, "directory.") || f.Code[:2] == "SV" && f.Code[:3] != "SVD" && f.Severity == engine.Error {
			loc := f.Location.Path
			if loc == "" {
				loc = fmt.Sprintf("block %d field %s", f.Location.Block, f.Location.Field)
			}
			out = append(out, f.Rule+" "+f.Code+" "+loc)
		}
	}
	slices.Sort(out)
	return out
}

func TestDirectoryRules(t *testing.T) {
	mt103 := readFile(t, "../testdata/mt/valid_mt103.fin")
	pacs := readFile(t, "../testdata/rulesets/samples/pacs008-ok.xml")
	const txp = "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]"
	withLEI := strings.Replace(pacs, "<BICFI>BANKGB2LXXX</BICFI>\n\t\t\t\t\t</FinInstnId>\n\t\t\t\t</DbtrAgt>",
		"<BICFI>BANKGB2LXXX</BICFI>\n\t\t\t\t\t\t<LEI>ZZZZ00EXAMPLEBANK116</LEI>\n\t\t\t\t\t</FinInstnId>\n\t\t\t\t</DbtrAgt>", 1)
	withCtry := strings.Replace(pacs, "<BICFI>BANKDEFFXXX</BICFI>\n\t\t\t\t\t</FinInstnId>\n\t\t\t\t</CdtrAgt>",
		"<BICFI>BANKDEFFXXX</BICFI>\n\t\t\t\t\t\t<PstlAdr>\n\t\t\t\t\t\t\t<TwnNm>Paris</TwnNm>\n\t\t\t\t\t\t\t<Ctry>FR</Ctry>\n\t\t\t\t\t\t</PstlAdr>\n\t\t\t\t\t</FinInstnId>\n\t\t\t\t</CdtrAgt>", 1)
	if withLEI == pacs || withCtry == pacs {
		t.Fatal("the sample changed: the test's edits no longer apply")
	}
	for _, c := range []struct {
		name, dir, msg string
		want           []string
	}{
		{"MT all known", fullDir, mt103, nil},
		{"MX all known", fullDir, pacs, nil},
		{"MT unknown institution", dropLine(fullDir, "BANKDEFF"), mt103, []string{
			"directory.bic.registered T27 block 4 field 57A",
			"directory.receiver T28 block 2 field ",
		}},
		{"MT unknown branch", strings.Replace(fullDir, "BANKDEFFXXX", "BANKDEFF123", 1), mt103, []string{
			"directory.bic.registered T29 block 4 field 57A",
			"directory.receiver T28 block 2 field ",
		}},
		{"MT receiver not connected", strings.Replace(fullDir, "Frankfurt,DE,ZZZZ00DEMOHOLDING973,true", "Frankfurt,DE,ZZZZ00DEMOHOLDING973,false", 1), mt103, []string{
			"directory.receiver T28 block 2 field ",
		}},
		{"MT expired on the value date", strings.Replace(fullDir, "Brussels,BE,,true,,", "Brussels,BE,,true,,2024-12-31", 1), mt103, []string{
			"directory.bic.validity SVD603 block 1 field ",
			"directory.bic.validity SVD603 block 4 field 52A",
		}},
		{"MX unknown institution", dropLine(fullDir, "BANKDEFF"), pacs, []string{
			"directory.bic.registered SVD601 " + txp + "/CdtrAgt/FinInstnId/BICFI",
			"directory.bic.registered SVD601 " + txp + "/InstdAgt/FinInstnId/BICFI",
			"directory.receiver SVD601 /AppHdr/To/FIId/FinInstnId/BICFI",
		}},
		{"MX receiver not connected", strings.Replace(fullDir, "ZZZZ00DEMOHOLDING973,true", "ZZZZ00DEMOHOLDING973,no", 1), pacs, []string{
			"directory.receiver SVD604 /AppHdr/To/FIId/FinInstnId/BICFI",
		}},
		{"MX not yet valid", strings.Replace(fullDir, "London,GB,ZZZZ00SAMPLETRUST038;ZZZZ00EXAMPLEBANK213,true,,", "London,GB,ZZZZ00SAMPLETRUST038;ZZZZ00EXAMPLEBANK213,true,2027-01-01,", 1), pacs, []string{
			"directory.bic.validity SVD603 /AppHdr/Fr/FIId/FinInstnId/BICFI",
			"directory.bic.validity SVD603 " + txp + "/DbtrAgt/FinInstnId/BICFI",
			"directory.bic.validity SVD603 " + txp + "/InstgAgt/FinInstnId/BICFI",
		}},
		{"MX LEI of another entity", fullDir, withLEI, []string{
			"directory.lei SVD605 " + txp + "/DbtrAgt/FinInstnId/LEI",
		}},
		{"MX LEI the directory knows", fullDir, strings.Replace(withLEI, "ZZZZ00EXAMPLEBANK116", "ZZZZ00EXAMPLEBANK213", 1), nil},
		{"MX agent address in another country", fullDir, withCtry, []string{
			"directory.country SVD606 " + txp + "/CdtrAgt/FinInstnId/PstlAdr/Ctry",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newEngine(t, c.dir)
			rep := e.Validate(context.Background(), []byte(c.msg))
			got := dirFindings(rep)
			if !slices.Equal(got, c.want) {
				t.Fatalf("findings:\n got  %q\n want %q\n(all: %+v)", got, c.want, rep.Findings)
			}
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.Rule, "directory.") && f.Location.Line == 0 {
					t.Errorf("finding %s %s has no line", f.Rule, f.Code)
				}
			}
		})
	}
}

func dropLine(csv, prefix string) string {
	var out []string
	for _, l := range strings.Split(csv, "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestHotReloadUnderLoad validates messages on several goroutines while the
// directory file is replaced back and forth: every report must be exactly
// the verdict of one of the two files, never a mix, and none may fail.
func TestHotReloadUnderLoad(t *testing.T) {
	mt103 := []byte(readFile(t, "../testdata/mt/valid_mt103.fin"))
	known := fullDir
	unknown := "bic\nOTHRGB2LXXX\n"
	e, st := newEngine(t, known)
	verdicts := map[string]bool{}
	for _, d := range []string{known, unknown} {
		if err := os.WriteFile(st.Path(), []byte(d), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := st.Reload(); err != nil {
			t.Fatal(err)
		}
		verdicts[strings.Join(dirFindings(e.Validate(context.Background(), mt103)), "|")] = true
	}
	if len(verdicts) != 2 {
		t.Fatalf("the two directories should give two verdicts: %v", verdicts)
	}
	const workers, perWorker, reloads = 4, 400, 60
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	stop := make(chan struct{})
	for range workers {
		wg.Go(func() {
			for range perWorker {
				rep := e.Validate(context.Background(), mt103)
				v := strings.Join(dirFindings(rep), "|")
				if !verdicts[v] || !rep.Complete {
					errs <- fmt.Sprintf("mixed or failed verdict: %q (complete %v)", v, rep.Complete)
					return
				}
			}
		})
	}
	reloaded := 0
	wg.Go(func() {
		for i := 0; i < reloads; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d := known
			if i%2 == 0 {
				d = unknown
			}
			if err := os.WriteFile(st.Path(), []byte(d), 0o600); err != nil {
				errs <- err.Error()
				return
			}
			if err := st.Reload(); err != nil {
				errs <- err.Error()
				return
			}
			reloaded++
		}
	})
	wg.Wait()
	close(stop)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if reloaded != reloads {
		t.Errorf("%d reloads, want %d", reloaded, reloads)
	}
}
