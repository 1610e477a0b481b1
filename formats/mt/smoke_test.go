package mt

import (
	"context"
	"testing"

	"github.com/swiftval/swiftval/engine"
)

func TestSmokeParse(t *testing.T) {
	raw := "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{108:MUR}{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}{4:\r\n:20:REF\r\n:32A:250101EUR100,\r\n-}"
	e := engine.New(engine.Options{})
	e.RegisterFormat(NewFormat())
	r := e.Validate(context.Background(), []byte(raw))
	if r.Format != "mt" || r.Type != "MT103" {
		t.Fatalf("got %+v", r)
	}
	m := Parse([]byte(raw), &engine.Findings{})
	if f := m.Field("32A"); f == nil || f.Value != "250101EUR100," || f.Line != 3 {
		t.Fatalf("32A = %+v", f)
	}
}
