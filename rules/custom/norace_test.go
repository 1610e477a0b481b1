//go:build !race

package custom

const raceEnabled = false
