// Package directory is swiftval's local BIC and LEI directory: which BICs
// exist, whether each is live on a date, whether it is connected to the
// network, and which LEIs and country it belongs to. It answers without a
// call to another system, so the common directory checks cost a map look-up.
//
// A Directory is loaded from a CSV file in one of two layouts, told apart by
// the header line (see docs/external.md):
//
//   - swiftval's own: bic,name,city,country,lei,connected,valid_from,valid_to
//     (any order; every column but bic may be left out or left empty);
//   - GLEIF's BIC-to-LEI relationship file: LEI,BIC (the public monthly
//     file loads as it is; one BIC may map to several LEIs and the other
//     way round).
//
// A Store holds the Directory in force and swaps in a new one atomically
// (Reload, Watch); a file that does not load is refused with its line
// number and the Directory in force stays. The rules of RuleSet check the
// BICs and LEIs of every message, MT and MX alike, through the
// format-neutral payment view.
//
// A Directory is immutable and safe for concurrent use; Lookup allocates
// nothing.
package directory

import (
	"cmp"
	"slices"
	"sync"
	"unsafe"

	"github.com/swiftval/swiftval/rules/common"
)

// Connection says whether a BIC is connected to the network.
type Connection uint8

// Connection values.
const (
	// ConnectionUnknown: the directory does not say (an empty connected
	// column, or a layout without one, such as GLEIF's).
	ConnectionUnknown Connection = iota
	// Connected: the BIC is connected to the network (a valid destination).
	Connected
	// NotConnected: the BIC exists but is not connected.
	NotConnected
)

// String returns "unknown", "connected" or "not connected".
func (c Connection) String() string {
	switch c {
	case Connected:
		return "connected"
	case NotConnected:
		return "not connected"
	}
	return "unknown"
}

// Date is a calendar date as the number yyyymmdd (20260131); 0 means
// none (an open end of a validity period).
type Date uint32

// ParseDate reads "YYYY-MM-DD" without allocating. ok is false for anything
// else, including impossible months and days (day 31 of a 30-day month
// included).
func ParseDate(s string) (d Date, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	var n uint32
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint32(c-'0')
	}
	y, m, day := n/10000, n/100%100, n%100
	if y == 0 || m < 1 || m > 12 || day < 1 || int(day) > common.DaysIn(int(y), int(m)) {
		return 0, false
	}
	return Date(n), true
}

