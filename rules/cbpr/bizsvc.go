package cbpr

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// builtinTable is the business-service table shipped in the binary: the
// standards releases and the BizSvc values each CBPR+ message definition
// allows per usage variant and release, each row with its source and
// confidence (see the file's header).
//
//go:embed bizsvc.tsv
var builtinTable []byte

// Variants are the CBPR+ usage variants a table row may name: the core
// usage, pacs.008 STP, pacs.009 cover (COV) and advice (ADV).
var Variants = []string{"core", "stp", "cov", "adv"}

// Confidences are the marks a table row or release carries (see
// bizsvc.tsv): how well public sources back it.
var Confidences = []string{"confirmed", "secondary", "single-source", "unconfirmed"}

// Release is a CBPR+ standards release.
type Release struct {
	// Name is "pre-SR2025", "SR2025", "SR2026" or one added by a table file.
	Name string
	// Live is the first day the release is in force on the network.
	Live time.Time
	// Confidence and Source back the date.
	Confidence, Source string
}

// BizSvcRow is one row of the business-service table: the BizSvc values
// allowed for a message definition in a usage variant under a release.
type BizSvcRow struct {
	// Message is the message definition ("pacs.008.001.08").
	Message string
	// Variant is core, stp, cov or adv.
	Variant string
	// Release names the standards release.
	Release string
	// Values are the allowed BizSvc values.
	Values []string
	// Confidence is confirmed, secondary, single-source or unconfirmed.
	Confidence string
	// Source says where the values come from.
	Source string
	// From is the file and line the row was read from.
	From string
}

// BizSvcTable is the business-service table: the releases (oldest first)
// and the rows. It is immutable once built and safe for concurrent use.
type BizSvcTable struct {
	releaseList
	rows  []BizSvcRow
	byMsg []map[string][]int // per release: indexes into rows, by message
}

// releaseList is the releases of a table, oldest first: all that choosing
// a release needs, without the rows.
type releaseList struct {
	releases []Release
	live     []int64 // Unix seconds of each release's first day
}

// Releases returns the releases, oldest first.
func (t *BizSvcTable) Releases() []Release { return append([]Release(nil), t.releases...) }

// Rows returns the rows, sorted by release (oldest first), message and
// variant.
func (t *BizSvcTable) Rows() []BizSvcRow { return append([]BizSvcRow(nil), t.rows...) }

// lookup returns the rows of a message under release index rel.
func (t *BizSvcTable) lookup(msg string, rel int) []int { return t.byMsg[rel][msg] }

// release returns the named release.
func (l *releaseList) release(name string) (Release, bool) {
	if i := l.index(name); i < len(l.releases) {
		return l.releases[i], true
	}
	return Release{}, false
}

// index returns the index of the named release, or len(releases).
func (l *releaseList) index(name string) int {
	for i, r := range l.releases {
		if r.Name == name {
			return i
		}
	}
	return len(l.releases)
}

// at returns the index of the release in force at Unix time at: the latest
// one live by then, or the oldest when at precedes them all.
func (l *releaseList) at(at int64) int {
	i := 0
	for j, t := range l.live {
		if at >= t {
			i = j
		}
	}
	return i
}

// newReleaseList orders releases by their live date; two live on the same
// day are an error naming name.
func newReleaseList(name string, rels []Release) (releaseList, error) {
	sort.Slice(rels, func(i, j int) bool { return rels[i].Live.Before(rels[j].Live) })
	if len(rels) == 0 {
		return releaseList{}, fmt.Errorf("%s: no release is declared", name)
	}
	l := releaseList{releases: rels}
	for i, rel := range rels {
		if i > 0 && rel.Live.Equal(rels[i-1].Live) {
			return releaseList{}, fmt.Errorf("%s: releases %s and %s go live on the same day", name, rels[i-1].Name, rel.Name)
		}
		l.live = append(l.live, rel.Live.Unix())
	}
	return l, nil
}

// BuiltinBizSvcTable returns the table shipped in the binary, parsed on the
// first call (the first message checked for its BizSvc under the cbpr+
// profile, or an operator file laid over it) and shared after that:
// building an engine does not pay for it.
func BuiltinBizSvcTable() *BizSvcTable {
	t, err := parseBuiltinTable()
	if err != nil {
		panic("cbpr: built-in bizsvc.tsv: " + err.Error()) // ruled out by TestBuiltinTableParses
	}
	return t
}

var parseBuiltinTable = sync.OnceValues(func() (*BizSvcTable, error) {
	return ParseBizSvcTable("bizsvc.tsv", bytes.NewReader(builtinTable), nil)
})

