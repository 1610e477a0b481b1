package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// This file is an OTLP/HTTP span exporter of our own. The upstream one
// (otlptracehttp) shares its configuration package with the gRPC exporter
// and its request type with the gRPC service stubs, so it links
// google.golang.org/grpc and grpc-gateway into a binary that never speaks
// gRPC (open-telemetry/opentelemetry-go#2579): 1.9 MB of binary and about
// 1.5 MB of idle RSS (docs/server.md, "Start-up and memory"). It reads the
// same OTEL_EXPORTER_OTLP_* variables and behaves the same on the wire:
// one POST per batch of the binary protobuf (or, with protocol http/json,
// the OTLP/JSON) ExportTraceServiceRequest, optionally gzipped; 429, 502, 503
// and 504 are retried with backoff (Retry-After honoured) for at most a
// minute or until the batch's context ends.

// otlpConfig is the exporter's configuration, from the environment.
type otlpConfig struct {
	url     string // full URL of the traces endpoint
	headers map[string]string
	timeout time.Duration // per request
	gzip    bool
	json    bool // OTEL_EXPORTER_OTLP_PROTOCOL=http/json
	tls     *tls.Config
}

// The defaults of the OTLP exporter specification.
const (
	otlpDefaultURL     = "https://localhost:4318/v1/traces"
	otlpTracesPath     = "/v1/traces"
	otlpDefaultTimeout = 10 * time.Second
	// Retry schedule of the upstream exporter: 5 s growing by half up to
	// 30 s between attempts, each ±50 %, giving up after a minute.
	otlpRetryFirst = 5 * time.Second
	otlpRetryMax   = 30 * time.Second
	otlpRetryTotal = time.Minute
	// otlpMaxErrBody bounds how much of an error response is quoted.
	otlpMaxErrBody = 1 << 10
)

