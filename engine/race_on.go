//go:build race

package engine

// raceBudgetScale multiplies the default budget in race-detector builds,
// which run 5-20× slower: a verdict must not depend on the detector. Only
// the default scales; a budget set in Options is kept as given.
const raceBudgetScale = 20
