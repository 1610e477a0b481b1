//go:build race

package custom

// raceEnabled: the race detector slows CEL evaluation about tenfold, so
// timing assertions only log.
const raceEnabled = true
