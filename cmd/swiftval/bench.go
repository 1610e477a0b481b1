package main

import (
	"io"

	"github.com/swiftval/swiftval"
	"github.com/swiftval/swiftval/bench"
	"github.com/swiftval/swiftval/engine"
)

func init() {
	register("bench", command{summary: "open-loop load test of a server or the engine, with a P99 gate (exit 1 when missed)", run: runBench})
}

// runBench is the bench command: the harness lives in package bench.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return bench.Main(args, stdout, stderr, func() *engine.Engine { return swiftval.New(engine.Options{}) })
}