// String returns the date as YYYY-MM-DD, or "" for 0.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	b := []byte("0000-00-00")
	n := uint32(d)
	for _, i := range []int{9, 8, 6, 5, 3, 2, 1, 0} {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// Entry is what the directory knows of one BIC. Its strings point into the
// Directory's storage: they stay valid as long as the Entry is held, even
// after the Directory is replaced in a Store.
type Entry struct {
	// BIC is the 11-character BIC of the entry (an 8-character BIC in the
	// file is stored with branch XXX and covers every branch: Branches).
	BIC string
	// Name and City of the institution; empty when the file has none.
	Name, City string
	// Country is the ISO 3166 country of the BIC: the country column, or
	// characters 5 and 6 of the BIC when the file gives none.
	Country string
	// Connected says whether the BIC is connected to the network.
	Connected Connection
	// ValidFrom and ValidTo bound the dates on which the BIC may be used
	// (both inclusive); 0 leaves that end open.
	ValidFrom, ValidTo Date
	// Branches is true for an entry given as an 8-character BIC: it covers
	// every branch of the institution.
	Branches bool

	leis string // the LEIs, 20 characters each, concatenated
}

// ValidOn reports whether the BIC may be used on date d (0: no date given,
// always true).
func (e *Entry) ValidOn(d Date) bool {
	if d == 0 {
		return true
	}
	return (e.ValidFrom == 0 || d >= e.ValidFrom) && (e.ValidTo == 0 || d <= e.ValidTo)
}

// LEIs returns the number of LEIs the directory maps the BIC to.
func (e *Entry) LEIs() int { return len(e.leis) / leiLen }

// LEI returns the i-th LEI (0 <= i < LEIs()).
func (e *Entry) LEI(i int) string { return e.leis[i*leiLen : (i+1)*leiLen] }

// HasLEI reports whether the directory maps the BIC to lei.
func (e *Entry) HasLEI(lei string) bool {
	if len(lei) != leiLen {
		return false
	}
	for i := 0; i+leiLen <= len(e.leis); i += leiLen {
		if e.leis[i:i+leiLen] == lei {
			return true
		}
	}
	return false
}

const leiLen = 20

// Result says what a look-up found.
type Result uint8

// Look-up results.
const (
	// Unknown: neither the BIC nor its institution is in the directory.
	Unknown Result = iota
	// Found: the BIC is in the directory (itself, or through an
	// 8-character entry that covers its branches).
	Found
	// BranchUnknown: the institution (the first 8 characters) is in the
	// directory, but not this branch.
	BranchUnknown
	// Malformed: the argument is not 8 or 11 upper-case letters and digits.
	Malformed
)

// String names the result.
func (r Result) String() string {
	return [...]string{"unknown", "found", "branch unknown", "malformed"}[r]
}

// Directory is an immutable BIC directory. The zero value is empty.
type Directory struct {
	index map[uint64]uint32 // key of an 11-character BIC -> index in recs
	recs  []record          // sorted by key
	text  []byte            // BICs, names, cities and LEIs of every record
	// Source names where the directory came from (a file name).
	source string
	layout string
}

// record is one entry in 32 bytes, without pointers, so that 200 000 of
// them take 6.4 MB and the garbage collector does not scan them. Its text
// is in Directory.text: at off the 11-character BIC, then the name
// (nameLen bytes), then the city (cityLen bytes); its LEIs, 20 characters
// each, at leiOff.
type record struct {
	key                uint64
	off, leiOff        uint32
	validFrom, validTo Date
	nameLen            uint16
	cityLen            uint8
	nLEI               uint8
	country            uint16 // 1 + index of the country in countryTable; 0 for none
	conn               Connection
	branches           bool
}

// Limits of one entry, from the record's field sizes: SWIFT's institution
// names are at most 105 characters and city names 35, so 1 000 and 255
// leave room; GLEIF's file maps no BIC to more than a handful of LEIs.
const (
	maxName = 1000
	maxCity = 255
	maxLEIs = 255
)

// Len returns the number of entries.
func (d *Directory) Len() int { return len(d.recs) }

// Source returns the file the directory was loaded from (empty when it
// was parsed from a reader without a name).
func (d *Directory) Source() string { return d.source }

// Layout returns "swiftval" or "gleif", the layout of the file.
func (d *Directory) Layout() string { return d.layout }

// Lookup finds a BIC (8 or 11 characters; an 8-character BIC is its head
// office, branch XXX). An 11-character BIC missing from the directory is
// found through an 8-character entry of its institution, which covers its
// branches. It allocates nothing.
func (d *Directory) Lookup(bic string) (Entry, Result) {
	k, ok := key(bic)
	if !ok {
		return Entry{}, Malformed
	}
	if i, ok := d.index[k]; ok {
		return d.entry(i), Found
	}
	head := headKey(k)
	if i, ok := d.index[head]; ok && d.recs[i].branches {
		return d.entry(i), Found
	}
	if d.hasInstitution(k) {
		return Entry{}, BranchUnknown
	}
	return Entry{}, Unknown
}

// hasInstitution reports whether any entry shares the first 8 characters
// of key k: records are sorted by key, and the keys of one institution
// form the range [k8*branchRadix, (k8+1)*branchRadix).
func (d *Directory) hasInstitution(k uint64) bool {
	lo := k / branchRadix * branchRadix
	i, _ := slices.BinarySearchFunc(d.recs, lo, func(r record, t uint64) int { return cmp.Compare(r.key, t) })
	return i < len(d.recs) && d.recs[i].key < lo+branchRadix
}

func (d *Directory) entry(i uint32) Entry {
	r := &d.recs[i]
	e := Entry{
		BIC:       d.str(r.off, 11),
		Name:      d.str(r.off+11, int(r.nameLen)),
		City:      d.str(r.off+11+uint32(r.nameLen), int(r.cityLen)),
		Connected: r.conn,
		ValidFrom: r.validFrom,
		ValidTo:   r.validTo,
		Branches:  r.branches,
		leis:      d.str(r.leiOff, int(r.nLEI)*leiLen),
	}
	if r.country > 0 {
		e.Country = countryTable()[r.country-1]
	}
	return e
}

// str returns a piece of text as a string without copying: text is never
// written after loading, so the string stays valid and immutable.
func (d *Directory) str(off uint32, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&d.text[off], n)
}

// key packs an 8- or 11-character BIC (upper-case letters and digits) into
// a number in base 36: 36^11 < 2^57, so it fits a uint64 and the index
// needs no string per entry. An 8-character BIC gets branch XXX.
func key(bic string) (uint64, bool) {
	if len(bic) != 8 && len(bic) != 11 {
		return 0, false
	}
	var k uint64
	for i := 0; i < 11; i++ {
		c := byte('X')
		if i < len(bic) {
			c = bic[i]
		}
		v, ok := digit36(c)
		if !ok {
			return 0, false
		}
		k = k*36 + uint64(v)
	}
	return k, true
}

// branchRadix is 36^3: key/branchRadix is the key of the first 8
// characters, key%branchRadix the branch.
const branchRadix = 36 * 36 * 36

// headKey returns the key of the head office (branch XXX) of a key.
func headKey(k uint64) uint64 {
	const xxx = 33*36*36 + 33*36 + 33 // 'X' is digit 33
	return k/branchRadix*branchRadix + xxx
}

func digit36(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'Z':
		return c - 'A' + 10, true
	}
	return 0, false
}

// countryTable holds every two-letter string once, so that Entry.Country
// allocates nothing. It is built by the first directory loaded, not at
// package initialisation.
var countryTable = sync.OnceValue(func() *[26 * 26]string {
	var out [26 * 26]string
	all := make([]byte, 0, 26*26*2)
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			all = append(all, a, b)
		}
	}
	s := string(all)
	for i := range out {
		out[i] = s[2*i : 2*i+2]
	}
	return &out
})

// countryIndex returns 1 + the index of a two-letter upper-case country in
// countryTable.
func countryIndex(cc string) uint16 {
	return uint16(int(cc[0]-'A')*26+int(cc[1]-'A')) + 1
}
