package external

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"

	"github.com/swiftval/swiftval/payment"
)

// maxTransactions bounds the transactions of one message a check's
// request sees (as for user rules): a pacs.008 under CBPR+ carries one,
// batches rarely a few hundred.
const maxTransactions = 1000

// The request and response expressions see the payment view as plain CEL
// maps, with the names user rules use (docs/rules.md):
//
//	message       format, type, base, sender, receiver, id, transactions (int)
//	transactions  one map per transaction (at most 1 000)
//	tx            the first transaction (every key empty when there is none)
//
// A transaction map has uetr, ref {instruction, end_to_end, transaction},
// value_date, settlement and instructed {amount (a decimal string, never a
// float), currency}, debtor and creditor {name, address, country, account,
// bic, lei, agent {bic, name, country, account, lei}}, instructing_agent,
// instructed_agent, intermediary {bic, name, country, account, lei},
// charges {bearer}, remittance, purpose, underlying {present, debtor,
// creditor, instructed, remittance}. Every key is always present, so a
// misspelt name is an error at load (see compileCheck), never a surprise
// on one message.

func moneyMap(m payment.Money) map[string]any {
	amt := ""
	if m.Currency != "" || !m.Amount.IsZero() {
		amt = m.Amount.String()
	}
	return map[string]any{"amount": amt, "currency": m.Currency}
}

func agentMap(a payment.Agent) map[string]any {
	return map[string]any{"bic": a.BIC, "name": a.Name, "country": a.Country, "account": a.Account, "lei": a.LEI}
}

func partyMap(p payment.Party) map[string]any {
	return map[string]any{"name": p.Name, "address": p.Address, "country": p.Country, "account": p.Account, "bic": p.BIC, "lei": p.LEI, "agent": agentMap(p.Agent)}
}

func txMap(t *payment.Transaction) map[string]any {
	return map[string]any{
		"uetr":              t.UETR,
		"ref":               map[string]any{"instruction": t.InstructionID, "end_to_end": t.EndToEndID, "transaction": t.TransactionID},
		"value_date":        t.ValueDate,
		"settlement":        moneyMap(t.Settlement),
		"instructed":        moneyMap(t.Instructed),
		"debtor":            partyMap(t.Debtor),
		"creditor":          partyMap(t.Creditor),
		"instructing_agent": agentMap(t.InstructingAgent),
		"instructed_agent":  agentMap(t.InstructedAgent),
		"intermediary":      agentMap(t.Intermediary),
		"charges":           map[string]any{"bearer": t.ChargeBearer},
		"remittance":        t.Remittance,
		"purpose":           t.Purpose,
		"underlying": map[string]any{
			"present":    t.Underlying.Present,
			"debtor":     partyMap(t.Underlying.Debtor),
			"creditor":   partyMap(t.Underlying.Creditor),
			"instructed": moneyMap(t.Underlying.Instructed),
			"remittance": t.Underlying.Remittance,
		},
	}
}

// vars returns the variables of a view for the request and response
// expressions.
func vars(v *payment.View) map[string]any {
	n := min(len(v.Transactions), maxTransactions)
	txs := make([]any, n)
	for i := range n {
		txs[i] = txMap(&v.Transactions[i])
	}
	tx := txMap(&payment.Transaction{})
	if n > 0 {
		tx = txs[0].(map[string]any)
	}
	return map[string]any{
		"message": map[string]any{"format": v.Format, "type": v.Type, "base": v.Base, "sender": v.Sender, "receiver": v.Receiver,
			"id": v.ID, "transactions": int64(len(v.Transactions))},
		"transactions": txs,
		"tx":           tx,
	}
}

