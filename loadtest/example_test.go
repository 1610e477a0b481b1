package loadtest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/swiftval/swiftval/loadtest"
)

// Run sends the built-in sample mix at 100 requests a second for 200 ms to
// an HTTP endpoint (here the no-op one) and gates the report on P99.
func ExampleRun() {
	srv := httptest.NewServer(loadtest.NoopHandler())
	defer srv.Close()
	target, err := loadtest.NewHTTPTarget(srv.URL, 4, 5*time.Second)
	if err != nil {
		panic(err)
	}
	defer target.Close()
	mix, err := loadtest.NewMix(loadtest.BuiltinSamples(), map[string]int{"mt103": 3, "pacs008": 1})
	if err != nil {
		panic(err)
	}
	rep, err := loadtest.Run(context.Background(), loadtest.Config{
		Target: target, Mix: mix, Rate: 100, Duration: 200 * time.Millisecond, Connections: 4,
	})
	if err != nil {
		panic(err)
	}
	gate := loadtest.Gate{P99: loadtest.Millis(time.Minute)}.Check(rep)
	fmt.Printf("%d scheduled, %d ok, %d errors, gate passed: %v\n", rep.Scheduled, rep.OK, rep.ErrorCount, gate.Pass)
	// Output: 20 scheduled, 20 ok, 0 errors, gate passed: true
}
