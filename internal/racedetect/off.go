//go:build !race

// Package racedetect tells whether the binary was built with the race
// detector, for tests whose figures the detector distorts (allocation
// counts: sync.Pool drops items at random under -race).
package racedetect

// Enabled is true when built with -race.
const Enabled = false
