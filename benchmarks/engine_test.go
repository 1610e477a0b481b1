package benchmarks

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/loadtest"
)

// parsed is a sample with the format that recognises it and the message
// it parses into.
type parsed struct {
	sample
	format engine.Format
	msg    *engine.Message
}

// parseAll detects and parses every sample with the registered formats;
// samples no format recognises are left out.
func parseAll(tb testing.TB, eng *engine.Engine) []parsed {
	var out []parsed
	for _, s := range allSamples(tb) {
		for _, f := range eng.Formats() {
			if !f.Detect(s.raw) {
				continue
			}
			var fs engine.Findings
			m := f.Parse(s.raw, &fs)
			if m == nil {
				tb.Logf("%s: %s cannot parse it (%d findings)", s.name, f.Name(), fs.Len())
				break
			}
			m.Ctx, m.Deadline = context.Background(), time.Now().Add(time.Hour)
			out = append(out, parsed{s, f, m})
			break
		}
	}
	return out
}

// benchName is "<type>/<sample>", or the sample alone when it has no type.
func benchName(p parsed) string {
	if p.msg != nil && p.msg.Type != "" {
		return p.msg.Type + "/" + p.name
	}
	return p.name
}

// BenchmarkParse measures each format's parser alone on every sample it
// recognises.
func BenchmarkParse(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ps := parseAll(b, eng)
	if len(ps) == 0 {
		b.Skip("no registered format recognises any sample")
	}
	for _, p := range ps {
		b.Run(p.format.Name()+"/"+benchName(p), func(b *testing.B) {
			var fs engine.Findings
			b.SetBytes(int64(len(p.raw)))
			b.ReportAllocs()
			for b.Loop() {
				p.format.Parse(p.raw, &fs)
				fs.Reset()
			}
		})
	}
}

// BenchmarkValidate measures the whole engine (detect, parse, every
// applicable rule: what a caller pays) on every sample.
func BenchmarkValidate(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ctx := context.Background()
	for _, s := range allSamples(b) {
		r := eng.Validate(ctx, s.raw)
		name := s.name
		if r.Type != "" {
			name = r.Type + "/" + s.name
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s.raw)))
			b.ReportAllocs()
			for b.Loop() {
				eng.Validate(ctx, s.raw)
			}
		})
	}
}

// applicable returns the rules of rs that apply to m.
func applicable(rs *engine.RuleSet, m *engine.Message) []engine.Rule {
	var out []engine.Rule
	for _, r := range rs.Rules {
		info := r.Info()
		if info.Applies(m.Format, m.Type, m.Base) {
			out = append(out, r)
		}
	}
	return out
}

// BenchmarkRules measures each built-in rule pack alone (rules only, on a
// message parsed once) and through the engine (parse plus that pack only),
// on every sample the pack has rules for.
func BenchmarkRules(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ps := parseAll(b, eng)
	sets := eng.RuleSets()
	if len(sets) == 0 || len(ps) == 0 {
		b.Skip("no rule pack or no parsed sample")
	}
	ctx := context.Background()
	for _, rs := range sets {
		for _, p := range ps {
			rules := applicable(rs, p.msg)
			if len(rules) == 0 {
				continue
			}
			b.Run(rs.Name+"/rules-only/"+benchName(p), func(b *testing.B) {
				var fs engine.Findings
				b.ReportAllocs()
				for b.Loop() {
					for _, r := range rules {
						r.Check(p.msg, &fs)
					}
					fs.Reset()
				}
			})
			opts := engine.ValidateOptions{RuleSets: []string{rs.Name}, Profile: rs.Profile}
			b.Run(rs.Name+"/parse+rules/"+benchName(p), func(b *testing.B) {
				b.SetBytes(int64(len(p.raw)))
				b.ReportAllocs()
				for b.Loop() {
					eng.ValidateWith(ctx, p.raw, opts)
				}
			})
		}
	}
}