// builtinReleases returns the releases of the built-in table, read from
// its release lines alone: the rule set's version and the choice of a
// release need them when the engine is built, the rows only when a
// message's BizSvc is checked. TestBuiltinTableParses checks them against
// the parsed table.
func builtinReleases() *releaseList {
	l, err := parseBuiltinReleases()
	if err != nil {
		panic("cbpr: built-in bizsvc.tsv: " + err.Error()) // ruled out by TestBuiltinTableParses
	}
	return l
}

var parseBuiltinReleases = sync.OnceValues(func() (*releaseList, error) {
	var rels []Release
	n := 0
	for rest := builtinTable; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		n++
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("release")) {
			continue
		}
		cells := cellsOf(string(line))
		if cells[0] != "release" {
			continue
		}
		rel, err := parseRelease("bizsvc.tsv:"+strconv.Itoa(n), cells)
		if err != nil {
			return nil, err
		}
		rels = append(rels, rel)
	}
	l, err := newReleaseList("bizsvc.tsv", rels)
	return &l, err
})

// cellsOf splits a table line into its tab-separated cells, trimmed.
func cellsOf(line string) []string {
	cells := strings.Split(strings.TrimRight(line, "\r"), "\t")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// parseRelease reads a release line's cells (at names the place in errors).
func parseRelease(at string, cells []string) (Release, error) {
	if len(cells) != 5 {
		return Release{}, fmt.Errorf("%s: a release line has 5 tab-separated cells (release, name, live date, confidence, source), not %d", at, len(cells))
	}
	live, err := time.Parse("2006-01-02", cells[2])
	if err != nil {
		return Release{}, fmt.Errorf("%s: live date %q is not YYYY-MM-DD", at, cells[2])
	}
	if err := checkCell(at, "release name", cells[1]); err != nil {
		return Release{}, err
	}
	if err := checkConfidence(at, cells[3]); err != nil {
		return Release{}, err
	}
	return Release{Name: cells[1], Live: live, Confidence: cells[3], Source: cells[4]}, nil
}

// LoadBizSvcTable reads an operator's table file and lays it over base:
// its releases and rows replace those of base with the same name, or the
// same message, variant and release, and add the others. The error names
// the file and line at fault.
func LoadBizSvcTable(path string, base *BizSvcTable) (*BizSvcTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cbpr business-service table: %w", err)
	}
	defer f.Close()
	return ParseBizSvcTable(path, f, base)
}

// isBizSvcValue reports whether s has the form of a BizSvc value: the
// CBPR+ BAH pattern [a-z0-9]{1,10}\.([a-z0-9]{1,10}\.)+\d\d (GoPlasmatic/
// MXMessage header types; mx-facts.md), that is at least two labels of 1
// to 10 lower-case letters or digits and a two-digit version, each
// followed by a dot but the last. It is written by hand rather than as a
// regexp because the built-in table is parsed in every process that checks
// a CBPR+ message, and compiling the regexp cost more than parsing the
// table; TestBizSvcValueMatchesPattern checks it against the
// pattern.
func isBizSvcValue(s string) bool {
	labels := 0
	for {
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			return labels >= 2 && len(s) == 2 && isDigit(s[0]) && isDigit(s[1])
		}
		if dot < 1 || dot > 10 || !allOf(s[:dot], isLowerOrDigit) {
			return false
		}
		labels++
		s = s[dot+1:]
	}
}

// isMessageID reports whether s has the form of an ISO 20022 message
// identifier, [a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2} ("pacs.008.001.08"); by
// hand for the reason given at isBizSvcValue.
func isMessageID(s string) bool {
	return len(s) == 15 && allOf(s[:4], isLower) && s[4] == '.' && allOf(s[5:8], isDigit) && s[8] == '.' &&
		allOf(s[9:12], isDigit) && s[12] == '.' && allOf(s[13:], isDigit)
}

func isDigit(c byte) bool        { return '0' <= c && c <= '9' }
func isLower(c byte) bool        { return 'a' <= c && c <= 'z' }
func isLowerOrDigit(c byte) bool { return isLower(c) || isDigit(c) }

