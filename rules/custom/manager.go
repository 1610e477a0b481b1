package custom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/watch"
)

// ManagerOptions configures a Manager.
type ManagerOptions struct {
	// Dir, when set, is the directory of rule-set files: every *.yaml (and
	// *.yml) in it is loaded, Reload and Watch re-read it, and Put and
	// Delete write and remove files in it. Without Dir the sets live in
	// memory only.
	Dir string
	// MaxCost is the largest static cost estimate of one expression;
	// DefaultMaxCost when zero.
	MaxCost uint64
	// MaxRuntimeCost is the runtime cost limit of one evaluation;
	// DefaultMaxRuntimeCost when zero. It applies to every expression with
	// a comprehension or a static estimate above 1 000 units; cheaper
	// loop-free expressions are bounded by their estimate and run without
	// the tracker, unless TrackAllCosts is set.
	MaxRuntimeCost uint64
	// TrackAllCosts evaluates every expression under the runtime cost
	// tracker (about twice slower); for tests and the cautious.
	TrackAllCosts bool
	// External compiles the external_checks of rule sets (package
	// external's Hub); nil refuses every set that declares one.
	External ExternalCompiler
	// Logger receives reload outcomes from Watch; slog.Default() when nil.
	Logger *slog.Logger
	// OnReload, when set, is called after every reload Watch attempts, with
	// its error (nil on success).
	OnReload func(error)
}

// RuleSetInfo describes a loaded rule set.
type RuleSetInfo struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
	// Source is "yaml:<file>" as in engine.RuleSet.Source.
	Source string `json:"source"`
	// File is the name of the set's file within Dir (empty for a set Put
	// without Dir); never a path of the machine, as the admin API shows it.
	File string `json:"file,omitempty"`
	// Rules lists the IDs of the set's rules.
	Rules []string `json:"rules"`
	// ExternalChecks lists the IDs of the set's external checks.
	ExternalChecks []string `json:"external_checks,omitempty"`
	// Disable and SeverityOverrides are the set's changes to other rules.
	Disable           []string          `json:"disable,omitempty"`
	SeverityOverrides map[string]string `json:"severity_overrides,omitempty"`
	// Tests is the number of the set's tests (all passed, or the set would
	// not be loaded).
	Tests int `json:"tests"`
	// SHA256 is the hex digest of the set's YAML.
	SHA256 string `json:"sha256"`
	// Loaded is when the set was loaded.
	Loaded time.Time `json:"loaded"`
}

// Manager loads user rule sets (YAML with CEL) into an engine and keeps them
// current. Every change is all-or-nothing: a set that fails to parse,
// compile or pass its own tests is refused with a *LoadError listing every
// problem, and the rule sets in force stay as they were. Validations in
// flight see either the old or the new sets, never a mix.
//
// A Manager is safe for concurrent use.
type Manager struct {
	e    *engine.Engine
	opts ManagerOptions

	mu   sync.Mutex
	sets map[string]*loaded // by name; replaced, never mutated
}

type loaded struct {
	c    *compiled
	info RuleSetInfo
	path string // the file in Dir, for writing and removing; "" without Dir
}