// sampleVars are the variables of a view with every value filled, used at
// load to find misspelt names.
var sampleVars = sync.OnceValue(func() map[string]any {
	ag := payment.Agent{BIC: "AAAAGB2LXXX", Name: "n", Country: "GB", Account: "1", LEI: "5493001KJTIIGC8Y1R12"}
	p := payment.Party{Name: "n", Address: "a", Country: "GB", Account: "1", BIC: "AAAAGB2LXXX", LEI: "5493001KJTIIGC8Y1R12", Agent: ag}
	t := payment.Transaction{UETR: "u", InstructionID: "i", EndToEndID: "e", TransactionID: "t", ValueDate: "2026-01-02",
		Debtor: p, Creditor: p, InstructingAgent: ag, InstructedAgent: ag, Intermediary: ag, ChargeBearer: "SHAR", Remittance: "r", Purpose: "p",
		Underlying: payment.Underlying{Present: true, Debtor: p, Creditor: p, Remittance: "r"}}
	t.Settlement.Currency, t.Instructed.Currency, t.Underlying.Instructed.Currency = "EUR", "EUR", "EUR"
	return vars(&payment.View{Format: "mx", Type: "pacs.008.001.08", Base: "pacs.008.001.08", Sender: "AAAAGB2LXXX", Receiver: "BBBBDEFFXXX", ID: "m",
		Transactions: []payment.Transaction{t}})
})

// maxCost is the runtime cost limit of one evaluation of a request or
// response expression: a request that maps a few hundred transactions, or a
// response with a few hundred hits, costs well under 100 000 units; the
// limit stops a runaway expression (a comprehension over a huge answer)
// long before it could hold the validation.
const maxCost = 1_000_000

// envs holds the two CEL environments, built by the first check compiled
// (not at package init: a process without external checks never pays).
var envs = sync.OnceValues(func() (*[2]*cel.Env, error) {
	base := []cel.EnvOption{
		cel.StdLib(), ext.Strings(), ext.Lists(), cel.CrossTypeNumericComparisons(true), cel.DefaultUTCTimeZone(true),
		cel.Variable("message", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("transactions", cel.ListType(cel.DynType)),
		cel.Variable("tx", cel.MapType(cel.StringType, cel.DynType)),
	}
	req, err := cel.NewCustomEnv(base...)
	if err != nil {
		return nil, err
	}
	resp, err := req.Extend(cel.Variable("response", cel.DynType), cel.Variable("status", cel.IntType))
	if err != nil {
		return nil, err
	}
	return &[2]*cel.Env{req, resp}, nil
})

// toJSON turns a CEL value into a value encoding/json writes: maps with
// string keys, lists, strings, numbers, booleans and null. Timestamps are
// written in RFC 3339, durations as Go durations ("1.5s"); bytes and other
// types are refused.
func toJSON(v ref.Val, depth int) (any, error) {
	if depth > 32 {
		return nil, errors.New("request nests deeper than 32 levels")
	}
	switch x := v.(type) {
	case types.String:
		return string(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return uint64(x), nil
	case types.Double:
		f := float64(x)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, errors.New("request holds an infinite or NaN number")
		}
		return f, nil
	case types.Bool:
		return bool(x), nil
	case types.Null:
		return nil, nil
	case types.Timestamp:
		return x.Time.UTC().Format(time.RFC3339Nano), nil
	case types.Duration:
		return x.Duration.String(), nil
	}
	switch {
	case v.Type() == types.MapType:
		m := v.(traits.Mapper)
		out := map[string]any{}
		for it := m.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			ks, ok := k.(types.String)
			if !ok {
				return nil, fmt.Errorf("request map key %v is not a string", k)
			}
			val, err := toJSON(m.Get(k), depth+1)
			if err != nil {
				return nil, err
			}
			out[string(ks)] = val
		}
		return out, nil
	case v.Type() == types.ListType:
		l := v.(traits.Lister)
		n, _ := l.Size().(types.Int)
		out := make([]any, 0, int(n))
		for it := l.Iterator(); it.HasNext() == types.True; {
			val, err := toJSON(it.Next(), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, val)
		}
		return out, nil
	}
	return nil, fmt.Errorf("request holds a %s, which JSON cannot carry", v.Type().TypeName())
}

// encodeRequest evaluates to JSON bytes; map keys are sorted (by
// encoding/json), so equal requests encode equally and share a cache entry.
func encodeRequest(v ref.Val) ([]byte, error) {
	j, err := toJSON(v, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}
