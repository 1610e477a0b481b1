package manifest

import (
	"strings"
	"testing"
)

func TestShippedManifest(t *testing.T) {
	all := All()
	if len(all) < 140 {
		t.Fatalf("%d entries, want the CBPR+ base schemas and moov-io's", len(all))
	}
	typed := Typed()
	if len(typed) == 0 || typed[0].ID != "head.001.001.02" || typed[0].Typed != "AppHdr" {
		t.Fatalf("Typed()[0] = %+v, want the head.001.001.02 AppHdr first", typed[0])
	}
	for _, e := range typed[1:] {
		if e.IsHeader() {
			t.Errorf("%s: a second typed header", e.ID)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, text, err string
		want            []Entry
	}{
		{name: "entries and comments", text: "# c\n\nhead.001.001.02 AppHdr - shared\npacs.008.001.08 P payment shared\npacs.009.001.08 - - moov-io:a/pacs.009.001.08.xsd\n",
			want: []Entry{{ID: "head.001.001.02", Typed: "AppHdr", Shared: true, Line: 3}, {ID: "pacs.008.001.08", Typed: "P", Payment: true, Shared: true, Line: 4}, {ID: "pacs.009.001.08", MoovPath: "a/pacs.009.001.08.xsd", Line: 5}}},
		{name: "three fields", text: "pacs.008.001.08 - shared\n", err: "line 1: want four fields"},
		{name: "bad id", text: "pacs.8.1.8 - - shared\n", err: "not a message identifier"},
		{name: "duplicate id", text: "pacs.008.001.08 - - shared\npacs.008.001.08 - - shared\n", err: "line 2: pacs.008.001.08 is listed again (first on line 1)"},
		{name: "order", text: "pacs.009.001.08 - - shared\npacs.008.001.08 - - shared\n", err: "out of order"},
		{name: "duplicate field", text: "pacs.008.001.08 P - shared\npacs.009.001.08 P - shared\n", err: "typed field P is used again"},
		{name: "unexported field", text: "pacs.008.001.08 pacs - shared\n", err: "not an exported Go name"},
		{name: "payment without a model", text: "pacs.008.001.08 - payment shared\n", err: "payment view but no typed model"},
		{name: "unknown view", text: "pacs.008.001.08 P money shared\n", err: "neither payment nor -"},
		{name: "unknown source", text: "pacs.008.001.08 - - elsewhere\n", err: "neither shared nor moov-io"},
		{name: "escaping path", text: "pacs.008.001.08 - - moov-io:../x.xsd\n", err: "neither shared nor moov-io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.text)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
