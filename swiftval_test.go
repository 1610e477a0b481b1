package swiftval

import (
	"testing"

	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mx"
)

// TestNewStartupWork pins what engine construction (every server start)
// compiles: the nine CBPR+ schemas, never the ~150 shipped ones, whatever
// the constructor.
func TestNewStartupWork(t *testing.T) {
	tests := []struct {
		name string
		new  func() (*engine.Engine, error)
	}{
		{"New", func() (*engine.Engine, error) { return New(engine.Options{}), nil }},
		{"NewWithConfig", func() (*engine.Engine, error) { return NewWithConfig(engine.Options{}, Config{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.new()
			if err != nil {
				t.Fatal(err)
			}
			var f *mx.Format
			for _, ef := range e.Formats() {
				if m, ok := ef.(*mx.Format); ok {
					f = m
				}
			}
			if f == nil {
				t.Fatal("no mx format registered")
			}
			if got, types := len(f.Compiled()), len(f.MessageTypes()); got != 9 || types < 140 {
				t.Errorf("%d schemas compiled at construction of %d known types; want the 9 CBPR+ ones", got, types)
			}
		})
	}
}
