//go:build noembeddednats && !lite

package main

// startEmbeddedNATS fails in a build without the embedded NATS server
// (-tags noembeddednats): --embedded-nats then says so.
func startEmbeddedNATS(string, string) (string, func(), error) {
	return "", nil, usageErrorf("--embedded-nats: this build has no embedded NATS server (built with the noembeddednats tag)")
}
