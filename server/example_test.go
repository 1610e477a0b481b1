package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/server"
)

// upper is a toy format for the example: any input is a message of type
// TXT, and a rule flags lower-case letters.
type upper struct{}

func (upper) Name() string           { return "mt" }
func (upper) Detect(raw []byte) bool { return true }
func (upper) MessageTypes() []engine.TypeInfo {
	return []engine.TypeInfo{{Format: "mt", Type: "TXT", Level: engine.LevelFull}}
}
func (upper) Parse(raw []byte, f *engine.Findings) *engine.Message {
	return &engine.Message{Format: "mt", Type: "TXT", Base: "TXT", Raw: raw}
}

// Example runs the handler of a server without a network. In production,
// cfg.Engine is swiftval.New(...) and srv.Run(ctx) serves on cfg.Addr until
// ctx is done, then drains.
func Example() {
	eng := engine.New(engine.Options{})
	eng.RegisterFormat(upper{})
	_ = eng.AddRuleSet(&engine.RuleSet{Name: "demo", Source: engine.SourceGo, Rules: []engine.Rule{
		engine.NewRule(engine.RuleInfo{ID: "demo.upper", Code: "D01", AppliesTo: []string{"*"}}, func(m *engine.Message, f *engine.Findings) {
			if i := bytes.IndexFunc(m.Raw, func(r rune) bool { return r >= 'a' && r <= 'z' }); i >= 0 {
				f.Error("D01", engine.Location{Line: 1, Column: i + 1}, "lower-case letter")
			}
		}),
	}})

	cfg := server.DefaultConfig()
	cfg.Engine = eng
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, msg := range []string{"HELLO", "HeLLO"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v1/validate", strings.NewReader(msg)))
		var rep engine.Report
		_ = json.Unmarshal(rec.Body.Bytes(), &rep)
		fmt.Println(rec.Code, rep.Type, rep.Valid, len(rep.Findings))
	}
	// Output:
	// 200 TXT true 0
	// 200 TXT false 1
}
