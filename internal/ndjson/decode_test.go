package ndjson

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

var decodeSeeds = []string{
	`{"id":"a","message":"{1:F01}{4:\r\n:20:X\r\n-}"}`,
	` { "message" : "x" , "id" : "b" } `,
	`{"message":"\u00e9\u20ac\/\"\\\b\f\t"}`,
	`{"message":"\ud83d\ude00"}`,
	`{"message":"\ud83d"}`,
	`{"id":"a"}`,
	`{}`,
	`{"message":null}`,
	`{"message":1}`,
	`{"Message":"case-insensitive in encoding/json"}`,
	`{"message":"a","other":[1,2]}`,
	`{"message":"a","message":"b"}`,
	`{"message":"a"} trailing`,
	`{"message":"bad \x01 control"}`,
	"{\"message\":\"\xff\xfe invalid utf-8\"}",
	`{"message":"a",}`,
	`not json`,
	`[]`,
	`{"message":"\u12"}`,
}

// TestDecode: the hand decoder gives what encoding/json gives.
func TestDecode(t *testing.T) {
	for _, s := range decodeSeeds {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkDecode(t, line) })
}

func checkDecode(t *testing.T, line []byte) {
	t.Helper()
	var want Item
	werr := json.Unmarshal(line, &want)
	id, msg, hasMsg, gerr := Decode(line)
	var got Item
	got.ID = id
	if hasMsg {
		s := string(msg)
		got.Message = &s
	}
	if (gerr == nil) != (werr == nil) || werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: got %+v (%v), encoding/json %+v (%v)", line, got, gerr, want, werr)
	}
}

// TestReadLine: lines without their ends, an over-long one dropped to its
// end and flagged, a reused buffer and a nil one alike, io.EOF after the
// last line.
func TestReadLine(t *testing.T) {
	in := "a\r\nbb\n" + strings.Repeat("x", 40) + "\n\nlast"
	for _, reuse := range []bool{false, true} {
		br := bufio.NewReaderSize(strings.NewReader(in), 16) // lines longer than the reader's buffer too
		var buf []byte
		var got []string
		for {
			if !reuse {
				buf = nil
			}
			line, tooLong, err := ReadLine(br, buf[:0], 10)
			buf = line
			got = append(got, fmt.Sprintf("%q/%v", line, tooLong))
			if err != nil {
				if err != io.EOF {
					t.Fatal(err)
				}
				break
			}
		}
		want := `"a"/false "bb"/false ""/true ""/false "last"/false`
		if g := strings.Join(got, " "); g != want {
			t.Errorf("reuse %v: %s, want %s", reuse, g, want)
		}
	}
	if MaxLine(1000) != 2000+LineSlack {
		t.Errorf("MaxLine(1000) = %d", MaxLine(1000))
	}
}
