package server

import (
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// collector is a fake OTLP/HTTP receiver: it decodes every request with
// the upstream collector types and answers the statuses queued in codes
// (then 200).
type collector struct {
	mu    sync.Mutex
	codes []int
	reqs  []*http.Request
	got   []*coltracepb.ExportTraceServiceRequest
	json  []string // raw OTLP/JSON bodies
	err   error
}

// otlpJSONToProto3 turns OTLP/JSON (hex IDs) back into the proto3 JSON
// mapping (base64 bytes) that protojson reads; a collector does the same.
func otlpJSONToProto3(b []byte) []byte {
	idKey := regexp.MustCompile(`"(traceId|spanId|parentSpanId)":"([0-9a-f]*)"`)
	return idKey.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := idKey.FindSubmatch(m)
		id, _ := hex.DecodeString(string(sub[2]))
		return []byte(`"` + string(sub[1]) + `":"` + base64.StdEncoding.EncodeToString(id) + `"`)
	})
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, r)
	if len(c.codes) > 0 {
		code := c.codes[0]
		c.codes = c.codes[1:]
		w.Header().Set("Retry-After", "0")
		http.Error(w, "try later", code)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			c.err = err
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		c.err = err
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if r.Header.Get("Content-Type") == "application/json" {
		c.json = append(c.json, string(b))
		err = protojson.Unmarshal(otlpJSONToProto3(b), &req)
	} else {
		err = proto.Unmarshal(b, &req)
	}
	if err != nil {
		c.err = err
		return
	}
	c.got = append(c.got, &req)
}

func (c *collector) spans(t *testing.T) map[string]*tracepb.Span {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		t.Fatal(c.err)
	}
	out := map[string]*tracepb.Span{}
	for _, req := range c.got {
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					out[s.Name] = s
				}
			}
		}
	}
	return out
}

// TestOTLPExportFromEnv: with the standard variables set, the spans of a
// request reach the collector as a valid ExportTraceServiceRequest at
// ENDPOINT/v1/traces, gzipped, with the configured headers, the service
// name and the validation attributes.
func TestOTLPExportFromEnv(t *testing.T) {
	c := &collector{}
	ts := httptest.NewServer(c)
	defer ts.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ts.URL+"/base")
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s%20cret, x-tenant = a ")
	t.Setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
	t.Setenv("OTEL_SERVICE_NAME", "swiftval-test")
	tp, shutdown, err := TracerProviderFromEnv(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(c *Config) { c.TracerProvider = tp })
	rec := do(t, s, "POST", "/v1/validate", "text/plain", strings.NewReader(invalidMsg),
		"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if err := shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := c.spans(t)
	req, val := got["POST /v1/validate"], got["validate"]
	if req == nil || val == nil {
		t.Fatalf("spans %v", got)
	}
	r := c.reqs[0]
	if r.URL.Path != "/base/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" ||
		r.Header.Get("Api-Key") != "s cret" || r.Header.Get("X-Tenant") != "a" {
		t.Errorf("request %s %v", r.URL.Path, r.Header)
	}
	if string(val.ParentSpanId) != string(req.SpanId) {
		t.Error("validation span is not a child of the request span")
	}
	if req.Kind != tracepb.Span_SPAN_KIND_SERVER || req.Flags&0x300 != 0x300 {
		t.Errorf("request span kind %v flags %#x: want server, remote parent", req.Kind, req.Flags)
	}
	if trace.TraceID(req.TraceId).String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("trace ID %x", req.TraceId)
	}
	attrs := map[string]string{}
	for _, kv := range val.Attributes {
		attrs[kv.Key] = kv.Value.GetStringValue()
	}
	if attrs["swiftval.type"] != "MT103" || attrs["swiftval.verdict"] != "invalid" {
		t.Errorf("validation span attributes %v", val.Attributes)
	}
	var service string
	for _, kv := range c.got[0].ResourceSpans[0].Resource.Attributes {
		if kv.Key == "service.name" {
			service = kv.Value.GetStringValue()
		}
	}
	if service != "swiftval-test" {
		t.Errorf("service.name %q", service)
	}
}

