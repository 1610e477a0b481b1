// Package engine is swiftval's format-neutral core: formats parse raw input
// into Messages, rule sets check them, and the engine runs both inside a
// per-message latency budget and returns a Report with every finding.
//
// The engine imports no format and no rule pack: they register themselves
// (see the module root, package swiftval, for the default wiring). An Engine is safe for
// concurrent use; rule-set changes are swapped in atomically, so a validation
// in flight sees either the old or the new rule sets, never a mix.
package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBudget is the per-message latency budget: the whole validation of
// one message (parse and rules) is meant to fit well inside it.
const DefaultBudget = 5 * time.Millisecond

// DefaultMaxInput is the largest input validated as one message (1 MiB):
// the largest FIN message is 10 000 characters and CBPR+ MX messages are
// capped at a few hundred KB, so 1 MiB leaves room without inviting abuse.
const DefaultMaxInput = 1 << 20

// Options configures an Engine.
type Options struct {
	// Budget is the per-message latency budget; DefaultBudget when zero.
	Budget time.Duration
	// MaxInput is the size limit of one input in bytes; DefaultMaxInput when
	// zero.
	MaxInput int
}

// ValidateOptions selects how one message is validated.
type ValidateOptions struct {
	// Format forces a format by name ("mt", "mx"); empty to detect it.
	Format string
	// Profile selects a usage profile ("cbpr+"); empty to use the one the
	// message declares.
	Profile string
	// RuleSets, when non-empty, names exactly the rule sets to apply;
	// otherwise every registered set applies (profile sets only under their
	// profile).
	RuleSets []string
	// Budget overrides the engine's budget for this call when positive.
	Budget time.Duration
}

// Engine validates messages. Create it with New, register formats and rule
// sets, then call Validate from any number of goroutines.
type Engine struct {
	opts  Options
	epoch time.Time // monotonic base of now()
	cfg   atomic.Pointer[config]
	mu    sync.Mutex // serialises writers of cfg
	pool  sync.Pool  // *Findings
}

// New returns an Engine with no formats and no rule sets.
func New(opts Options) *Engine {
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget * raceBudgetScale
	}
	if opts.MaxInput <= 0 {
		opts.MaxInput = DefaultMaxInput
	}
	e := &Engine{opts: opts, epoch: time.Now()}
	e.pool.New = func() any { return new(Findings) }
	e.cfg.Store(newConfig(nil, nil, nil, nil))
	return e
}

// Options returns the engine's options.
func (e *Engine) Options() Options { return e.opts }

// RegisterFormat adds a format. Formats are tried in registration order when
// detecting. Registering a name twice replaces the earlier format.
func (e *Engine) RegisterFormat(f Format) {
	e.update(func(c *config) (*config, error) {
		fs := make([]Format, 0, len(c.formats)+1)
		for _, g := range c.formats {
			if g.Name() != f.Name() {
				fs = append(fs, g)
			}
		}
		return newConfig(append(fs, f), c.sets, c.disabled, c.states), nil
	})
}

// Formats returns the registered formats.
func (e *Engine) Formats() []Format { return e.cfg.Load().formats }

// MessageTypes lists the message types of every registered format.
func (e *Engine) MessageTypes() []TypeInfo {
	var out []TypeInfo
	for _, f := range e.cfg.Load().formats {
		out = append(out, f.MessageTypes()...)
	}
	return out
}

// ErrDuplicateRuleSet is returned when a rule set's rules collide by ID with
// rules already registered.
var ErrDuplicateRuleSet = errors.New("duplicate rule ID")

// ErrUnknownRuleID is returned when a rule set's Disable or Severity names a
// rule ID that no registered rule has. Such an entry changes nothing today
// (most likely a typo: an override meant to make a rule an error would
// silently leave it a warning) and would silently apply to a rule of that
// ID registered later, so it is refused, failing closed.
var ErrUnknownRuleID = errors.New("unknown rule ID")

