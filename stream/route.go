package stream

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
	"github.com/swiftval/swiftval/payment"
)

// Header names of the outputs (docs/stream.md lists them with examples).
const (
	// HeaderVerdict is "valid", "invalid" or "dead".
	HeaderVerdict = "Swiftval-Verdict"
	// HeaderFormat is "mt" or "mx"; absent when the input was not recognised.
	HeaderFormat = "Swiftval-Format"
	// HeaderType is the message type ("MT103", "pacs.008.001.08").
	HeaderType = "Swiftval-Type"
	// HeaderUETR lists the UETRs of the message's transactions, comma
	// separated, from the payment view (MT block 3 field 121, MX PmtId/UETR).
	HeaderUETR = "Swiftval-Uetr"
	// HeaderRuleSets lists the rule sets registered when the message was
	// validated, as name@version, comma separated.
	HeaderRuleSets = "Swiftval-Rulesets"
	// HeaderCodes lists the distinct finding codes (errors and warnings), in
	// order of first appearance, comma separated.
	HeaderCodes = "Swiftval-Codes"
	// HeaderReport, on .invalid, is the full JSON report: the same JSON as
	// the HTTP API's, on one line.
	HeaderReport = "Swiftval-Report"
	// HeaderReason, on .dead, says why the message could not be judged.
	HeaderReason = "Swiftval-Reason"
	// HeaderDeliveries, on .dead, is the delivery count of the input.
	HeaderDeliveries = "Swiftval-Deliveries"
	// HeaderInputSubject is the subject the input was published to.
	HeaderInputSubject = "Swiftval-Input-Subject"
	// HeaderInputID is the input's ID (also the output's de-duplication ID).
	HeaderInputID = "Swiftval-Input-Id"
	// HeaderBodyOmitted, on .dead, says the input's bytes are not attached
	// (they do not fit the broker's message size with the headers), giving
	// their size.
	HeaderBodyOmitted = "Swiftval-Body-Omitted"
	// HeaderTraceparent is the W3C trace context header.
	HeaderTraceparent = "traceparent"
	// HeaderTracestate goes with HeaderTraceparent.
	HeaderTracestate = "tracestate"
)

// unjudged reports why rep is not a judgement of the message, or "" when
// it is: a rule or the parser panicked (SV003, SV005), a rule could not
// run (SV004), or the budget or context ran out before every rule ran
// (SV001, SV002). Such a message is retried and, after max-deliver
// attempts, dead-lettered; it never goes to .invalid, because .invalid
// means the payment itself is wrong.
func unjudged(rep *engine.Report) string {
	for i := range rep.Findings {
		f := &rep.Findings[i]
		switch f.Code {
		case engine.CodeRulePanicked:
			return "rule " + f.Rule + " panicked (" + f.Code + ")"
		case engine.CodeRuleFailed:
			return "rule " + f.Rule + " failed at run time (" + f.Code + ")"
		case engine.CodeParserPanicked:
			return "the parser panicked (" + f.Code + ")"
		}
	}
	if !rep.Complete {
		if rep.HasCode(engine.CodeCancelled) {
			return "validation cancelled (" + engine.CodeCancelled + ")"
		}
		return "latency budget exhausted (" + engine.CodeBudgetExceeded + ")"
	}
	return ""
}

// codesOf lists the distinct codes of rep's findings in order.
func codesOf(rep *engine.Report) string {
	var b strings.Builder
	seen := make([]string, 0, 8)
	for i := range rep.Findings {
		c := rep.Findings[i].Code
		if slices.Contains(seen, c) {
			continue
		}
		seen = append(seen, c)
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c)
	}
	return b.String()
}

// summaryHeader is the verdict summary every output carries.
// Its values share one array (one allocation, not one per header); each
// is a slice of capacity one, so a later Set or append does not touch its
// neighbours.
func summaryHeader(d Delivery, v Verdict, rep *engine.Report, uetr, ruleSets string) Header {
	h := make(Header, 10)
	vals := make([]string, 0, 8)
	set := func(name, v string) {
		if v != "" {
			vals = append(vals, v)
			h[name] = vals[len(vals)-1 : len(vals) : len(vals)]
		}
	}
	set(HeaderVerdict, string(v))
	set(HeaderInputID, d.ID())
	set(HeaderInputSubject, d.Subject())
	set(HeaderRuleSets, ruleSets)
	if rep == nil {
		return h
	}
	set(HeaderFormat, rep.Format)
	set(HeaderType, rep.Type)
	set(HeaderUETR, uetr)
	set(HeaderCodes, codesOf(rep))
	return h
}

// deadLetter is the output of an input that could not be judged.
func deadLetter(d Delivery, rep *engine.Report, uetr, ruleSets, reason string) *Output {
	h := summaryHeader(d, Dead, rep, uetr, ruleSets)
	h.Set(HeaderReason, reason)
	h.Set(HeaderDeliveries, strconv.Itoa(d.Attempt()))
	return &Output{Verdict: Dead, ID: d.ID(), Data: d.Data(), Header: h}
}

// headerRuleSetName names the processor's own rule set: one rule that reads
// what the headers need from the parsed message while the engine still
// holds it (a Report does not keep the message).
const headerRuleSetName = "swiftval-stream"

// capture is what the header rule records for one validation. Each worker
// owns one and passes it in the validation's context, so recording
// allocates nothing but the strings kept.
type capture struct{ uetr string }

type captureKey struct{}

// headerRule records the UETRs of the payment view (for MT, the same
// block 3 field read directly) in the capture of the validation's context. It adds no finding, so verdicts are those of
// "swiftval validate" and the HTTP API.
var headerRule = engine.NewRule(engine.RuleInfo{
	ID:          "stream.headers",
	Severity:    engine.Warning,
	AppliesTo:   []string{"*"},
	Description: "records the UETRs for the stream output headers (never reports a finding)",
}, func(m *engine.Message, _ *engine.Findings) {
	c, ok := m.Ctx.Value(captureKey{}).(*capture)
	if !ok {
		return
	}
	// MT: the field the payment view reads (block 3 tag 121), read
	// directly: building the whole view for it cost as much as parsing the
	// message (10 % of a consumer's CPU at full speed).
	if mm, ok := m.Body.(*mt.Message); ok {
		if u := mm.UETR(); u != "" {
			if c.uetr != "" {
				c.uetr += ","
			}
			c.uetr += strings.Clone(u) // the message's storage is recycled
		}
		return
	}
	v := payment.Of(m)
	if v == nil {
		return
	}
	var b strings.Builder
	b.WriteString(c.uetr) // an RJE batch: the UETRs of every message
	for i := range v.Transactions {
		u := v.Transactions[i].UETR
		if u == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(u) // copies: the view may alias recycled buffers
	}
	c.uetr = b.String()
})

// withCapture returns ctx carrying c for the header rule.
func withCapture(ctx context.Context, c *capture) context.Context {
	return context.WithValue(ctx, captureKey{}, c)
}

// installHeaderRule registers the header rule set on e (once).
func installHeaderRule(e *engine.Engine) error {
	if e.RuleSet(headerRuleSetName) != nil {
		return nil
	}
	return e.AddRuleSet(&engine.RuleSet{
		Name:        headerRuleSetName,
		Description: "stream output headers (no findings)",
		Source:      engine.SourceBuiltin,
		Rules:       []engine.Rule{headerRule},
	})
}
