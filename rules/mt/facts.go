package mt

import (
	"github.com/swiftval/swiftval/engine"
	"github.com/swiftval/swiftval/formats/mt"
)

// facts103 is what the MT 103 rules need to know about fields 23B (bank
// operation code) and 23E (instruction codes), worked out once per
// validation by facts and shared by every rule through a cache slot of the
// engine's Message, instead of each rule looking up 23B and scanning the
// 23E run again.
//
// The low bits are the 23B code as opBit gives it (opSPRI, opSSTD, opSPAY;
// none for CRED, CRTS, other codes or no 23B). The other bits say whether
// the run of 23E (fields23E) has a property a rule needs before it can
// report anything; a rule whose bit is clear has nothing to report and
// returns, and a rule whose bit is set runs its full check.
//
// It is one byte so that keeping it in the slot (an interface value) does
// not allocate.
type facts103 uint8

// 23E bits of facts103, above the three opBit bits.
const (
	// e23Many: more than one 23E (D98 order, D67 pairs, E46 repeats).
	e23Many facts103 = 1 << (iota + 3)
	// e23Info: some 23E has additional information after its code (D97).
	e23Info
	// e23CHQB: some 23E is CHQB (E18).
	e23CHQB
	// e23TelI: some 23E is TELI or PHOI (E44).
	e23TelI
	// e23TelE: some 23E is TELE or PHON (E45).
	e23TelE
)

// op returns the opBit of the 23B code.
func (x facts103) op() uint8 { return uint8(x) & specialOps }

// has reports whether bit b is set.
func (x facts103) has(b facts103) bool { return x&b != 0 }

// factsSlot holds a validation's facts103 (see facts).
var factsSlot = engine.NewCacheSlot()

// facts returns the facts103 of m, working them out on first use in this
// validation. The engine clears the slot before each validation; a caller
// that runs rules itself must not reuse em for another message without
// going through the engine.
func facts(em *engine.Message, m *mt.Message) facts103 {
	if x, ok := em.Cached(factsSlot).(facts103); ok {
		return x
	}
	x := factsOf(m)
	em.SetCached(factsSlot, x)
	return x
}

// factsOf works out the facts103 of m from 23B (bankOp) and the run of 23E
// (fields23E), as the rules read them.
func factsOf(m *mt.Message) facts103 {
	x := facts103(opBit(bankOp(m)))
	fs := fields23E(m)
	if len(fs) > 1 {
		x |= e23Many
	}
	for i := range fs {
		c, _, slash := code4(fs[i].Value)
		if slash {
			x |= e23Info
		}
		switch c {
		case "CHQB":
			x |= e23CHQB
		case "TELI", "PHOI":
			x |= e23TelI
		case "TELE", "PHON":
			x |= e23TelE
		}
	}
	return x
}
