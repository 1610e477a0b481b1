package custom

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/internal/lazyre"
)

// DefaultMaxCost is the largest static cost estimate (CEL cost units) a
// rule may have: a rule of a few dozen comparisons and function calls costs
// well under 1 000; 100 000 admits a regular expression over the longest MT
// field (2 048 characters, cost ~ length) and a loop over a list of a few
// thousand entries, and still runs in well under 100 µs.
const DefaultMaxCost = 100_000

// DefaultMaxRuntimeCost is the runtime cost limit of one rule evaluation;
// an evaluation that exceeds it is stopped and reported as SV004. Equal to
// the static limit: a rule that passed the estimate only reaches it when the
// estimate was too optimistic (a value longer than its bound).
const DefaultMaxRuntimeCost = DefaultMaxCost

// trackAbove is the static cost estimate above which an expression is
// evaluated under the runtime cost tracker even without loops. Below it, a
// loop-free expression is bounded by its estimate: its cost is the sum of
// its nodes, and string functions are linear in their inputs, which the
// message size limit bounds. The tracker doubles the cost of a typical
// rule (and allocates), so cheap loop-free rules run without it.
const trackAbove = 1000

// MaxSetBytes is the largest rule-set file accepted (4 MiB): a 100-rule set
// is about 20 KB, so this leaves room for thousands of rules or lists of
// about 200 000 entries, while refusing a file that would take seconds to
// parse.
const MaxSetBytes = 4 << 20

// MaxRules is the most rules one set may hold: loading costs about 0.2 ms
// per rule, so 2 000 rules load in under half a second, and each rule runs
// on every message it applies to (about 0.25 µs each); larger policies
// belong in several sets or in Go.
const MaxRules = 2000

// compileOptions are the limits applied when compiling a rule set.
type compileOptions struct {
	maxCost, maxRuntimeCost uint64
	// trackAll evaluates every expression under the runtime cost tracker.
	trackAll bool
	// external compiles the set's external_checks; nil refuses them.
	external ExternalCompiler
	// dir is the directory the set is loaded from (test files and the
	// relative paths of external checks resolve there); "" for none.
	dir string
}

// compiled is a rule set ready to install.
type compiled struct {
	spec  *setSpec
	set   *engine.RuleSet
	rules []*celRule
	// external holds the external checks (also in set.Rules, after rules).
	external []engine.Rule
	file     string // as shown in problems: the name within its directory
	dir      string // the directory test files are read from; "" for none
	data     []byte
}

