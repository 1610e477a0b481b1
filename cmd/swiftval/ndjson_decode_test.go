package main

import (
	"encoding/json"
	"reflect"
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

// TestDecodeItem: the hand decoder gives what encoding/json gives.
func TestDecodeItem(t *testing.T) {
	for _, s := range decodeSeeds {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecodeItem(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) { checkDecode(t, line) })
}

func checkDecode(t *testing.T, line []byte) {
	t.Helper()
	var want ndjsonItem
	werr := json.Unmarshal(line, &want)
	id, msg, hasMsg, gerr := decodeItem(line)
	var got ndjsonItem
	got.ID = id
	if hasMsg {
		s := string(msg)
		got.Message = &s
	}
	if (gerr == nil) != (werr == nil) || werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: got %+v (%v), encoding/json %+v (%v)", line, got, gerr, want, werr)
	}
}
