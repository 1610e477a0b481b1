package stream_test

import (
	"context"
	"testing"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/stream"
)

// BenchmarkProcess is the processor's own cost per MT103 (validation,
// routing, headers, acknowledgement) over an in-memory transport: the
// part of a consumer's CPU that is swiftval's, without the NATS client.
func BenchmarkProcess(b *testing.B) {
	for _, tc := range []struct{ name, file string }{
		{"valid-mt103", "../testdata/mt/valid_mt103.fin"},
		{"invalid-mt103", "../testdata/mt/invalid_mt103_fields.fin"},
		{"pacs008", "../loadtest/samples/pacs008.xml"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			data := readFile(b, tc.file)
			eng := swiftval.New(engine.Options{})
			ds := make([]*fakeDelivery, b.N)
			for i := range ds {
				ds[i] = &fakeDelivery{id: "x", data: data, attempt: 1}
			}
			tr := newFake(ds...)
			tr.discard = true
			b.ReportAllocs()
			b.ResetTimer()
			if err := stream.Run(context.Background(), stream.Config{Engine: eng, Workers: 1, Logger: quiet()}, tr); err != nil {
				b.Fatal(err)
			}
		})
	}
}