// compile parses and compiles a rule-set file. It returns every problem
// found; compiled is nil when there is any.
func compile(file string, data []byte, o compileOptions) (*compiled, []Problem) {
	if o.maxCost == 0 {
		o.maxCost = DefaultMaxCost
	}
	if o.maxRuntimeCost == 0 {
		o.maxRuntimeCost = DefaultMaxRuntimeCost
	}
	if len(data) > MaxSetBytes {
		return nil, []Problem{{File: file, Message: fmt.Sprintf("rule-set file is %d bytes, above the limit of %d", len(data), MaxSetBytes)}}
	}
	spec, ps := parseSet(file, data)
	if spec == nil {
		return nil, ps
	}
	if len(spec.Rules) > MaxRules {
		return nil, append(ps, Problem{File: file, Message: fmt.Sprintf("the set has %d rules, above the limit of %d per set", len(spec.Rules), MaxRules)})
	}
	p := &problems{file: file, list: ps}
	env, err := baseEnv()
	if err != nil {
		p.add(nil, "", "CEL environment: %v", err)
		return nil, p.list
	}
	base := env
	lists := map[string]ref.Val{}
	est := estimator{lists: map[string]uint64{}}
	if len(spec.Lists) > 0 {
		var opts []cel.EnvOption
		for name, entries := range spec.Lists {
			m := make(map[string]bool, len(entries))
			for _, e := range entries {
				m[e] = true
			}
			full := "lists." + name
			opts = append(opts, cel.Variable(full, cel.MapType(cel.StringType, cel.BoolType)))
			lists[full] = types.DefaultTypeAdapter.NativeToValue(m)
			est.lists[full] = uint64(len(m))
		}
		if env, err = base.Extend(opts...); err != nil {
			p.add(nil, "", "lists: %v", err)
			return nil, p.list
		}
	}
	// The source names the file, not the directory: it is shown by GET
	// /v1/rules, which must not reveal paths of the server.
	source := "yaml:" + filepath.Base(file)
	set := &engine.RuleSet{Name: spec.Name, Version: spec.Version, Description: spec.Description, Source: source, Disable: spec.Disable}
	if len(spec.Severity) > 0 {
		set.Severity = spec.Severity
	}
	c := &compiled{spec: spec, set: set, file: file, dir: o.dir, data: data}
	ids := map[string]*yaml.Node{}
	for _, rs := range spec.Rules {
		if rs.ID != "" {
			if prev, dup := ids[rs.ID]; dup {
				p.add(rs.at["id"], rs.ID, "duplicate rule id %q (first at line %d)", rs.ID, prev.Line)
				continue
			}
			ids[rs.ID] = rs.at["id"]
		}
		r := &celRule{
			info: engine.RuleInfo{ID: rs.ID, Code: rs.Code, Severity: rs.Severity, AppliesTo: rs.AppliesTo, Format: rs.Format,
				Source: source, Description: rs.Description},
			lists: lists, locMT: rs.LocMT, locMX: rs.LocMX, label: set.Label(),
		}
		if r.info.Code == "" {
			r.info.Code = CodeUserRule
		}
		r.prog = compileExpr(p, env, est, rs, "check", rs.Check, data, o)
		if rs.When != "" {
			r.when = compileExpr(p, env, est, rs, "when", rs.When, data, o)
		}
		msg := rs.Message
		if msg == "" {
			msg = rs.Description
		}
		if msg == "" {
			msg = "rule " + rs.ID + " failed"
		}
		tpl, err := parseTemplate(msg, lists)
		if err != nil {
			p.add(rs.at["message"], rs.ID, "message: %v", err)
		}
		r.msg = tpl
		c.rules = append(c.rules, r)
		set.Rules = append(set.Rules, r)
	}
	if spec.external != nil {
		compileExternal(p, c, o, ids)
	}
	if len(p.list) > 0 {
		return nil, p.list
	}
	return c, nil
}

// compileExternal hands the set's external_checks to the ExternalCompiler
// and adds the checks to the set; their IDs must differ from the rules'.
func compileExternal(p *problems, c *compiled, o compileOptions, ids map[string]*yaml.Node) {
	n := c.spec.external
	if o.external == nil {
		p.add(n, "", "external_checks: this process runs no external checks (the command or embedding has no external-check support configured)")
		return
	}
	rules, ps := o.external.CompileExternal(ExternalSet{File: c.file, Dir: c.dir, Label: c.set.Label(), Data: c.data, AppliesTo: expandFamily}, n)
	p.list = append(p.list, ps...)
	for _, r := range rules {
		id := r.Info().ID
		if prev, dup := ids[id]; dup {
			p.add(n, id, "external check id %q is also a rule id (line %d)", id, prev.Line)
			continue
		}
		c.external = append(c.external, r)
		c.set.Rules = append(c.set.Rules, r)
	}
}