// stubSpans are two finished spans with every kind of field set.
func stubSpans() []sdktrace.ReadOnlySpan {
	tid := trace.TraceID{1, 2, 3}
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{9}, Remote: true})
	start := time.Unix(1700000000, 5)
	return tracetest.SpanStubs{
		{
			Name:        "a",
			SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled}),
			Parent:      parent,
			SpanKind:    trace.SpanKindClient,
			StartTime:   start,
			EndTime:     start.Add(time.Millisecond),
			Attributes: []attribute.KeyValue{attribute.Int("n", 7), attribute.Bool("b", true), attribute.Float64("f", 1.5),
				attribute.StringSlice("ss", []string{"x", "y"}), attribute.Int64Slice("is", []int64{1, 2})},
			Events:               []sdktrace.Event{{Name: "e", Time: start, Attributes: []attribute.KeyValue{attribute.String("k", "v")}}},
			Links:                []sdktrace.Link{{SpanContext: parent, Attributes: []attribute.KeyValue{attribute.String("l", "1")}}},
			Status:               sdktrace.Status{Code: codes.Error, Description: "boom"},
			DroppedAttributes:    3,
			Resource:             resource.NewSchemaless(attribute.String("service.name", "svc")),
			InstrumentationScope: instrumentation.Scope{Name: "scope", Version: "1"},
		},
		{
			Name:                 "b",
			SpanContext:          trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{2}}),
			StartTime:            start,
			EndTime:              start,
			Status:               sdktrace.Status{Code: codes.Ok},
			Resource:             resource.NewSchemaless(attribute.String("service.name", "svc")),
			InstrumentationScope: instrumentation.Scope{Name: "scope", Version: "1"},
		},
	}.Snapshots()
}

// TestOTLPEncoding: the JSON protocol at a TRACES_ENDPOINT used as is;
// spans of one resource and scope share one ResourceSpans and ScopeSpans;
// every field arrives.
func TestOTLPEncoding(t *testing.T) {
	c := &collector{}
	ts := httptest.NewServer(c)
	defer ts.Close()
	env := map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ts.URL + "/custom", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}
	cfg, err := otlpConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := newOTLPExporter(cfg).ExportSpans(t.Context(), stubSpans()); err != nil {
		t.Fatal(err)
	}
	got := c.spans(t)
	if p := c.reqs[0].URL.Path; p != "/custom" {
		t.Errorf("path %s", p)
	}
	// OTLP/JSON: IDs in hex, enums as numbers, 64-bit integers as strings.
	for _, want := range []string{`"traceId":"01020300000000000000000000000000"`, `"spanId":"0100000000000000"`,
		`"parentSpanId":"0900000000000000"`, `"kind":3`, `"code":2`, `"startTimeUnixNano":"1700000000000000005"`} {
		if !strings.Contains(c.json[0], want) {
			t.Errorf("JSON body lacks %s: %s", want, c.json[0])
		}
	}
	if n := len(c.got[0].ResourceSpans); n != 1 || len(c.got[0].ResourceSpans[0].ScopeSpans) != 1 {
		t.Fatalf("%d resource spans, %v", n, c.got[0])
	}
	sc := c.got[0].ResourceSpans[0].ScopeSpans[0].Scope
	if sc.GetName() != "scope" || sc.GetVersion() != "1" {
		t.Errorf("scope %v", sc)
	}
	a, b := got["a"], got["b"]
	if a == nil || b == nil {
		t.Fatalf("spans %v", got)
	}
	if a.Kind != tracepb.Span_SPAN_KIND_CLIENT || a.Status.Code != tracepb.Status_STATUS_CODE_ERROR || a.Status.Message != "boom" ||
		b.Status.Code != tracepb.Status_STATUS_CODE_OK {
		t.Errorf("kind %v, status %v / %v", a.Kind, a.Status, b.Status)
	}
	if a.StartTimeUnixNano != 1700000000000000005 || a.EndTimeUnixNano != 1700000000001000005 || a.DroppedAttributesCount != 3 {
		t.Errorf("times %d..%d dropped %d", a.StartTimeUnixNano, a.EndTimeUnixNano, a.DroppedAttributesCount)
	}
	if a.Flags != 0x301 || b.Flags != 0x100 || len(b.ParentSpanId) != 0 || a.ParentSpanId[0] != 9 {
		t.Errorf("flags %#x %#x, parents %x %x", a.Flags, b.Flags, a.ParentSpanId, b.ParentSpanId)
	}
	want := map[string]string{"n": `{"intValue":"7"}`, "b": `{"boolValue":true}`, "f": `{"doubleValue":1.5}`,
		"ss": `{"arrayValue":{"values":[{"stringValue":"x"},{"stringValue":"y"}]}}`,
		"is": `{"arrayValue":{"values":[{"intValue":"1"},{"intValue":"2"}]}}`}
	for _, kv := range a.Attributes {
		j, _ := protojson.Marshal(kv.Value)
		if got := strings.ReplaceAll(string(j), " ", ""); got != want[kv.Key] {
			t.Errorf("attribute %s = %s, want %s", kv.Key, got, want[kv.Key])
		}
	}
	if len(a.Events) != 1 || a.Events[0].Name != "e" || len(a.Links) != 1 || a.Links[0].SpanId[0] != 9 || a.Links[0].Flags != 0x300 {
		t.Errorf("events %v links %v", a.Events, a.Links)
	}
}