func allOf(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// maxTableLines bounds a table file: the built-in one has under 60 rows; a
// table of thousands is a mistake, not a configuration.
const maxTableLines = 10000

// ParseBizSvcTable reads a table in the bizsvc.tsv format (name is used in
// errors) and lays it over base (nil for none). A file that names no
// release or row, a malformed line, an unknown variant, release or
// confidence, a value that is no BizSvc, or a key given twice in the file
// is an error naming name and the line.
func ParseBizSvcTable(name string, r io.Reader, base *BizSvcTable) (*BizSvcTable, error) {
	rels := map[string]Release{}
	rows := map[[3]string]BizSvcRow{}
	if base != nil {
		for _, rel := range base.releases {
			rels[rel.Name] = rel
		}
		for _, row := range base.rows {
			rows[[3]string{row.Message, row.Variant, row.Release}] = row
		}
	}
	seenRel := map[string]bool{}
	seenRow := map[[3]string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	n, entries := 0, 0
	var fileRows []BizSvcRow
	for sc.Scan() {
		n++
		if n > maxTableLines {
			return nil, fmt.Errorf("%s: more than %d lines", name, maxTableLines)
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		at := name + ":" + strconv.Itoa(n)
		cells := cellsOf(line)
		entries++
		if cells[0] == "release" {
			rel, err := parseRelease(at, cells)
			if err != nil {
				return nil, err
			}
			if seenRel[rel.Name] {
				return nil, fmt.Errorf("%s: release %s is declared twice", at, rel.Name)
			}
			seenRel[rel.Name] = true
			rels[rel.Name] = rel
			continue
		}
		if len(cells) != 6 {
			return nil, fmt.Errorf("%s: a row has 6 tab-separated cells (message, variant, release, values, confidence, source), not %d", at, len(cells))
		}
		row := BizSvcRow{Message: cells[0], Variant: cells[1], Release: cells[2], Confidence: cells[4], Source: cells[5], From: at}
		if !isMessageID(row.Message) {
			return nil, fmt.Errorf("%s: %q is not a message identifier such as pacs.008.001.08", at, row.Message)
		}
		if !contains(Variants, row.Variant) {
			return nil, fmt.Errorf("%s: variant %q is not one of %s", at, row.Variant, strings.Join(Variants, ", "))
		}
		if err := checkConfidence(at, row.Confidence); err != nil {
			return nil, err
		}
		if err := checkCell(at, "source", row.Source); err != nil {
			return nil, err
		}
		for _, v := range strings.Split(cells[3], ",") {
			v = strings.TrimSpace(v)
			if !isBizSvcValue(v) || len(v) > 35 {
				return nil, fmt.Errorf("%s: %q is not a BizSvc value (such as swift.cbprplus.04)", at, v)
			}
			row.Values = append(row.Values, v)
		}
		key := [3]string{row.Message, row.Variant, row.Release}
		if seenRow[key] {
			return nil, fmt.Errorf("%s: %s %s under %s is given twice", at, row.Message, row.Variant, row.Release)
		}
		seenRow[key] = true
		fileRows = append(fileRows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if entries == 0 {
		return nil, fmt.Errorf("%s: no release and no row", name)
	}
	// Releases are checked once all are declared: a row may come first.
	for _, row := range fileRows {
		if _, ok := rels[row.Release]; !ok {
			return nil, fmt.Errorf("%s: release %q is not declared (add a release line)", row.From, row.Release)
		}
		rows[[3]string{row.Message, row.Variant, row.Release}] = row
	}
	var list []Release
	for _, rel := range rels {
		list = append(list, rel)
	}
	rl, err := newReleaseList(name, list)
	if err != nil {
		return nil, err
	}
	t := &BizSvcTable{releaseList: rl}
	order := map[string]int{}
	for i, rel := range t.releases {
		t.byMsg = append(t.byMsg, map[string][]int{})
		order[rel.Name] = i
	}
	for _, row := range rows {
		t.rows = append(t.rows, row)
	}
	sort.Slice(t.rows, func(i, j int) bool {
		a, b := t.rows[i], t.rows[j]
		if a.Release != b.Release {
			return order[a.Release] < order[b.Release]
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return variantOrder(a.Variant) < variantOrder(b.Variant)
	})
	for i, row := range t.rows {
		m := t.byMsg[order[row.Release]]
		m[row.Message] = append(m[row.Message], i)
	}
	return t, nil
}

func variantOrder(v string) int {
	for i, w := range Variants {
		if w == v {
			return i
		}
	}
	return len(Variants)
}

func checkConfidence(at, c string) error {
	if !contains(Confidences, c) {
		return fmt.Errorf("%s: confidence %q is not one of %s", at, c, strings.Join(Confidences, ", "))
	}
	return nil
}

func checkCell(at, what, v string) error {
	if v == "" {
		return fmt.Errorf("%s: the %s is empty", at, what)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