// TestSamplesValid checks that every benchmark sample a registered format
// recognises is valid: the benchmarks are meant to measure the valid path.
func TestSamplesValid(t *testing.T) {
	eng := swiftval.New(engine.Options{Budget: time.Second})
	for _, s := range allSamples(t) {
		if strings.HasPrefix(s.name, "cbpr-") || strings.HasPrefix(s.name, "fedwire-") {
			continue // shared corpus files, checked by their own packages
		}
		r := eng.Validate(context.Background(), s.raw)
		if r.Format == "" {
			t.Logf("%s: no registered format recognises it yet", s.name)
			continue
		}
		if !r.Valid {
			var msgs []string
			for _, f := range r.Findings {
				if f.Severity == engine.Error {
					msgs = append(msgs, f.Code+" "+f.Rule+" "+f.Location.String()+": "+f.Message)
				}
			}
			t.Errorf("%s (%s %s) is invalid:\n  %s", s.name, r.Format, r.Type, strings.Join(msgs, "\n  "))
		}
	}
}

// TestTypesCovered lists the message types the registered formats know that
// no benchmark sample exercises.
func TestTypesCovered(t *testing.T) {
	eng := swiftval.New(engine.Options{})
	seen := map[string]bool{}
	for _, s := range allSamples(t) {
		seen[eng.Validate(context.Background(), s.raw).Type] = true
	}
	var missing []string
	for _, ti := range eng.MessageTypes() {
		if !seen[ti.Type] {
			missing = append(missing, ti.Type)
		}
	}
	if len(missing) > 0 {
		t.Logf("message types without a benchmark sample: %s", strings.Join(missing, ", "))
	}
}

// corpusByType picks from the shared corpus (../shared/corpus/{mt,mx}) the
// first message of each type, in file-name order, that the engine finds
// valid, leaving out the types the samples of allSamples cover.
func corpusByType(tb testing.TB, eng *engine.Engine) []sample {
	covered := map[string]bool{}
	ctx := context.Background()
	for _, s := range allSamples(tb) {
		covered[eng.Validate(ctx, s.raw).Type] = true
	}
	root := filepath.Join(repoRoot(tb), "..", "shared", "corpus")
	var files []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var out []sample
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		r := eng.Validate(ctx, raw)
		if r.Type == "" || !r.Valid || covered[r.Type] {
			continue
		}
		covered[r.Type] = true
		out = append(out, sample{name: r.Type, raw: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// BenchmarkValidateCorpus measures, on one valid message of each further
// type found in the shared corpus, the format's parser alone (parse) and
// the whole engine (both).
func BenchmarkValidateCorpus(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ss := corpusByType(b, eng)
	if len(ss) == 0 {
		b.Skip("no further valid message type in the shared corpus")
	}
	ctx := context.Background()
	for _, s := range ss {
		var format engine.Format
		for _, f := range eng.Formats() {
			if f.Detect(s.raw) {
				format = f
				break
			}
		}
		if format != nil {
			b.Run(s.name+"/parse", func(b *testing.B) {
				var fs engine.Findings
				b.SetBytes(int64(len(s.raw)))
				b.ReportAllocs()
				for b.Loop() {
					format.Parse(s.raw, &fs)
					fs.Reset()
				}
			})
		}
		b.Run(s.name+"/both", func(b *testing.B) {
			b.SetBytes(int64(len(s.raw)))
			b.ReportAllocs()
			for b.Loop() {
				eng.Validate(ctx, s.raw)
			}
		})
	}
}

// BenchmarkValidateParallel measures the whole engine on every sample from
// GOMAXPROCS goroutines at once: how validation scales over the cores a
// server has.
func BenchmarkValidateParallel(b *testing.B) {
	eng := swiftval.New(engine.Options{})
	ctx := context.Background()
	for _, s := range loadtest.BuiltinSamples() {
		b.Run(s.Name, func(b *testing.B) {
			b.SetBytes(int64(len(s.Body)))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					eng.Validate(ctx, s.Body)
				}
			})
		})
	}
}