// compileExpr compiles, type-checks and cost-checks one expression.
func compileExpr(p *problems, env *cel.Env, est estimator, rs *ruleSpec, key, expr string, data []byte, o compileOptions) *program {
	node := rs.at[key]
	if strings.TrimSpace(expr) == "" {
		if node != nil {
			p.add(node, rs.ID, "%s is empty", key)
		}
		return nil
	}
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := exprPos(node, data, e.Location.Line(), e.Location.Column())
			p.list = append(p.list, Problem{File: p.file, Line: line, Column: col, RuleID: rs.ID, Message: key + ": " + decimalHint(expr, e.Location.Line(), e.Location.Column(), e.Message)})
		}
		return nil
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		p.add(node, rs.ID, "%s must be a bool expression, not %s", key, ast.OutputType())
		return nil
	}
	ce, err := env.EstimateCost(ast, est)
	if err != nil {
		p.add(node, rs.ID, "%s: cost estimate: %v", key, err)
		return nil
	}
	if ce.Max > o.maxCost {
		p.add(node, rs.ID, "%s: estimated cost %d is above the limit of %d; simplify the expression", key, ce.Max, o.maxCost)
		return nil
	}
	loops := hasComprehension(ast)
	popts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	tracked := o.trackAll || loops || ce.Max > trackAbove
	if tracked {
		popts = append(popts, cel.CostTracking(tracker{}), cel.CostLimit(o.maxRuntimeCost), cel.InterruptCheckFrequency(64))
	}
	prg, err := env.Program(ast, popts...)
	if err != nil {
		p.add(node, rs.ID, "%s: %v", key, err)
		return nil
	}
	return &program{prg: prg, src: expr, cost: ce.Max, loops: loops, tracked: tracked}
}

// hasComprehension reports whether a checked expression holds a
// comprehension (all, exists, exists_one, map, filter).
func hasComprehension(a *cel.Ast) bool {
	found := false
	celast.PostOrderVisit(a.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() == celast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

// exprPos maps a 1-based line and 0-based column within an expression to
// the line and column within the file, given the expression's YAML node.
func exprPos(n *yaml.Node, data []byte, line, col int) (int, int) {
	if n == nil {
		return 0, 0
	}
	if line < 1 {
		line = 1
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// Block scalars start on the next line, at the block's indentation.
		fl := n.Line + line
		return fl, indentOf(data, fl) + col + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if line == 1 {
			return n.Line, n.Column + 1 + col
		}
	default:
		if line == 1 {
			return n.Line, n.Column + col
		}
	}
	return n.Line + line - 1, 0
}

func indentOf(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	l := lines[line-1]
	return len(l) - len(bytes.TrimLeft(l, " "))
}

// template is a compiled finding message: literal text and view values.
type template struct {
	parts []tplPart
}

type tplPart struct {
	lit string
	v   *varDef
}

var placeholderRe = lazyre.New(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}|\$\{\s*([A-Za-z0-9_.]+)\s*\}`)

// parseTemplate compiles a message with {{name}} or ${name} placeholders
// naming simple view values.
func parseTemplate(s string, lists map[string]ref.Val) (*template, error) {
	t := &template{}
	last := 0
	var bad []string
	for _, m := range placeholderRe.Get().FindAllStringSubmatchIndex(s, -1) {
		var name string // {{name}} is group 1, ${name} group 2
		if m[2] >= 0 {
			name = s[m[2]:m[3]]
		} else {
			name = s[m[4]:m[5]]
		}
		d := view().index[name]
		if d == nil || d.typ == MTType || d.typ == MXType {
			bad = append(bad, name)
			continue
		}
		t.parts = append(t.parts, tplPart{lit: s[last:m[0]]}, tplPart{v: d})
		last = m[1]
	}
	t.parts = append(t.parts, tplPart{lit: s[last:]})
	if len(bad) > 0 {
		return t, fmt.Errorf("unknown placeholder(s) %s: use names of simple view values (see docs/rules.md)", strings.Join(bad, ", "))
	}
	return t, nil
}

// render renders the message for one transaction; each value is cut to
// engine.MaxEcho characters.
func (t *template) render(a *activation) string {
	if len(t.parts) == 1 {
		return t.parts[0].lit
	}
	var sb strings.Builder
	for _, p := range t.parts {
		if p.v == nil {
			sb.WriteString(p.lit)
			continue
		}
		switch v := p.v.get(a).(type) {
		case types.String:
			sb.WriteString(clip(string(v)))
		case Decimal:
			sb.WriteString(v.D.String())
		default:
			sb.WriteString(clip(fmt.Sprint(v.Value())))
		}
	}
	return sb.String()
}
