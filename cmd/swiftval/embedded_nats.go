//go:build !noembeddednats && !lite

package main

import "github.com/swiftval/swiftval/stream/jetstream/embedded"

// startEmbeddedNATS starts the in-process JetStream server of "consume
// --embedded-nats", storing in dir and listening on listen, and returns its
// URL and a stop function. Building with -tags noembeddednats leaves the
// NATS server out of the binary (about 1 ms and 0.3 MB of package
// initialisation at every start, see docs/stream.md; embedded_nats_off.go).
func startEmbeddedNATS(dir, listen string) (string, func(), error) {
	s, err := embedded.Start(embedded.Config{Dir: dir, Listen: listen})
	if err != nil {
		return "", nil, err
	}
	return s.URL(), s.Stop, nil
}
