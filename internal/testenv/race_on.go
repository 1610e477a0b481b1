//go:build race

package testenv

// RaceEnabled is true when built with -race.
const RaceEnabled = true
