package custom

import (
	"context"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/payment"
)

// maxTransactions bounds how many transactions of one message a user rule
// is evaluated on: a pacs.008 under CBPR+ carries one transaction and
// batches rarely exceed a few hundred; the cap keeps a rule's worst case at
// 1 000 evaluations, well inside the latency budget at ~1 µs each.
const maxTransactions = 1000

// program is one compiled expression.
type program struct {
	prg     cel.Program
	src     string
	cost    uint64 // static estimate (max)
	loops   bool   // has comprehensions: evaluate under the context
	tracked bool   // evaluated under the runtime cost tracker and limit
}

// celRule is a user rule compiled from a rule set. It is immutable and safe
// for concurrent use.
type celRule struct {
	info         engine.RuleInfo
	when, prog   *program
	msg          *template
	lists        map[string]ref.Val
	locMT, locMX string
	label        string // the rule set's label, name@version
}

// Info implements engine.Rule.
func (r *celRule) Info() engine.RuleInfo { return r.info }

// Check implements engine.Rule: it evaluates the rule on each transaction
// of the message's view and adds a finding for each transaction where
// check is false. A run-time error adds an SV004 error finding, and running
// out of budget an SV001 one; both are added last and exempt from severity
// overrides, so the message is never reported valid after them.
func (r *celRule) Check(m *engine.Message, f *engine.Findings) {
	v := payment.Of(m)
	if v == nil {
		r.fail(f, CodeNoView, engine.Location{}, "user rule cannot run: no payment view for "+m.Format+" "+m.Type+" messages")
		return
	}
	if len(v.Transactions) == 0 {
		v.Transactions = []payment.Transaction{{}}
	}
	a := activationOf(m, v)
	a.lists = r.lists
	n := min(len(v.Transactions), maxTransactions)
	var failed []failure
	for i := range n {
		a.at(i)
		if i > 0 && !m.Deadline.IsZero() && time.Now().After(m.Deadline) {
			failed = append(failed, failure{engine.CodeBudgetExceeded, engine.Location{}, "latency budget exhausted inside a user rule; remaining transactions not checked"})
			break
		}
		if r.when != nil {
			ok, err := r.when.eval(m.Ctx, a)
			if err != "" {
				failed = append(failed, failure{engine.CodeRuleFailed, r.location(v, a.tx), "user rule failed at run time (when): " + err})
				continue
			}
			if !ok {
				continue
			}
		}
		ok, err := r.prog.eval(m.Ctx, a)
		if err != "" {
			failed = append(failed, failure{engine.CodeRuleFailed, r.location(v, a.tx), "user rule failed at run time: " + err})
			continue
		}
		if !ok {
			f.Add(r.info.Code, r.info.Severity, r.location(v, a.tx), r.msg.render(a))
		}
	}
	for _, x := range failed {
		r.fail(f, x.code, x.loc, x.msg)
	}
}

// failure is a run-time failure of a rule, reported after its findings.
type failure struct {
	code string
	loc  engine.Location
	msg  string
}

// fail adds an error finding that no severity override can downgrade: it
// re-stamps the rule (which clears the override) before adding it.
func (r *celRule) fail(f *engine.Findings, code string, loc engine.Location, msg string) {
	f.SetRule(r.info.ID, r.label)
	f.Add(code, engine.Error, loc, msg)
}

// eval evaluates p; err is a short, data-free description of a run-time
// failure.
func (p *program) eval(ctx context.Context, a *activation) (bool, string) {
	if p == nil {
		return false, "rule not compiled"
	}
	var out ref.Val
	var err error
	if p.loops && ctx != nil && ctx.Done() != nil {
		out, _, err = p.prg.ContextEval(ctx, a)
	} else {
		out, _, err = p.prg.Eval(a)
	}
	if err != nil {
		return false, describeErr(err)
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, "result is not a bool"
	}
	return bool(b), ""
}

func describeErr(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "cost limit exceeded"):
		return "runtime cost limit exceeded"
	case strings.Contains(s, "interrupted") || strings.Contains(s, "cancel"):
		return "evaluation interrupted (cancelled or out of budget)"
	}
	return clip(s)
}

// location is where a finding of the rule points: the rule's location for
// the message's format, else the transaction (MX) or nothing.
func (r *celRule) location(v *payment.View, tx *payment.Transaction) engine.Location {
	switch v.Format {
	case "mt":
		if r.locMT == "" {
			return engine.Location{}
		}
		if src, ok := v.MT.(payment.MTLocator); ok && tx.MTSequenceB > 0 {
			if l := src.LocationIn(r.locMT, tx.MTSequenceB); l.Field != "" {
				return l
			}
		} else if v.MT != nil {
			if l := v.MT.Location(r.locMT); l.Field != "" || l.Line > 0 {
				return l
			}
		}
		return engine.Location{Block: 4, Field: r.locMT}
	case "mx":
		p := r.locMX
		if p == "" {
			p = tx.Path
			if p == "" {
				return engine.Location{}
			}
		}
		p = inTransaction(p, tx.Path)
		if v.MX != nil {
			if l := v.MX.Location(p); l.Path != "" {
				return l
			}
		}
		return engine.Location{Path: p}
	}
	return engine.Location{}
}

// Costly implements engine.Costly: the engine checks the latency budget
// before each run of an interpreted rule.
func (r *celRule) Costly() {}

// inTransaction rewrites a location path without indexes into the
// transaction's element: with tx
// "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]", the path
// "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr" becomes
// "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/Cdtr".
func inTransaction(p, tx string) string {
	if tx == "" || strings.IndexByte(p, '[') >= 0 {
		return p
	}
	var b strings.Builder
	i := 0
	for i < len(tx) {
		j := strings.IndexByte(tx[i:], '[')
		if j < 0 {
			break
		}
		b.WriteString(tx[i : i+j])
		k := strings.IndexByte(tx[i+j:], ']')
		if k < 0 {
			return p
		}
		i += j + k + 1
	}
	b.WriteString(tx[i:])
	plain := b.String()
	if rest, ok := strings.CutPrefix(p, plain); ok && (rest == "" || rest[0] == '/') {
		return tx + rest
	}
	return p
}
