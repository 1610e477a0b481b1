//go:build !noembeddednats

package main

import "github.com/swiftval/swiftval/stream/jetstream/embedded"

// The embedded NATS server of "consume --embedded-nats". Building with
// -tags noembeddednats leaves the NATS server out of the binary (about
// 1 ms and 0.3 MB of package initialisation at every start, see
// docs/stream.md); --embedded-nats then fails with a clear message.
func init() {
	embeddedNATS = func(dir, listen string) (string, func(), error) {
		s, err := embedded.Start(embedded.Config{Dir: dir, Listen: listen})
		if err != nil {
			return "", nil, err
		}
		return s.URL(), s.Stop, nil
	}
}