// AddRuleSet registers a rule set, replacing a set of the same name. It fails,
// changing nothing, when one of its rule IDs is used by another set or twice
// within the set.
func (e *Engine) AddRuleSet(rs *RuleSet) error {
	return e.ReplaceRuleSets(func(sets []*RuleSet) []*RuleSet {
		out := make([]*RuleSet, 0, len(sets)+1)
		for _, s := range sets {
			if s.Name != rs.Name {
				out = append(out, s)
			}
		}
		return append(out, rs)
	})
}

// RemoveRuleSet unregisters the rule set of that name. It reports whether
// one was removed: false when there is none, or when another set's Disable
// or Severity names one of its rules (see ErrUnknownRuleID; change that set
// first).
func (e *Engine) RemoveRuleSet(name string) bool {
	found := false
	err := e.ReplaceRuleSets(func(sets []*RuleSet) []*RuleSet {
		out := make([]*RuleSet, 0, len(sets))
		for _, s := range sets {
			if s.Name == name {
				found = true
				continue
			}
			out = append(out, s)
		}
		return out
	})
	return found && err == nil
}

// ReplaceRuleSets atomically replaces the registered rule sets with
// edit(current). edit must not modify its argument. On error nothing
// changes: ErrDuplicateRuleSet when two rules share an ID,
// ErrUnknownRuleID when a set's Disable or Severity names an ID no rule of
// the new sets has.
func (e *Engine) ReplaceRuleSets(edit func([]*RuleSet) []*RuleSet) error {
	return e.update(func(c *config) (*config, error) {
		sets := edit(append([]*RuleSet(nil), c.sets...))
		seen := make(map[string]string, ruleCount(sets))
		for _, s := range sets {
			for _, r := range s.Rules {
				id := r.Info().ID
				if prev, ok := seen[id]; ok {
					return nil, fmt.Errorf("%w %q in rule sets %q and %q", ErrDuplicateRuleSet, id, prev, s.Name)
				}
				seen[id] = s.Name
			}
		}
		for _, s := range sets {
			for _, id := range s.Disable {
				if _, ok := seen[id]; !ok {
					return nil, fmt.Errorf("%w %q in the disable list of rule set %q", ErrUnknownRuleID, id, s.Name)
				}
			}
			for id := range s.Severity {
				if _, ok := seen[id]; !ok {
					return nil, fmt.Errorf("%w %q in the severity overrides of rule set %q", ErrUnknownRuleID, id, s.Name)
				}
			}
		}
		return newConfig(c.formats, sets, c.disabled, c.states), nil
	})
}

// RuleSets returns the registered rule sets.
func (e *Engine) RuleSets() []*RuleSet { return e.cfg.Load().sets }

