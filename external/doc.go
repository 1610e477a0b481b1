// Package external runs external checks: calls to other systems (sanctions
// screening, directory and account services) that a rule set declares
// under its top-level external_checks: list (docs/external.md). Each check
// POSTs JSON built from the format-neutral payment view by a CEL request
// expression, and maps the JSON answer to findings with a CEL response
// expression, the same way for MT and MX.
//
// A check never breaks the message's latency budget: every call is cut to
// what is left of it (engine.Message.Deadline, less a small reserve for the
// rules after), a retry (jittered backoff) is made only when the budget
// leaves time for it, and the calls of one message run concurrently (the
// engine starts them all before the first rule, see engine.Starter). Each
// endpoint has a circuit breaker (github.com/sony/gobreaker/v2, a rolling
// window with a failure ratio); while it is open the fallback applies at
// once, without a call. A check has a concurrency limit and, for answers
// that can be cached, a cache with a TTL.
//
// When a check cannot answer (timeout, error, garbage, open breaker, spent
// budget) its fallback applies: fail-closed adds an error with code SVE700
// (the message is not valid), fail-open a warning with the same code (the
// message can be valid, and the report says it was not checked). Secrets
// (API keys, client certificates) come from files or environment variables
// the rule set names, never from the rule set itself.
//
// A Hub holds what checks share across rule sets and reloads (breakers,
// connection pools, metrics); it compiles checks for rules/custom
// (custom.ManagerOptions.External) and is a prometheus.Collector.
package external