// otlpConfigFromEnv reads the standard variables: OTEL_EXPORTER_OTLP_*
// and, winning over each, its OTEL_EXPORTER_OTLP_TRACES_* form. ENDPOINT
// is a base URL (/v1/traces is appended), TRACES_ENDPOINT the full URL;
// an http:// URL (or INSECURE=true) sends in clear. HEADERS is
// "key=value,..." with URL-encoded values, TIMEOUT milliseconds,
// COMPRESSION gzip or none, PROTOCOL http/protobuf (default) or
// http/json, CERTIFICATE a PEM file of CAs, CLIENT_CERTIFICATE and
// CLIENT_KEY PEM files. An unreadable file is an error naming it.
func otlpConfigFromEnv(getenv func(string) string) (otlpConfig, error) {
	cfg := otlpConfig{url: otlpDefaultURL, timeout: otlpDefaultTimeout}
	get := func(name string) string {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name))
	}
	secure := true
	if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")); v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return cfg, fmt.Errorf("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: %v", err)
		}
		if u.Path == "" {
			u.Path = "/"
		}
		secure = !strings.EqualFold(u.Scheme, "http")
		cfg.url = u.Host + u.EscapedPath()
	} else if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return cfg, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %v", err)
		}
		secure = !strings.EqualFold(u.Scheme, "http")
		cfg.url = u.Host + path.Join(u.EscapedPath(), otlpTracesPath)
	} else {
		cfg.url = strings.TrimPrefix(cfg.url, "https://")
	}
	if v := get("INSECURE"); v != "" {
		secure = !strings.EqualFold(v, "true")
	}
	for _, kv := range strings.Split(get("HEADERS"), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue // like upstream: a malformed entry is skipped
		}
		k, err1 := url.PathUnescape(strings.TrimSpace(k))
		v, err2 := url.PathUnescape(strings.TrimSpace(v))
		if err1 != nil || err2 != nil || k == "" {
			continue
		}
		if cfg.headers == nil {
			cfg.headers = map[string]string{}
		}
		cfg.headers[k] = v
	}
	if v := get("TIMEOUT"); v != "" {
		if ms, err := strconv.Atoi(v); err == nil && ms >= 0 {
			cfg.timeout = time.Duration(ms) * time.Millisecond
		}
	}
	cfg.gzip = get("COMPRESSION") == "gzip"
	cfg.json = get("PROTOCOL") == "http/json"
	var tc tls.Config
	if f := get("CERTIFICATE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return cfg, fmt.Errorf("OTLP certificate: %v", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return cfg, fmt.Errorf("OTLP certificate %s: no PEM certificate in it", f)
		}
	}
	if cf, kf := get("CLIENT_CERTIFICATE"), get("CLIENT_KEY"); cf != "" || kf != "" {
		c, err := tls.LoadX509KeyPair(cf, kf)
		if err != nil {
			return cfg, fmt.Errorf("OTLP client certificate: %v", err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	if tc.RootCAs != nil || tc.Certificates != nil {
		if !secure {
			return cfg, errors.New("OTLP: an insecure (http) endpoint cannot use a TLS client configuration")
		}
		cfg.tls = &tc
	}
	if secure {
		cfg.url = "https://" + cfg.url
	} else {
		cfg.url = "http://" + cfg.url
	}
	return cfg, nil
}

// otlpExporter is an sdktrace.SpanExporter posting to an OTLP/HTTP
// endpoint. The SDK calls ExportSpans from one goroutine at a time.
type otlpExporter struct {
	cfg        otlpConfig
	client     *http.Client
	retryFirst time.Duration // otlpRetryFirst; tests shorten it
	stopped    atomic.Bool
}

func newOTLPExporter(cfg otlpConfig) *otlpExporter {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg.tls
	return &otlpExporter{cfg: cfg, client: &http.Client{Transport: tr, Timeout: cfg.timeout}, retryFirst: otlpRetryFirst}
}

// ExportSpans implements sdktrace.SpanExporter: one request, retried
// while the collector answers 429, 502, 503 or 504.
func (x *otlpExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if x.stopped.Load() || len(spans) == 0 {
		return nil
	}
	body, err := x.encode(otlpResourceSpans(spans))
	if err != nil {
		return err
	}
	start := time.Now()
	wait := x.retryFirst
	for {
		retry, after, err := x.post(ctx, body)
		if !retry {
			return err
		}
		d := time.Duration(float64(wait) * (0.5 + rand.Float64())) // ±50 %
		d = max(d, after)
		if time.Since(start)+d > otlpRetryTotal {
			return err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*3/2, otlpRetryMax)
	}
}

// post sends one request. retry reports a failure worth another attempt,
// after the delay a Retry-After header asked for.
func (x *otlpExporter) post(ctx context.Context, body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.cfg.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, err
	}
	req.Header.Set("User-Agent", "swiftval-otlp-exporter")
	for k, v := range x.cfg.headers {
		req.Header.Set(k, v)
	}
	if x.cfg.json {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-protobuf")
	}
	if x.cfg.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := x.client.Do(req)
	if err != nil {
		var ue *url.Error
		return errors.As(err, &ue) && ue.Temporary() && ctx.Err() == nil, 0, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, otlpMaxErrBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // keep the connection reusable
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return false, 0, nil
	}
	text := strings.TrimSpace(string(msg))
	if text == "" {
		text = "(empty)"
	}
	err = fmt.Errorf("OTLP export to %s: %s: %s", x.cfg.url, resp.Status, text)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, retryAfter(resp.Header.Get("Retry-After")), err
	}
	return false, 0, err
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		if s > math.MaxInt64/int64(time.Second) {
			return math.MaxInt64
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// encode returns the request body: an ExportTraceServiceRequest, whose
// one field (1) is the repeated ResourceSpans, so it is written here
// rather than through the collector package (which is what links gRPC).
func (x *otlpExporter) encode(rss []*tracepb.ResourceSpans) ([]byte, error) {
	var b []byte
	if x.cfg.json {
		var err error
		if b, err = otlpJSON(rss); err != nil {
			return nil, err
		}
	} else {
		for _, rs := range rss {
			m, err := proto.Marshal(rs)
			if err != nil {
				return nil, err
			}
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendBytes(b, m)
		}
	}
	if !x.cfg.gzip {
		return b, nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// otlpJSON encodes an ExportTraceServiceRequest in OTLP/JSON: the proto3
// JSON mapping, except that OTLP wants enums as numbers and trace and span
// IDs in hex rather than base64. Field names are the only object keys in
// that mapping (attribute keys are values of "key"), so every member named
// traceId, spanId or parentSpanId is an ID.
func otlpJSON(rss []*tracepb.ResourceSpans) ([]byte, error) {
	list := make([]any, len(rss))
	for i, rs := range rss {
		j, err := protojson.MarshalOptions{UseEnumNumbers: true}.Marshal(rs)
		if err != nil {
			return nil, err
		}
		d := json.NewDecoder(bytes.NewReader(j))
		d.UseNumber()
		if err := d.Decode(&list[i]); err != nil {
			return nil, err
		}
		if err := hexIDs(list[i]); err != nil {
			return nil, err
		}
	}
	return json.Marshal(map[string]any{"resourceSpans": list})
}

func hexIDs(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && (k == "traceId" || k == "spanId" || k == "parentSpanId") {
				id, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					return fmt.Errorf("OTLP JSON: %s %q: %v", k, s, err)
				}
				v[k] = hex.EncodeToString(id)
			} else if err := hexIDs(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := hexIDs(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Shutdown implements sdktrace.SpanExporter; later exports do nothing.
func (x *otlpExporter) Shutdown(ctx context.Context) error {
	x.stopped.Store(true)
	x.client.CloseIdleConnections()
	return ctx.Err()
}

// otlpResourceSpans groups spans by resource, then by instrumentation
// scope, in the order they come.
func otlpResourceSpans(spans []sdktrace.ReadOnlySpan) []*tracepb.ResourceSpans {
	type scopeKey struct {
		res   attribute.Distinct
		scope instrumentation.Scope
	}
	var out []*tracepb.ResourceSpans
	byRes := map[attribute.Distinct]*tracepb.ResourceSpans{}
	byScope := map[scopeKey]*tracepb.ScopeSpans{}
	for _, s := range spans {
		if s == nil {
			continue
		}
		res := s.Resource()
		rk := res.Equivalent()
		rs := byRes[rk]
		if rs == nil {
			rs = &tracepb.ResourceSpans{SchemaUrl: res.SchemaURL()}
			if res != nil {
				rs.Resource = &resourcepb.Resource{Attributes: otlpAttrs(res.Attributes())}
			}
			byRes[rk] = rs
			out = append(out, rs)
		}
		sc := s.InstrumentationScope()
		sk := scopeKey{rk, sc}
		ss := byScope[sk]
		if ss == nil {
			ss = &tracepb.ScopeSpans{SchemaUrl: sc.SchemaURL}
			if sc != (instrumentation.Scope{}) {
				ss.Scope = &commonpb.InstrumentationScope{Name: sc.Name, Version: sc.Version, Attributes: otlpAttrs(sc.Attributes.ToSlice())}
			}
			byScope[sk] = ss
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
		ss.Spans = append(ss.Spans, otlpSpan(s))
	}
	return out
}

func otlpSpan(s sdktrace.ReadOnlySpan) *tracepb.Span {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	st := s.Status()
	p := &tracepb.Span{
		TraceId:                tid[:],
		SpanId:                 sid[:],
		TraceState:             sc.TraceState().String(),
		Flags:                  otlpFlags(sc.TraceFlags(), s.Parent()),
		Name:                   s.Name(),
		Kind:                   otlpKind(s.SpanKind()),
		StartTimeUnixNano:      unixNano(s.StartTime()),
		EndTimeUnixNano:        unixNano(s.EndTime()),
		Attributes:             otlpAttrs(s.Attributes()),
		DroppedAttributesCount: clampU32(s.DroppedAttributes()),
		DroppedEventsCount:     clampU32(s.DroppedEvents()),
		DroppedLinksCount:      clampU32(s.DroppedLinks()),
		Status:                 &tracepb.Status{Code: otlpStatus(st.Code), Message: st.Description},
	}
	if psid := s.Parent().SpanID(); psid.IsValid() {
		p.ParentSpanId = psid[:]
	}
	for _, e := range s.Events() {
		p.Events = append(p.Events, &tracepb.Span_Event{Name: e.Name, TimeUnixNano: unixNano(e.Time),
			Attributes: otlpAttrs(e.Attributes), DroppedAttributesCount: clampU32(e.DroppedAttributeCount)})
	}
	for _, l := range s.Links() {
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		p.Links = append(p.Links, &tracepb.Span_Link{TraceId: ltid[:], SpanId: lsid[:],
			TraceState: l.SpanContext.TraceState().String(), Flags: otlpFlags(l.SpanContext.TraceFlags(), l.SpanContext),
			Attributes: otlpAttrs(l.Attributes), DroppedAttributesCount: clampU32(l.DroppedAttributeCount)})
	}
	return p
}

// otlpFlags: the W3C trace flags, plus whether the parent (or linked)
// context is remote, which OTLP carries in bits 8 and 9.
func otlpFlags(f trace.TraceFlags, parent trace.SpanContext) uint32 {
	flags := uint32(f) | uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK)
	if parent.IsRemote() {
		flags |= uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
	}
	return flags
}

func otlpKind(k trace.SpanKind) tracepb.Span_SpanKind {
	switch k {
	case trace.SpanKindInternal:
		return tracepb.Span_SPAN_KIND_INTERNAL
	case trace.SpanKindServer:
		return tracepb.Span_SPAN_KIND_SERVER
	case trace.SpanKindClient:
		return tracepb.Span_SPAN_KIND_CLIENT
	case trace.SpanKindProducer:
		return tracepb.Span_SPAN_KIND_PRODUCER
	case trace.SpanKindConsumer:
		return tracepb.Span_SPAN_KIND_CONSUMER
	}
	return tracepb.Span_SPAN_KIND_UNSPECIFIED
}

// otlpStatus maps the API's codes (Unset 0, Error 1, Ok 2) to OTLP's
// (UNSET 0, OK 1, ERROR 2).
func otlpStatus(c codes.Code) tracepb.Status_StatusCode {
	switch c {
	case codes.Ok:
		return tracepb.Status_STATUS_CODE_OK
	case codes.Error:
		return tracepb.Status_STATUS_CODE_ERROR
	}
	return tracepb.Status_STATUS_CODE_UNSET
}

func otlpAttrs(kvs []attribute.KeyValue) []*commonpb.KeyValue {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]*commonpb.KeyValue, len(kvs))
	for i, kv := range kvs {
		out[i] = &commonpb.KeyValue{Key: string(kv.Key), Value: otlpValue(kv.Value)}
	}
	return out
}

func otlpValue(v attribute.Value) *commonpb.AnyValue {
	arr := func(n int, at func(int) *commonpb.AnyValue) *commonpb.AnyValue {
		vs := make([]*commonpb.AnyValue, n)
		for i := range vs {
			vs[i] = at(i)
		}
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: vs}}}
	}
	str := func(s string) *commonpb.AnyValue {
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
	}
	switch v.Type() {
	case attribute.STRING:
		return str(v.AsString())
	case attribute.BOOL:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: v.AsBool()}}
	case attribute.INT64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v.AsInt64()}}
	case attribute.FLOAT64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v.AsFloat64()}}
	case attribute.BYTESLICE:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: v.AsByteSlice()}}
	case attribute.STRINGSLICE:
		s := v.AsStringSlice()
		return arr(len(s), func(i int) *commonpb.AnyValue { return str(s[i]) })
	case attribute.BOOLSLICE:
		s := v.AsBoolSlice()
		return arr(len(s), func(i int) *commonpb.AnyValue { return otlpValue(attribute.BoolValue(s[i])) })
	case attribute.INT64SLICE:
		s := v.AsInt64Slice()
		return arr(len(s), func(i int) *commonpb.AnyValue { return otlpValue(attribute.Int64Value(s[i])) })
	case attribute.FLOAT64SLICE:
		s := v.AsFloat64Slice()
		return arr(len(s), func(i int) *commonpb.AnyValue { return otlpValue(attribute.Float64Value(s[i])) })
	case attribute.SLICE:
		s := v.AsSlice()
		return arr(len(s), func(i int) *commonpb.AnyValue { return otlpValue(s[i]) })
	case attribute.MAP:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: otlpAttrs(v.AsMap())}}}
	case attribute.EMPTY:
		return &commonpb.AnyValue{}
	}
	return str("INVALID")
}

func unixNano(t time.Time) uint64 { return uint64(max(0, t.UnixNano())) }

func clampU32(n int) uint32 { return uint32(min(max(n, 0), math.MaxUint32)) }