// RuleSet returns the registered rule set of that name, or nil.
func (e *Engine) RuleSet(name string) *RuleSet {
	for _, s := range e.cfg.Load().sets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// SetEnabled switches the rule with that ID on or off for every validation.
// It reports whether such a rule is registered; an unknown ID changes
// nothing (it is not remembered for a rule of that ID registered later).
func (e *Engine) SetEnabled(id string, on bool) bool {
	found := false
	_ = e.update(func(c *config) (*config, error) {
		for _, s := range c.sets {
			for _, r := range s.Rules {
				if r.Info().ID == id {
					found = true
				}
			}
		}
		if !found {
			return nil, ErrUnknownRuleID
		}
		d := make(map[string]bool, len(c.disabled)+1)
		for k, v := range c.disabled {
			d[k] = v
		}
		if on {
			delete(d, id)
		} else {
			d[id] = true
		}
		return newConfig(c.formats, c.sets, d, c.states), nil
	})
	return found
}

func (e *Engine) update(fn func(*config) (*config, error)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := fn(e.cfg.Load())
	if err != nil {
		return err
	}
	e.cfg.Store(c)
	return nil
}

// RuleStatus is one registered rule with where it comes from, whether it is
// enabled, and its counters.
type RuleStatus struct {
	RuleInfo
	// RuleSet is the label (name@version) of the set holding the rule.
	RuleSet string `json:"rule_set"`
	// Source is the source of that set (built-in, go, yaml:<file>).
	Source  string `json:"source"`
	Enabled bool   `json:"enabled"`
	RuleStats
}

// Rules lists every registered rule in rule-set order.
func (e *Engine) Rules() []RuleStatus {
	c := e.cfg.Load()
	var out []RuleStatus
	for _, s := range c.sets {
		for _, r := range s.Rules {
			info := r.Info()
			st := c.states[r]
			var stats RuleStats
			if st != nil {
				stats = st.snapshot()
			}
			out = append(out, RuleStatus{RuleInfo: info, RuleSet: s.Label(), Source: s.Source, Enabled: !c.disabled[info.ID], RuleStats: stats})
		}
	}
	return out
}

// Validate validates one message with default options. See ValidateWith.
func (e *Engine) Validate(ctx context.Context, raw []byte) *Report {
	return e.ValidateWith(ctx, raw, ValidateOptions{})
}

// ValidateWith parses raw and runs the selected rules within the latency
// budget. It never panics and always returns a report; an invalid message is
// a report with Valid false, not an error. When the budget or ctx runs out
// the remaining rules are skipped and the report is incomplete and invalid.
func (e *Engine) ValidateWith(ctx context.Context, raw []byte, o ValidateOptions) *Report {
	return e.validateAt(ctx, raw, o, 1, 1)
}

// validateAt is ValidateWith for a segment of a larger input that starts at
// line, column of it: the findings, and the places a repeated finding
// lists in its message, are located within the whole input.
func (e *Engine) validateAt(ctx context.Context, raw []byte, o ValidateOptions, line, column int) *Report {
	start := e.now()
	budget := e.opts.Budget
	if o.Budget > 0 {
		budget = o.Budget
	}
	c := e.cfg.Load()
	f := e.pool.Get().(*Findings)
	rep := &Report{Complete: true, Level: LevelNone}
	e.validate(ctx, c, raw, o, start+budget, f, rep)
	f.shift(line, column)
	rep.finish(f, e.now()-start)
	f.Reset()
	e.pool.Put(f)
	return rep
}

// ValidateAll validates every message of a multi-message input (an RJE batch,
// say) and returns one report per message, in order, with findings located
// within the whole input and Report.Index set (1-based). An input that is one
// message gives one report. Callers that stream (or spread the messages
// over goroutines) use Split and ValidateSegment, which it is made of.
func (e *Engine) ValidateAll(ctx context.Context, raw []byte, o ValidateOptions) []*Report {
	segs, format := e.Split(raw, o)
	if segs == nil {
		r := e.ValidateWith(ctx, raw, o)
		r.Index = 1
		return []*Report{r}
	}
	out := make([]*Report, 0, len(segs))
	o.Format = format
	for i, s := range segs {
		r := e.ValidateSegment(ctx, s, o)
		r.Index = i + 1
		out = append(out, r)
	}
	return out
}

// Split cuts a multi-message input into the messages ValidateAll validates
// and names the format to force on each (ValidateOptions.Format). segs is
// nil when the input is to be validated whole: its format does not split
// (or is not recognised), it is above 64 times MaxInput, it is plainly of
// another format than the one forced (validated whole, it gets the
// mismatch finding), or it yields no segment. The segments share raw's
// memory. Safe for concurrent use.
func (e *Engine) Split(raw []byte, o ValidateOptions) (segs []Segment, format string) {
	c := e.cfg.Load()
	fm := c.pickFormat(raw, o.Format)
	sp, ok := fm.(Splitter)
	if fm == nil || !ok || len(raw) > e.opts.MaxInput*64 || c.mismatch(fm, raw, o.Format) != nil {
		return nil, ""
	}
	segs = sp.Split(raw)
	if len(segs) == 0 {
		return nil, ""
	}
	return segs, fm.Name()
}

// ValidateSegment validates one segment that Split returned, with the
// format Split named in o.Format, and locates its findings (and the places
// a repeated finding lists) within the whole input. Index is left for the
// caller to set.
func (e *Engine) ValidateSegment(ctx context.Context, s Segment, o ValidateOptions) *Report {
	return e.validateAt(ctx, s.Data, o, s.Line, s.Column)
}

// now returns the monotonic time since the engine was created: one clock
// read, half the cost of time.Now, which also reads the wall clock.
func (e *Engine) now() time.Duration { return time.Since(e.epoch) }

func (e *Engine) validate(ctx context.Context, c *config, raw []byte, o ValidateOptions, deadline time.Duration, f *Findings, rep *Report) {
	if c.refuseSelectors(o, f) {
		return
	}
	f.SetRule("engine.input", "")
	if len(raw) > e.opts.MaxInput {
		rep.Format = detectName(c, raw, o.Format)
		f.Errorf(CodeInputTooLarge, Location{}, "input is %d bytes, above the limit of %d bytes per message", len(raw), e.opts.MaxInput)
		return
	}
	fm := c.pickFormat(raw, o.Format)
	if fm == nil {
		if o.Format != "" {
			f.Errorf(CodeUnknownFormat, Location{}, "unknown format %s (known: %s): nothing was validated", Echo(o.Format), listOrNone(c.formatNames()))
		} else if len(raw) == 0 || isBlank(raw) {
			f.Error(CodeEmptyInput, Location{Line: 1, Column: 1}, "input is empty")
		} else {
			f.Error(CodeUnrecognised, Location{Line: 1, Column: 1}, "input is neither a SWIFT MT (FIN) message nor an ISO 20022 XML message")
		}
		return
	}
	rep.Format = fm.Name()
	if o.Format != "" {
		if other := c.mismatch(fm, raw, o.Format); other != nil {
			line, col := startOf(raw)
			loc := Location{Line: line, Column: col}
			if sl, ok := fm.(StartLocator); ok {
				loc = sl.StartLocation(line, col)
			}
			f.Errorf(CodeFormatMismatch, loc, "the format was forced to %s, but the input is %s (from its first characters), so it was not checked; validate it as %s, or let the format be detected", fm.Name(), other.Name(), other.Name())
			return
		}
	}
	m := parseSafely(fm, raw, f)
	if m == nil {
		f.detach()
		return
	}
	// Findings must not alias the input or storage the format recycles: a
	// Report outlives both (the caller may reuse its buffer, the format hands
	// the Message to the next validation). Copy their strings first, then
	// release the Message. Only findings pay, so a valid message costs
	// nothing.
	if rel, ok := fm.(Releaser); ok {
		defer func() {
			f.detach()
			rel.Release(m)
		}()
	} else {
		defer f.detach()
	}
	rep.Type, rep.Level = m.Type, m.Level
	if rep.Level == "" {
		rep.Level = LevelSyntax
	}
	if ctx == nil {
		ctx = context.Background()
	}
	m.Ctx, m.Deadline = ctx, e.epoch.Add(deadline)
	m.cache = [MaxCacheSlots]any{}
	b := c.bucketFor(m, o)
	timed := b.runs.Add(1)%statSample == 0
	done := ctx.Done()
	if done != nil && len(b.rules) > 0 {
		// A context already ended skips every rule (no clock read needed).
		select {
		case <-done:
			skipped(b, 0, f, "cancelled", ctx)
			rep.Complete = false
			return
		default:
		}
	}
	for _, i := range b.starters {
		startSafely(&b.rules[i], m, f)
	}
	for i := 0; i < len(b.rules); {
		next, stop := e.runRules(b, i, m, f, timed, done, deadline)
		if stop != "" {
			skipped(b, next, f, stop, ctx)
			rep.Complete = false
			return
		}
		i = next
	}
}

// runRules runs b.rules from index from on, checking the budget every
// budgetStride rules and before Costly ones. It returns the index to go on
// from: len(b.rules) when done, the index of the first rule not run when the
// budget or context ran out (stop says which), or the index after a rule
// that panicked. One deferred recover guards the whole run instead of one
// per rule.
func (e *Engine) runRules(b *bucket, from int, m *Message, f *Findings, timed bool, done <-chan struct{}, deadline time.Duration) (next int, stop string) {
	i := from
	defer func() {
		if p := recover(); p != nil {
			re := &b.rules[i]
			re.state.panics.Add(1)
			f.setRule(re.id, re.set, re.sev, false)
			f.Add(CodeRulePanicked, Error, Location{}, "rule failed unexpectedly and was stopped; the message cannot be reported valid")
			next, stop = i+1, ""
		}
	}()
	for ; i < len(b.rules); i++ {
		re := &b.rules[i]
		if i > 0 && (i%budgetStride == 0 || re.costly) {
			if s := e.budgetOut(done, deadline); s != "" {
				return i, s
			}
		}
		if !b.cached {
			re.state.evals.Add(1)
		}
		f.setRule(re.id, re.set, re.sev, re.over)
		n := f.Len()
		if timed {
			t := e.now()
			re.rule.Check(m, f)
			re.state.recordTime(e.now() - t)
		} else {
			re.rule.Check(m, f)
		}
		if k := f.Len() - n; k > 0 {
			re.state.findings.Add(int64(k))
		}
	}
	return i, ""
}

// budgetStride is how many rules run between two budget checks. A check
// costs one monotonic clock read (25-50 ns here, see BenchmarkBudgetCheck);
// built-in rules take 10-50 ns each, so checking every 32 rules keeps the
// overhead small (none at all for a typical MT103's 31 rules) while
// bounding the overrun to 32 cheap rules, about a microsecond.
// Rules that declare themselves Costly (CEL rules) are checked before
// every run.
const budgetStride = 32

// statSample: one validation in statSample of each rule bucket times its
// rules one by one (two clock reads per rule), so per-rule timing costs
// nothing measurable on the other validations.
const statSample = 64

func (e *Engine) budgetOut(done <-chan struct{}, deadline time.Duration) string {
	if done != nil {
		select {
		case <-done:
			return "cancelled"
		default:
		}
	}
	if e.now() > deadline {
		return "budget"
	}
	return ""
}

func skipped(b *bucket, from int, f *Findings, why string, ctx context.Context) {
	for i := from; i < len(b.rules); i++ {
		b.rules[i].state.skipped.Add(1)
	}
	f.SetRule("engine.budget", "")
	n := len(b.rules) - from
	if why == "cancelled" {
		f.Errorf(CodeCancelled, Location{}, "validation cancelled (%v); %d rule(s) not run, so the message cannot be reported valid", context.Cause(ctx), n)
		return
	}
	f.Errorf(CodeBudgetExceeded, Location{}, "latency budget exhausted; %d rule(s) not run, so the message cannot be reported valid", n)
}

// startSafely calls a Starter rule's Start, reporting a panic as SV003 on
// that rule.
func startSafely(re *ruleEntry, m *Message, f *Findings) {
	defer func() {
		if p := recover(); p != nil {
			re.state.panics.Add(1)
			f.setRule(re.id, re.set, re.sev, false)
			f.Add(CodeRulePanicked, Error, Location{}, "rule failed unexpectedly while starting and was stopped; the message cannot be reported valid")
		}
	}()
	re.rule.(Starter).Start(m)
}

func parseSafely(fm Format, raw []byte, f *Findings) (m *Message) {
	f.SetRule(parseRuleID(fm.Name()), "")
	defer func() {
		if p := recover(); p != nil {
			m = nil
			f.SetRule("engine.parse", "")
			f.Error(CodeParserPanicked, Location{}, "the parser failed unexpectedly on this input; it cannot be reported valid")
		}
	}()
	return fm.Parse(raw, f)
}

// parseRuleID is the rule ID stamped on a format's parse findings:
// "mt.parse", "mx.parse". The common names are constants so the hot path
// does not build the string.
func parseRuleID(name string) string {
	switch name {
	case "mt":
		return "mt.parse"
	case "mx":
		return "mx.parse"
	}
	return name + ".parse"
}

func detectName(c *config, raw []byte, forced string) string {
	if fm := c.pickFormat(raw, forced); fm != nil {
		return fm.Name()
	}
	return ""
}

// mismatch returns the format that detects raw when the caller forced fm
// (by the name forced) and fm itself does not recognise raw: an MT message
// checked as MX, say. It returns nil when nothing was forced, when fm
// recognises raw, and when no format does (the forced parser then explains
// what is wrong).
func (c *config) mismatch(fm Format, raw []byte, forced string) Format {
	if forced == "" || fm == nil || fm.Detect(raw) {
		return nil
	}
	if other := c.pickFormat(raw, ""); other != nil && other != fm {
		return other
	}
	return nil
}

// startOf returns the 1-based line and column of the first character of
// raw that is not a blank or a byte-order mark.
func startOf(raw []byte) (int, int) {
	line, col := 1, 1
	i := 0
	if len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF {
		i = 3
	}
	for ; i < len(raw); i++ {
		switch raw[i] {
		case '\n':
			line, col = line+1, 1
		case ' ', '\t', '\r':
			col++
		default:
			return line, col
		}
	}
	return line, col
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return true
}

// config is an immutable snapshot of formats, rule sets and switches.
type config struct {
	formats  []Format
	sets     []*RuleSet
	disabled map[string]bool
	states   map[Rule]*ruleState
	buckets  atomic.Pointer[map[bucketKey]*bucket]
	bmu      sync.Mutex
}

func newConfig(formats []Format, sets []*RuleSet, disabled map[string]bool, old map[Rule]*ruleState) *config {
	c := &config{formats: formats, sets: sets, disabled: disabled, states: make(map[Rule]*ruleState, ruleCount(sets))}
	for _, s := range sets {
		for _, r := range s.Rules {
			if st := old[r]; st != nil {
				st.retireBuckets()
				c.states[r] = st
			} else {
				c.states[r] = &ruleState{}
			}
		}
	}
	empty := map[bucketKey]*bucket{}
	c.buckets.Store(&empty)
	return c
}

// ruleCount returns the number of rules of sets (to size maps of them).
func ruleCount(sets []*RuleSet) int {
	n := 0
	for _, s := range sets {
		n += len(s.Rules)
	}
	return n
}

func (c *config) pickFormat(raw []byte, forced string) Format {
	for _, f := range c.formats {
		if forced != "" {
			if f.Name() == forced {
				return f
			}
			continue
		}
		if f.Detect(raw) {
			return f
		}
	}
	return nil
}

type bucketKey struct {
	format, typ, base, profile, sets string
}

type bucket struct {
	rules []ruleEntry
	// starters holds the indexes in rules of the Starter rules.
	starters []int
	runs     atomic.Int64
	cached   bool // counted through runs; uncached buckets count per rule
}

type ruleEntry struct {
	rule   Rule
	costly bool
	id     string
	set    string
	sev    Severity
	over   bool
	state  *ruleState
}

// maxBuckets bounds the per-config cache of rule lists: types come from
// input (an MX namespace is free text), so the cache must not grow with them.
const maxBuckets = 4096

func (c *config) bucketFor(m *Message, o ValidateOptions) *bucket {
	profile := o.Profile
	if profile == "" {
		profile = m.Profile
	}
	k := bucketKey{format: m.Format, typ: m.Type, base: m.Base, profile: profile}
	if len(o.RuleSets) > 0 {
		k.sets = strings.Join(o.RuleSets, ",")
	}
	if b := (*c.buckets.Load())[k]; b != nil {
		return b
	}
	b := c.build(k, o.RuleSets)
	c.bmu.Lock()
	defer c.bmu.Unlock()
	cur := *c.buckets.Load()
	if existing := cur[k]; existing != nil {
		return existing
	}
	if len(cur) >= maxBuckets {
		return b
	}
	b.cached = true
	for i := range b.rules {
		b.rules[i].state.buckets.Store(b, struct{}{})
	}
	next := make(map[bucketKey]*bucket, len(cur)+1)
	for kk, v := range cur {
		next[kk] = v
	}
	next[k] = b
	c.buckets.Store(&next)
	return b
}

func (c *config) build(k bucketKey, named []string) *bucket {
	var active []*RuleSet
	for _, s := range c.sets {
		if len(named) > 0 {
			for _, n := range named {
				if n == s.Name {
					active = append(active, s)
				}
			}
			continue
		}
		if s.Profile == "" || s.Profile == k.profile {
			active = append(active, s)
		}
	}
	disabled := map[string]bool{}
	sev := map[string]Severity{}
	for _, s := range active {
		for _, id := range s.Disable {
			disabled[id] = true
		}
		for id, v := range s.Severity {
			sev[id] = v
		}
	}
	b := &bucket{}
	for _, s := range active {
		label := s.Label()
		for _, r := range s.Rules {
			info := r.Info()
			if c.disabled[info.ID] || disabled[info.ID] || !info.Applies(k.format, k.typ, k.base) {
				continue
			}
			v, over := sev[info.ID]
			_, costly := r.(Costly)
			if _, ok := r.(Starter); ok {
				b.starters = append(b.starters, len(b.rules))
			}
			b.rules = append(b.rules, ruleEntry{rule: r, costly: costly, id: info.ID, set: label, sev: v, over: over, state: c.states[r]})
		}
	}
	return b
}

// RuleStats are a rule's counters since it was registered.
type RuleStats struct {
	// Evaluations counts validations that ran the rule.
	Evaluations int64 `json:"evaluations"`
	// Findings counts findings the rule produced.
	Findings int64 `json:"findings"`
	// Panics counts runs that panicked (reported as SV003).
	Panics int64 `json:"panics"`
	// TimedEvaluations counts the sampled runs that were timed (one in 64).
	TimedEvaluations int64 `json:"timed_evaluations"`
	// TotalTimeNS estimates the total time spent in the rule: the time of the
	// timed runs scaled to all evaluations.
	TotalTimeNS int64 `json:"total_time_ns"`
	// MaxTimeNS is the longest timed run.
	MaxTimeNS int64 `json:"max_time_ns"`
}

type ruleState struct {
	evals    atomic.Int64 // runs counted directly, plus runs of retired buckets
	findings atomic.Int64
	panics   atomic.Int64
	skipped  atomic.Int64
	timed    atomic.Int64
	timeNS   atomic.Int64
	maxNS    atomic.Int64
	buckets  sync.Map // *bucket -> struct{}: the buckets holding the rule
}

func (s *ruleState) recordTime(d time.Duration) {
	ns := int64(d)
	s.timed.Add(1)
	s.timeNS.Add(ns)
	for {
		m := s.maxNS.Load()
		if ns <= m || s.maxNS.CompareAndSwap(m, ns) {
			return
		}
	}
}

// retireBuckets folds the counts of the buckets of a replaced config into
// evals, so the buckets can be dropped.
func (s *ruleState) retireBuckets() {
	s.buckets.Range(func(k, _ any) bool {
		s.evals.Add(k.(*bucket).runs.Load())
		s.buckets.Delete(k)
		return true
	})
}

func (s *ruleState) snapshot() RuleStats {
	st := RuleStats{Findings: s.findings.Load(), Panics: s.panics.Load(), TimedEvaluations: s.timed.Load(), MaxTimeNS: s.maxNS.Load()}
	st.Evaluations = s.evals.Load() - s.skipped.Load()
	s.buckets.Range(func(k, _ any) bool {
		st.Evaluations += k.(*bucket).runs.Load()
		return true
	})
	if st.TimedEvaluations > 0 && st.Evaluations > 0 {
		// Scale the sampled time to every evaluation.
		st.TotalTimeNS = int64(float64(s.timeNS.Load()) * float64(st.Evaluations) / float64(st.TimedEvaluations))
	}
	return st
}
