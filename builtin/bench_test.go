package builtin

import (
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// BenchmarkBuiltinNew measures engine construction: what `swiftval serve`
// and `swiftval validate` pay before the first message.
func BenchmarkBuiltinNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = New(engine.Options{})
	}
}
