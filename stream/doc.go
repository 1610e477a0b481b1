// Package stream validates payment messages flowing through a message
// broker: it takes each input from a Source, validates it with an
// engine, publishes exactly one output per input to a Sink —
// <prefix>.valid (the original bytes with the verdict in headers),
// <prefix>.invalid (the original bytes with the JSON report) or
// <prefix>.dead (the original bytes of a message that could not be judged,
// with the reason) — and acknowledges the input only after the broker
// confirmed the output. Outputs carry the input's ID for de-duplication, so
// a redelivered input never yields a second output.
//
// The package knows no broker: Transport (Source and Sink) is the whole
// contract, and package stream/jetstream implements it for NATS JetStream.
// A Kafka adapter would implement the same interface without touching the
// validation path. See docs/stream.md for the semantics.
package stream