// NewManager returns a Manager for e. When opts.Dir is set it loads every
// rule set in it; on any problem it returns the Manager (with no user sets
// loaded) and a *LoadError listing every problem.
func NewManager(e *engine.Engine, opts ManagerOptions) (*Manager, error) {
	if e == nil {
		return nil, errors.New("custom: NewManager needs an engine")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	m := &Manager{e: e, opts: opts, sets: map[string]*loaded{}}
	if opts.Dir != "" {
		if err := m.Reload(); err != nil {
			return m, err
		}
	}
	return m, nil
}

func (m *Manager) copts() compileOptions {
	return compileOptions{maxCost: m.opts.MaxCost, maxRuntimeCost: m.opts.MaxRuntimeCost, trackAll: m.opts.TrackAllCosts, external: m.opts.External, dir: m.opts.Dir}
}

// Reload re-reads Dir and replaces every set the Manager loaded with the
// sets found there. On any problem nothing changes and a *LoadError is
// returned. Without Dir it does nothing.
func (m *Manager) Reload() error {
	if m.opts.Dir == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	files, err := setFiles(m.opts.Dir)
	if err != nil {
		// Reload is the operator's (start, SIGHUP, Watch), never the admin
		// API's: the directory may be named.
		return &LoadError{Problems: []Problem{{File: m.opts.Dir, Message: err.Error()}}}
	}
	next := map[string]*loaded{}
	var ps []Problem
	for _, f := range files {
		name := filepath.Base(f)
		data, err := readConfined(m.opts.Dir, name, MaxSetBytes)
		if err != nil {
			ps = append(ps, Problem{File: name, Message: "rule-set file " + err.Error()})
			continue
		}
		l, p := m.build(name, data)
		if len(p) > 0 {
			ps = append(ps, p...)
			continue
		}
		l.path = f
		if prev := next[l.info.Name]; prev != nil {
			ps = append(ps, Problem{File: name, Line: l.c.spec.nameNode.Line, Column: l.c.spec.nameNode.Column,
				Message: fmt.Sprintf("rule set name %q is also used by %s", l.info.Name, prev.info.File)})
			continue
		}
		next[l.info.Name] = l
	}
	if len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	return m.install(next)
}

func setFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !(strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	sort.Strings(out)
	return out, nil
}

// build compiles one file, named by its name within Dir, and runs its
// tests (test files are read from Dir).
func (m *Manager) build(file string, data []byte) (*loaded, []Problem) {
	c, ps := compile(file, data, m.copts())
	if len(ps) > 0 {
		return nil, ps
	}
	for _, r := range runTests(c, m.e.Formats(), m.e.Options()) {
		if !r.Passed {
			ps = append(ps, Problem{File: r.File, Line: r.Line, Message: fmt.Sprintf("test %q failed: %s", r.Name, r.Detail)})
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	sum := sha256.Sum256(data)
	info := RuleSetInfo{Name: c.set.Name, Version: c.set.Version, Description: c.set.Description, Source: c.set.Source, File: file,
		Disable: c.set.Disable, Tests: len(c.spec.Tests), SHA256: hex.EncodeToString(sum[:]), Loaded: time.Now()}
	for _, r := range c.rules {
		info.Rules = append(info.Rules, r.info.ID)
	}
	for _, r := range c.external {
		info.ExternalChecks = append(info.ExternalChecks, r.Info().ID)
	}
	if len(c.set.Severity) > 0 {
		info.SeverityOverrides = map[string]string{}
		for id, s := range c.set.Severity {
			info.SeverityOverrides[id] = s.String()
		}
	}
	return &loaded{c: c, info: info}, nil
}

// install swaps the Manager's sets in the engine for next, atomically.
// m.mu must be held.
func (m *Manager) install(next map[string]*loaded) error {
	var ps []Problem
	for _, s := range m.e.RuleSets() {
		if l := next[s.Name]; l != nil && m.sets[s.Name] == nil {
			ps = append(ps, Problem{File: l.info.File, Line: l.c.spec.nameNode.Line, Column: l.c.spec.nameNode.Column,
				Message: fmt.Sprintf("rule set name %q is already used by a %s rule set", s.Name, s.Source)})
		}
	}
	if len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	// Duplicate rule IDs across sets: report them located before the engine
	// refuses them.
	owner := map[string]string{}
	for _, s := range m.e.RuleSets() {
		if m.sets[s.Name] != nil {
			continue
		}
		for _, r := range s.Rules {
			owner[r.Info().ID] = s.Name + " (" + s.Source + ")"
		}
	}
	names := sortedNames(next)
	for _, n := range names {
		l := next[n]
		for i, r := range l.c.rules {
			if o, dup := owner[r.info.ID]; dup {
				at := l.c.spec.Rules[i].at["id"]
				ps = append(ps, Problem{File: l.info.File, Line: at.Line, Column: at.Column, RuleID: r.info.ID,
					Message: fmt.Sprintf("duplicate rule id %q: already used by rule set %s", r.info.ID, o)})
				continue
			}
			owner[r.info.ID] = n + " (" + l.info.File + ")"
		}
		for _, r := range l.c.external {
			id := r.Info().ID
			if o, dup := owner[id]; dup {
				ps = append(ps, Problem{File: l.info.File, RuleID: id,
					Message: fmt.Sprintf("duplicate rule id %q (an external check): already used by rule set %s", id, o)})
				continue
			}
			owner[id] = n + " (" + l.info.File + ")"
		}
	}
	if len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	types := m.e.MessageTypes()
	for _, n := range names {
		ps = append(ps, unknownIDs(next[n].c, func(id string) bool { _, ok := owner[id]; return ok })...)
		ps = append(ps, unknownTypes(next[n].c, types)...)
	}
	if len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	old := m.sets
	err := m.e.ReplaceRuleSets(func(sets []*engine.RuleSet) []*engine.RuleSet {
		out := make([]*engine.RuleSet, 0, len(sets)+len(next))
		for _, s := range sets {
			if l := old[s.Name]; l != nil && l.c.set == s {
				continue
			}
			out = append(out, s)
		}
		for _, n := range names {
			out = append(out, next[n].c.set)
		}
		return out
	})
	if err != nil {
		// A set of another source (a Go or built-in set added since) names
		// a rule of a set this change removes: refused by the engine.
		return &LoadError{Problems: []Problem{{Message: err.Error()}}}
	}
	m.sets = next
	return nil
}

// unknownIDs locates the entries of the set's disable list and severity
// overrides that name no rule for which known is true. They are errors,
// failing closed: such an entry changes nothing today (most likely a typo,
// and an override meant to make a rule an error leaves it a warning) and
// would silently apply to a rule of that ID loaded later. The engine
// refuses them too (engine.ErrUnknownRuleID); here they get a location.
func unknownIDs(c *compiled, known func(id string) bool) []Problem {
	var out []Problem
	at := func(n *yaml.Node) (int, int) {
		if n == nil {
			return 0, 0
		}
		return n.Line, n.Column
	}
	for i, id := range c.spec.Disable {
		if known(id) {
			continue
		}
		n := c.spec.disableNode
		if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
			n = n.Content[i]
		}
		line, col := at(n)
		out = append(out, Problem{File: c.file, Line: line, Column: col,
			Message: fmt.Sprintf("disable: no rule in force has id %q (a typo would leave the rule on; remove the entry or load the set holding the rule first)", id)})
	}
	ids := make([]string, 0, len(c.spec.Severity))
	for id := range c.spec.Severity {
		if !known(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		var n *yaml.Node
		if sn := c.spec.severityNode; sn != nil && sn.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(sn.Content); i += 2 {
				if sn.Content[i].Value == id {
					n = sn.Content[i]
				}
			}
		}
		line, col := at(n)
		out = append(out, Problem{File: c.file, Line: line, Column: col,
			Message: fmt.Sprintf("severity_overrides: no rule in force has id %q (a typo would leave the rule's severity unchanged)", id)})
	}
	return out
}

func sortedNames(sets map[string]*loaded) []string {
	out := make([]string, 0, len(sets))
	for n := range sets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// List returns the loaded rule sets, sorted by name.
func (m *Manager) List() []RuleSetInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]RuleSetInfo, 0, len(m.sets))
	for _, n := range sortedNames(m.sets) {
		out = append(out, m.sets[n].info)
	}
	return out
}

