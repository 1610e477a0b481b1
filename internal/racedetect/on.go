//go:build race

package racedetect

// Enabled is true when built with -race.
const Enabled = true
