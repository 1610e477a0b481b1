package swiftval

import (
	"testing"

	"github.com/swiftval/swiftval/engine"
)

// BenchmarkNew measures engine construction: what `swiftval serve`
// and `swiftval validate` pay before the first message.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = New(engine.Options{})
	}
}