// TestOTLPRetry: 503 and 429 are retried (Retry-After honoured), 400 is not.
func TestOTLPRetry(t *testing.T) {
	for _, tc := range []struct {
		codes    []int
		attempts int
		ok       bool
	}{
		{nil, 1, true},
		{[]int{503, 429}, 3, true},
		{[]int{400}, 1, false},
	} {
		c := &collector{codes: tc.codes}
		ts := httptest.NewServer(c)
		x := newOTLPExporter(otlpConfig{url: ts.URL + "/v1/traces", timeout: time.Second})
		x.retryFirst = time.Millisecond
		err := x.ExportSpans(t.Context(), stubSpans())
		ts.Close()
		if (err == nil) != tc.ok || len(c.reqs) != tc.attempts {
			t.Errorf("codes %v: %d attempts, error %v", tc.codes, len(c.reqs), err)
		}
		if err != nil && !strings.Contains(err.Error(), "400 Bad Request: try later") {
			t.Errorf("error %q does not quote the collector", err)
		}
	}
	// A cancelled batch context ends the retries.
	c := &collector{codes: []int{503, 503, 503}}
	ts := httptest.NewServer(c)
	defer ts.Close()
	x := newOTLPExporter(otlpConfig{url: ts.URL, timeout: time.Second})
	x.retryFirst = 10 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := x.ExportSpans(ctx, stubSpans()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's", err)
	}
}

func TestOTLPConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	badPEM := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(badPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env     map[string]string
		url     string
		timeout time.Duration
		err     string
	}{
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, url: "http://collector:4318/v1/traces", timeout: 10 * time.Second},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://c.example/otlp/"}, url: "https://c.example/otlp/v1/traces", timeout: 10 * time.Second},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b:2"}, url: "https://b:2/", timeout: 10 * time.Second},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b:2/x/y", "OTEL_EXPORTER_OTLP_INSECURE": "true"}, url: "http://b:2/x/y", timeout: 10 * time.Second},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "500"}, url: "http://a:1/v1/traces", timeout: 500 * time.Millisecond},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://a:1", "OTEL_EXPORTER_OTLP_CERTIFICATE": filepath.Join(dir, "missing.pem")}, err: "missing.pem"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://a:1", "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE": badPEM}, err: "no PEM certificate"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://a:1", "OTEL_EXPORTER_OTLP_CLIENT_KEY": badPEM}, err: "client certificate"},
	} {
		cfg, err := otlpConfigFromEnv(func(k string) string { return tc.env[k] })
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil || cfg.url != tc.url || cfg.timeout != tc.timeout {
			t.Errorf("%v: url %q timeout %v err %v, want %q %v", tc.env, cfg.url, cfg.timeout, err, tc.url, tc.timeout)
		}
	}
}
