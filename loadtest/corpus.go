package loadtest

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

//go:embed samples/*.fin samples/*.xml
var samplesFS embed.FS

// Sample is one message of a load corpus. Body is shared by every request
// that sends the sample and must not be modified.
type Sample struct {
	// Name identifies the sample in a mix ("mt103", "pacs008"): the file name
	// without its extension, lower-cased.
	Name string
	// ContentType is sent with the request: text/plain for MT (FIN),
	// application/xml for MX.
	ContentType string
	// Body is the message.
	Body []byte
}

// Built-in sample names, in the order BuiltinSamples returns them.
var builtinNames = []string{"mt103", "mt202", "mt940", "pacs008", "pacs008cbpr", "pacs009", "camt053"}

// BuiltinSamples returns the sample mix embedded in the binary: one valid
// MT103, MT202, MT940 (FIN, CRLF line ends), one valid pacs.008.001.08,
// pacs.009.001.08 and camt.053.001.08 (XSD-valid Documents), and
// pacs008cbpr: a CBPR+ envelope (AppHdr head.001.001.02 with BizSvc
// swift.cbprplus.04, the SR2026 value, then the pacs.008.001.08 Document)
// that runs the CBPR+ rules and passes them. The bodies are shared; callers must not modify them.
func BuiltinSamples() []Sample {
	out := make([]Sample, 0, len(builtinNames))
	for _, n := range builtinNames {
		for _, ext := range []string{".fin", ".xml"} {
			b, err := samplesFS.ReadFile("samples/" + n + ext)
			if err == nil {
				out = append(out, Sample{Name: n, ContentType: contentType(b), Body: b})
				break
			}
		}
	}
	return out
}

// LoadCorpus reads every regular, non-hidden file of dir (not recursing) as
// one sample, named after the file without its extension. It fails when dir
// cannot be read or holds no file.
func LoadCorpus(dir string) ([]Sample, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var out []Sample
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		name := strings.ToLower(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
		out = append(out, Sample{Name: name, ContentType: contentType(b), Body: b})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus: no file in %s", dir)
	}
	return out, nil
}

// contentType says application/xml when the first non-blank byte is '<'.
func contentType(b []byte) string {
	if t := bytes.TrimLeft(b, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '<' {
		return "application/xml"
	}
	return "text/plain"
}

// ParseMix parses weights such as "mt103=5,pacs008=2". Weights are positive
// integers; an empty string gives a nil map (every sample weighted 1).
func ParseMix(s string) (map[string]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" {
			return nil, fmt.Errorf("mix: %q is not name=weight", part)
		}
		w, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || w <= 0 || w > 1000 {
			return nil, fmt.Errorf("mix: weight of %q must be an integer from 1 to 1000", k)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("mix: %q given twice", k)
		}
		out[k] = w
	}
	return out, nil
}

// Mix is a deterministic, interleaved order of samples following weights:
// request i sends Sample(i). A Mix is immutable and safe for concurrent use.
type Mix struct {
	samples []Sample
	seq     []int32
}

// NewMix builds the order of samples for the weights (see ParseMix). A
// weight applies to the sample of that name, or else to every sample whose
// name starts with it; samples no weight names are left out. With nil
// weights every sample has weight 1. It fails on an empty corpus or a weight
// that names no sample.
func NewMix(samples []Sample, weights map[string]int) (*Mix, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("mix: no samples")
	}
	w := make([]int, len(samples))
	if weights == nil {
		for i := range w {
			w[i] = 1
		}
	} else {
		keys := make([]string, 0, len(weights))
		for k := range weights {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			found := false
			for i, s := range samples {
				if s.Name == k {
					w[i], found = weights[k], true
				}
			}
			if !found {
				for i, s := range samples {
					if strings.HasPrefix(s.Name, k) {
						w[i], found = weights[k], true
					}
				}
			}
			if !found {
				names := make([]string, len(samples))
				for i, s := range samples {
					names[i] = s.Name
				}
				return nil, fmt.Errorf("mix: %q names no sample (have %s)", k, strings.Join(names, ", "))
			}
		}
	}
	// Smooth weighted round robin: interleaves the samples so that any
	// window of the sequence follows the weights closely.
	total := 0
	for _, x := range w {
		total += x
	}
	if total == 0 {
		return nil, fmt.Errorf("mix: every weight is zero")
	}
	cur := make([]int, len(w))
	seq := make([]int32, 0, total)
	for range total {
		best := -1
		for i := range w {
			if w[i] == 0 {
				continue
			}
			cur[i] += w[i]
			if best < 0 || cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		seq = append(seq, int32(best))
	}
	return &Mix{samples: samples, seq: seq}, nil
}

// Sample returns the sample of request i.
func (m *Mix) Sample(i int64) *Sample { return &m.samples[m.seq[i%int64(len(m.seq))]] }

// Samples returns the samples of the mix, including those of weight zero.
func (m *Mix) Samples() []Sample { return m.samples }

// Weights returns each sample's share of the requests, by name.
func (m *Mix) Weights() map[string]int {
	out := map[string]int{}
	for _, i := range m.seq {
		out[m.samples[i].Name]++
	}
	return out
}