// Get returns the YAML and the description of the loaded set of that name.
func (m *Manager) Get(name string) (yaml []byte, info RuleSetInfo, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.sets[name]
	if l == nil {
		return nil, RuleSetInfo{}, false
	}
	return append([]byte(nil), l.c.data...), l.info, true
}

// Put loads (or replaces) the rule set of that name from its YAML. The
// set's name field must equal name. With Dir set the file is written there
// (replacing the file the set came from, or as <name>.yaml) once the set is
// in force. On refusal nothing changes and a *LoadError is returned.
func (m *Manager) Put(name string, data []byte) error {
	if !nameRe.MatchString(name) {
		return &LoadError{Problems: []Problem{{File: name, Message: fmt.Sprintf("rule set name %q must be 1-64 lower-case letters, digits, '_', '.', '+' or '-'", name)}}}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	file := name + ".yaml"
	path := ""
	if prev := m.sets[name]; prev != nil && prev.path != "" {
		file, path = prev.info.File, prev.path
	} else if m.opts.Dir != "" {
		path = filepath.Join(m.opts.Dir, file)
	}
	l, ps := m.build(file, data)
	if len(ps) > 0 {
		return &LoadError{Problems: ps}
	}
	if l.info.Name != name {
		n := l.c.spec.nameNode
		return &LoadError{Problems: []Problem{{File: file, Line: n.Line, Column: n.Column, Message: fmt.Sprintf("the set is named %q, not %q", l.info.Name, name)}}}
	}
	l.path = path
	if m.opts.Dir == "" {
		l.info.File = ""
	}
	next := make(map[string]*loaded, len(m.sets)+1)
	for k, v := range m.sets {
		next[k] = v
	}
	next[name] = l
	if err := m.install(next); err != nil {
		return err
	}
	if path != "" {
		if err := writeFileAtomic(path, data); err != nil {
			// The cause goes to the log (it names the directory); the
			// caller, maybe the admin API, gets no path.
			m.opts.Logger.Error("rule set in force but not saved", "set", name, "err", err)
			return &LoadError{Problems: []Problem{{File: file, Message: "the set is in force but could not be saved in the rule-set directory; see the server log"}}}
		}
	}
	return nil
}

// Delete unloads the rule set of that name (removing its file from Dir).
// found is false when no such set is loaded. err (a *LoadError) is set, and
// nothing changes, when another set's disable list or severity overrides
// name a rule of this one: change that set first.
func (m *Manager) Delete(name string) (found bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.sets[name]
	if l == nil {
		return false, nil
	}
	next := make(map[string]*loaded, len(m.sets))
	for k, v := range m.sets {
		if k != name {
			next[k] = v
		}
	}
	if err := m.install(next); err != nil {
		return true, err
	}
	if l.path != "" {
		if err := os.Remove(l.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			m.opts.Logger.Warn("rule set unloaded but its file could not be removed", "set", name, "err", err)
		}
	}
	return true, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.yaml")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReloadLogged is Reload with its outcome logged, for reloads nobody waits
// on (SIGHUP, Watch): an error line for a refused reload that carries the
// count and the places of the problems (file, line, column, rule ID), never
// their texts, which may quote rule-set tests and so payment data; run
// "swiftval rules lint" or PUT the set to see them. reason says what
// triggered the reload.
func (m *Manager) ReloadLogged(reason string) error {
	err := m.Reload()
	if err != nil {
		m.opts.Logger.Error("rule sets not reloaded; the previous sets stay in force", "reason", reason, "dir", m.opts.Dir, "err", err)
	} else {
		m.opts.Logger.Info("rule sets reloaded", "reason", reason, "dir", m.opts.Dir, "sets", len(m.List()))
	}
	return err
}

func (m *Manager) Watch(ctx context.Context) error {
	if m.opts.Dir == "" {
		return errors.New("custom: Watch needs ManagerOptions.Dir")
	}
	isSet := func(p string) bool {
		base := filepath.Base(p)
		return !strings.HasPrefix(base, ".") && (strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"))
	}
	return watch.Dir(ctx, m.opts.Dir, isSet, func() {
		err := m.ReloadLogged("file change")
		if m.opts.OnReload != nil {
			m.opts.OnReload(err)
		}
	}, func(err error) { m.opts.Logger.Warn("rule set watcher", "err", err) })
}
