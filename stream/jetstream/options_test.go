package jetstream

import (
	"strings"
	"testing"
	"time"
)

func TestSubjects(t *testing.T) {
	for _, tc := range []struct {
		filter, subject string
		match           bool
	}{
		{"payments.in.>", "payments.in.mt", true},
		{"payments.in.>", "payments.in", false},
		{"payments.>", "payments.valid", true},
		{"payments.*", "payments.dead", true},
		{"payments.*", "payments.in.mt", false},
		{"payments.in.*", "payments.valid", false},
		{">", "payments.valid", true},
	} {
		if got := subjectMatches(tc.filter, tc.subject); got != tc.match {
			t.Errorf("subjectMatches(%q, %q) = %v", tc.filter, tc.subject, got)
		}
	}
	for s, ok := range map[string]bool{"payments.in.>": true, "a.*.c": true, "a..b": false, "a.>.b": false, "a.b*": false, "": false, "a b": false} {
		if validSubject(s, true) != ok {
			t.Errorf("validSubject(%q) = %v", s, !ok)
		}
	}
}

// TestOptionsFailClosed: options that would loop outputs back into the
// input, or half-configure auth, are refused.
func TestOptionsFailClosed(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"filter captures outputs", Options{Subject: "payments.>"}, "captures the output subject"},
		{"wildcard prefix", Options{OutputPrefix: "payments.*"}, "not a subject prefix"},
		{"creds and nkey", Options{CredsFile: "a", NKeyFile: "b"}, "not both"},
		{"cert without key", Options{TLSCert: "c"}, "needs its key"},
		{"replicas", Options{Replicas: 7}, "replicas"},
		{"negative results age", Options{ResultsMaxAge: -time.Second}, "cannot be negative"},
		{"negative results bytes", Options{ResultsMaxBytes: -1}, "cannot be negative"},
		{"results age within the window", Options{ResultsMaxAge: time.Minute}, "at least the duplicate window"},
	} {
		err := tc.o.defaults()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	var o Options
	if err := o.defaults(); err != nil || o.Stream != DefaultStream || o.Subject != DefaultSubject || o.Durable != DefaultDurable || o.OutputPrefix != DefaultOutputPrefix {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	if got := redact("nats://u:secret@h:4222,nats://h2:4222"); strings.Contains(got, "secret") {
		t.Errorf("redact kept the password: %s", got)
	}
}
