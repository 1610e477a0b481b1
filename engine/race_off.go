//go:build !race

package engine

// raceBudgetScale is 1 outside race-detector builds; see race_on.go.
const raceBudgetScale = 1
