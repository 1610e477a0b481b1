// Package mt is swiftval's SWIFT MT (FIN) format: a block parser (blocks 1
// to 5 and S, ACK/NAK envelopes, RJE batches), a zero-copy tokenizer of
// block 4, a compiler of SWIFT's field-format notation ("6!n3!a15d",
// "[/1!a][/34x]$<BIC>", "4*35x") into matchers, and message-type
// definitions kept as data tables.
//
// # For rule writers
//
// A rule receives an *engine.Message; its Body is a *mt.Message:
//
//	m := mt.From(msg)           // nil when msg is not MT
//	f := m.Field("32A")         // first field with that tag, or nil
//	f = m.Field("50a")          // lower-case "a": any option (50A, 50F, 50K)
//	for f := range m.All("71F") { ... }   // every occurrence, in order
//	n := m.Count("23E")
//	amt, ok := f.Amount()       // decimal.Decimal (govalues), never float
//	ccy := f.Currency()         // f.Get("Currency")
//	y, mo, d, ok := f.Date()
//	f.Option()                  // "A" for 32A, "" for 59
//	f.Get("BIC"), f.Account()   // named components (see fields.go)
//	f.Loc(), f.LocOf("Amount")  // engine.Location for findings
//	for _, s := range m.Sequences("B") { s.Field("32B") ... } // MT101 B, MT202COV/205COV B
//	a := m.Sequences("A")                                     // MT101, MT202COV, MT205COV sequence A
//	for _, s := range m.Sequences("61") { ... }               // MT940/942/950 statement lines
//	for _, s := range m.Sequences("B") { ... }  // MT 102/104/107 B; the repetitive block of MT 110, 201, 203, 210, 920, 935
//	m.UETR(), m.UserTag("108"), m.SenderBIC(), m.ReceiverBIC()
//	m.ExpectedAt("57a", s.Fields)   // where a missing field belongs: Location.Field "57a"
//	m.Payment()                     // the type's payment shape (PayCustomer, PayDirectDebit ...)
//	mt.Types(), mt.Lookup("MT102STP") // the declared types: family, variant, UETR, sequences
//	mt.MinorUnits("JPY"), mt.ParseAmount("1,5"), mt.ParseDate("250115")
//
// A field whose value does not match its format has nil Components, so
// f.Amount() and friends return ok false / "": rules should then skip the
// check (the format has already reported the syntax error). Field.Seq and
// SeqIndex say which sequence occurrence a field belongs to.
//
// Message.Type is "MT103", "MT103STP", "MT103REMIT", "MT202COV" ...; Base
// drops the variant. Each type with a full definition is declared once, in
// defs.go; everything that depends on the set of types derives from that
// declaration (see Types). Field syntax, presence, order, options, repetition,
// block 3 (including the SR2018 UETR obligation) are already checked by the
// format: rules need only the network validated rules (C/D/E codes).
//
// Every string in a Message points into the input bytes (no copy): do not
// modify the input while the Message is in use. A Message is read-only after
// Parse. Embedders that recycle Messages can call ParseInto, which reuses a
// Message's storage and then parses without allocating.
//
// Format.Parse, the engine's entry point, does so: it takes the Message from
// a pool, and the engine hands it back through Format.Release (the
// engine.Releaser hook) once the last rule has run. A rule must therefore
// not keep the *engine.Message, the *mt.Message or pointers to its Fields,
// Sequences or Components beyond its Check; strings taken from them stay
// valid (they point into the input, not into pooled storage). See pool.go
// and the Performance section of GAPS.md.
package mt
