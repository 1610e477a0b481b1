package common

import "testing"

func TestIsLEI(t *testing.T) {
	for _, c := range []struct {
		lei  string
		want bool
	}{
		{"5493001KJTIIGC8Y1R12", true},  // LEI of Bloomberg Finance L.P., the example of ISO 17442 texts
		{"ZZZZ00EXAMPLEBANK116", true},  // invented, with valid check digits (../shared/reference/gleif-bic-lei.md)
		{"ZZZZ00DEMOHOLDING973", true},  // same
		{"5493001KJTIIGC8Y1R13", false}, // check digits off by one
		{"5493001KJTIIGC8Y1R1", false},  // 19 characters
		{"5493001kjtiigc8y1r12", false}, // lower case
		{"5493001KJTIIGC8Y1RA2", false}, // letter in the check digits
		{"", false},
	} {
		if got := IsLEI(c.lei); got != c.want {
			t.Errorf("IsLEI(%q) = %v, want %v", c.lei, got, c.want)
		}
	}
}
