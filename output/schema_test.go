package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The structural checks below are written from the public specifications
// (no schema is fetched at test time):
//
//   - SARIF: OASIS "Static Analysis Results Interchange Format (SARIF)
//     Version 2.1.0" (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) and its
//     JSON schema sarif-schema-2.1.0.json: the objects we emit with their
//     required properties, the properties each may have (the schema sets
//     additionalProperties false on them), the enums and minimums.
//   - JUnit: the Ant JUnit task's format as described by Jenkins'
//     junit-10.xsd (jenkinsci/xunit-plugin) and the windyroad JUnit.xsd:
//     elements, their attributes and children, required attributes, number
//     formats, and counts that agree with the test cases.

// sarifKind describes one SARIF object: its required properties, the
// groups of which at least one is required (the schema's anyOf), and the
// allowed properties with the kind of each value.
type sarifKind struct {
	required []string
	anyOf    []string
	props    map[string]string // value kinds: "string", "uri", "bool", "int1" (integer ≥ 1), "int0", "enum:a|b", "object:<kind>", "array:<kind>", "any"
}

var sarifKinds = map[string]sarifKind{
	"sarifLog": {required: []string{"version", "runs"}, props: map[string]string{
		"$schema": "uri", "version": "enum:2.1.0", "runs": "array:run", "inlineExternalProperties": "any", "properties": "object:propertyBag"}},
	"run": {required: []string{"tool"}, props: map[string]string{
		"tool": "object:tool", "invocations": "array:invocation", "results": "array:result", "artifacts": "any", "logicalLocations": "any",
		"conversion": "any", "language": "string", "versionControlProvenance": "any", "originalUriBaseIds": "any", "graphs": "any",
		"automationDetails": "any", "runAggregates": "any", "baselineGuid": "string", "redactionTokens": "any", "defaultEncoding": "string",
		"defaultSourceLanguage": "string", "newlineSequences": "any", "columnKind": "enum:utf16CodeUnits|unicodeCodePoints",
		"externalPropertyFileReferences": "any", "threadFlowLocations": "any", "taxonomies": "any", "addresses": "any", "translations": "any",
		"policies": "any", "webRequests": "any", "webResponses": "any", "specialLocations": "any", "properties": "object:propertyBag"}},
	"tool": {required: []string{"driver"}, props: map[string]string{"driver": "object:toolComponent", "extensions": "any", "properties": "object:propertyBag"}},
	"toolComponent": {required: []string{"name"}, props: map[string]string{
		"guid": "string", "name": "string", "organization": "string", "product": "string", "productSuite": "string", "shortDescription": "any",
		"fullDescription": "any", "fullName": "string", "version": "string", "semanticVersion": "string", "dottedQuadFileVersion": "string",
		"releaseDateUtc": "string", "downloadUri": "uri", "informationUri": "uri", "globalMessageStrings": "any", "notifications": "any",
		"rules": "any", "taxa": "any", "locations": "any", "language": "string", "contents": "any", "isComprehensive": "bool",
		"localizedDataSemanticVersion": "string", "minimumRequiredLocalizedDataSemanticVersion": "string", "associatedComponent": "any",
		"translationMetadata": "any", "supportedTaxonomies": "any", "properties": "object:propertyBag"}},
	"result": {required: []string{"message"}, props: map[string]string{
		"ruleId": "string", "ruleIndex": "int0", "rule": "any", "kind": "enum:notApplicable|pass|fail|review|open|informational",
		"level": "enum:none|note|warning|error", "message": "object:message", "analysisTarget": "any", "locations": "array:location",
		"guid": "string", "correlationGuid": "string", "occurrenceCount": "int1", "partialFingerprints": "any", "fingerprints": "any",
		"stacks": "any", "codeFlows": "any", "graphs": "any", "graphTraversals": "any", "relatedLocations": "array:location",
		"suppressions": "any", "baselineState": "any", "rank": "any", "attachments": "any", "hostedViewerUri": "uri", "workItemUris": "any",
		"provenance": "any", "fixes": "any", "taxa": "any", "webRequest": "any", "webResponse": "any", "properties": "object:propertyBag"}},
	"message": {anyOf: []string{"text", "id"}, props: map[string]string{
		"text": "string", "markdown": "string", "id": "string", "arguments": "any", "properties": "object:propertyBag"}},
	"location": {props: map[string]string{
		"id": "int0", "physicalLocation": "object:physicalLocation", "logicalLocations": "array:logicalLocation", "message": "object:message",
		"annotations": "any", "relationships": "any", "properties": "object:propertyBag"}},
	"physicalLocation": {anyOf: []string{"address", "artifactLocation"}, props: map[string]string{
		"address": "any", "artifactLocation": "object:artifactLocation", "region": "object:region", "contextRegion": "object:region", "properties": "object:propertyBag"}},
	"artifactLocation": {props: map[string]string{"uri": "uri", "uriBaseId": "string", "index": "int0", "description": "object:message", "properties": "object:propertyBag"}},
	"region": {props: map[string]string{
		"startLine": "int1", "startColumn": "int1", "endLine": "int1", "endColumn": "int1", "charOffset": "int0", "charLength": "int0",
		"byteOffset": "int0", "byteLength": "int0", "snippet": "any", "message": "object:message", "sourceLanguage": "string", "properties": "object:propertyBag"}},
	"logicalLocation": {props: map[string]string{
		"name": "string", "index": "int0", "fullyQualifiedName": "string", "decoratedName": "string", "parentIndex": "int0", "kind": "string", "properties": "object:propertyBag"}},
	"invocation": {required: []string{"executionSuccessful"}, props: map[string]string{
		"commandLine": "string", "arguments": "any", "responseFiles": "any", "startTimeUtc": "string", "endTimeUtc": "string", "exitCode": "any",
		"ruleConfigurationOverrides": "any", "notificationConfigurationOverrides": "any", "toolExecutionNotifications": "array:notification",
		"toolConfigurationNotifications": "array:notification", "exitCodeDescription": "string", "exitSignalName": "string", "exitSignalNumber": "any",
		"processStartFailureMessage": "string", "executionSuccessful": "bool", "machine": "string", "account": "string", "processId": "any",
		"executableLocation": "object:artifactLocation", "workingDirectory": "object:artifactLocation", "environmentVariables": "any",
		"stdin": "any", "stdout": "any", "stderr": "any", "stdoutStderr": "any", "properties": "object:propertyBag"}},
	"notification": {required: []string{"message"}, props: map[string]string{
		"locations": "array:location", "message": "object:message", "level": "enum:none|note|warning|error", "threadId": "any", "timeUtc": "string",
		"exception": "any", "descriptor": "any", "associatedRule": "any", "properties": "object:propertyBag"}},
	"propertyBag": {props: nil}, // any properties
}

// checkSARIF checks a SARIF log against the required structure.
func checkSARIF(doc []byte) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the log")
	}
	return checkSARIFValue("$", "object:sarifLog", v)
}

func checkSARIFValue(at, kind string, v any) error {
	switch {
	case kind == "any":
		return nil
	case kind == "string":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want a string", at)
		}
	case kind == "uri":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: want a URI string", at)
		}
		if _, err := url.Parse(s); err != nil || strings.ContainsAny(s, " \\") {
			return fmt.Errorf("%s: %q is not a URI reference", at, s)
		}
	case kind == "bool":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want a boolean", at)
		}
	case kind == "int0" || kind == "int1":
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil || kind == "int1" && i < 1 || i < 0 {
			return fmt.Errorf("%s: %v is not an integer ≥ %s", at, v, kind[3:])
		}
	case strings.HasPrefix(kind, "enum:"):
		s, _ := v.(string)
		if !slices.Contains(strings.Split(kind[5:], "|"), s) {
			return fmt.Errorf("%s: %v is not one of %s", at, v, kind[5:])
		}
	case strings.HasPrefix(kind, "array:"):
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array", at)
		}
		for i, e := range a {
			if err := checkSARIFValue(fmt.Sprintf("%s[%d]", at, i), "object:"+kind[6:], e); err != nil {
				return err
			}
		}
	case strings.HasPrefix(kind, "object:"):
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object", at)
		}
		k, known := sarifKinds[kind[7:]]
		if !known {
			panic("no SARIF kind " + kind)
		}
		for _, r := range k.required {
			if _, ok := o[r]; !ok {
				return fmt.Errorf("%s (%s): required property %q missing", at, kind[7:], r)
			}
		}
		if len(k.anyOf) > 0 && !slices.ContainsFunc(k.anyOf, func(p string) bool { _, ok := o[p]; return ok }) {
			return fmt.Errorf("%s (%s): needs one of %v", at, kind[7:], k.anyOf)
		}
		if k.props == nil {
			return nil
		}
		for p, pv := range o {
			pk, ok := k.props[p]
			if !ok {
				return fmt.Errorf("%s (%s): property %q is not in the schema", at, kind[7:], p)
			}
			if err := checkSARIFValue(at+"."+p, pk, pv); err != nil {
				return err
			}
		}
	default:
		panic("bad kind " + kind)
	}
	return nil
}

// junitElem describes one JUnit element: attributes allowed (required ones
// marked with a leading '!'), children allowed, and whether it holds text.
type junitElem struct {
	attrs    []string
	children []string
	text     bool
}

var junitElems = map[string]junitElem{
	"testsuites": {attrs: []string{"name", "time", "tests", "failures", "disabled", "errors"}, children: []string{"testsuite"}},
	"testsuite": {attrs: []string{"!name", "!tests", "failures", "errors", "group", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url", "version"},
		children: []string{"properties", "testcase", "system-out", "system-err"}},
	"properties": {children: []string{"property"}},
	"property":   {attrs: []string{"!name", "!value"}},
	"testcase": {attrs: []string{"!name", "assertions", "time", "classname", "status", "class", "file", "line"},
		children: []string{"skipped", "error", "failure", "system-out", "system-err"}},
	"skipped":    {attrs: []string{"message"}, text: true},
	"error":      {attrs: []string{"message", "type"}, text: true},
	"failure":    {attrs: []string{"message", "type"}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

type xmlNode struct {
	name     string
	attrs    map[string]string
	children []*xmlNode
	text     string
}

// checkJUnit checks a JUnit XML document against the common shape.
func checkJUnit(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return fmt.Errorf("two root elements")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil || root.name != "testsuites" && root.name != "testsuite" {
		return fmt.Errorf("root element must be testsuites or testsuite")
	}
	if err := checkJUnitNode(root); err != nil {
		return err
	}
	suites := []*xmlNode{root}
	if root.name == "testsuites" {
		suites = root.children
	}
	var all [3]int
	for _, s := range suites {
		var n [3]int // tests, failures, errors
		for _, c := range s.children {
			if c.name != "testcase" {
				continue
			}
			n[0]++
			for _, cc := range c.children {
				switch cc.name {
				case "failure":
					n[1]++
				case "error":
					n[2]++
				}
			}
		}
		for i, a := range []string{"tests", "failures", "errors"} {
			if v, ok := s.attrs[a]; ok && v != strconv.Itoa(n[i]) {
				return fmt.Errorf("testsuite %s=%s, but it holds %d", a, v, n[i])
			}
			all[i] += n[i]
		}
	}
	if root.name == "testsuites" {
		for i, a := range []string{"tests", "failures", "errors"} {
			if v, ok := root.attrs[a]; ok && v != strconv.Itoa(all[i]) {
				return fmt.Errorf("testsuites %s=%s, but the suites hold %d", a, v, all[i])
			}
		}
	}
	return nil
}

func checkJUnitNode(n *xmlNode) error {
	e, ok := junitElems[n.name]
	if !ok {
		return fmt.Errorf("element <%s> is not in the JUnit schema", n.name)
	}
	for _, a := range e.attrs {
		if a[0] == '!' {
			if _, ok := n.attrs[a[1:]]; !ok {
				return fmt.Errorf("<%s> lacks required attribute %s", n.name, a[1:])
			}
		}
	}
	for a, v := range n.attrs {
		if !slices.Contains(e.attrs, a) && !slices.Contains(e.attrs, "!"+a) {
			return fmt.Errorf("<%s> has attribute %s, not in the schema", n.name, a)
		}
		switch a {
		case "tests", "failures", "errors", "skipped", "disabled", "assertions":
			if i, err := strconv.Atoi(v); err != nil || i < 0 {
				return fmt.Errorf("<%s %s=%q> is not a count", n.name, a, v)
			}
		case "time":
			if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 || strings.ContainsAny(v, "eE") {
				return fmt.Errorf("<%s time=%q> is not a decimal number of seconds", n.name, v)
			}
		}
	}
	if !e.text && strings.TrimSpace(n.text) != "" {
		return fmt.Errorf("<%s> holds text", n.name)
	}
	for _, c := range n.children {
		if !slices.Contains(e.children, c.name) {
			return fmt.Errorf("<%s> inside <%s> is not allowed", c.name, n.name)
		}
		if err := checkJUnitNode(c); err != nil {
			return err
		}
	}
	return nil
}

// TestSchemas checks the writers' output against the structure of the
// formats, and that the checks themselves catch the mistakes they are for.
func TestSchemas(t *testing.T) {
	sarif, junit := render(t, "sarif"), render(t, "junit")
	if err := checkSARIF(sarif); err != nil {
		t.Errorf("SARIF: %v", err)
	}
	if err := checkJUnit(junit); err != nil {
		t.Errorf("JUnit: %v", err)
	}
	// The findings are all there: one SARIF result per finding, one JUnit
	// test case per message plus the unchecked input.
	reps, unchecked := sampleReports()
	nf, failed := 0, 0
	for _, r := range reps {
		nf += len(r.Findings)
		if !r.Valid {
			failed++
		}
	}
	var log struct {
		Runs []struct {
			Results     []json.RawMessage
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(sarif, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != nf ||
		log.Runs[0].Invocations[0].ExecutionSuccessful || len(log.Runs[0].Invocations[0].ToolExecutionNotifications) != len(unchecked) {
		t.Errorf("SARIF: %v, %+v; want %d results and %d notifications", err, log, nf, len(unchecked))
	}
	if got := bytes.Count(junit, []byte("<testcase ")); got != len(reps)+len(unchecked) {
		t.Errorf("JUnit: %d test cases, want %d", got, len(reps)+len(unchecked))
	}
	if got := bytes.Count(junit, []byte("<failure ")); got != failed {
		t.Errorf("JUnit: %d failures, want %d", got, failed)
	}

	broken := []struct {
		name, doc string
		check     func([]byte) error
	}{
		{"sarif without version", `{"runs":[]}`, checkSARIF},
		{"sarif wrong version", `{"version":"2.0.0","runs":[]}`, checkSARIF},
		{"sarif run without tool", `{"version":"2.1.0","runs":[{}]}`, checkSARIF},
		{"sarif result without message", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a"}]}]}`, checkSARIF},
		{"sarif unknown property", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"line":3}]}]}`, checkSARIF},
		{"sarif line 0", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`, checkSARIF},
		{"sarif bad level", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`, checkSARIF},
		{"junit wrong root", `<tests/>`, checkJUnit},
		{"junit testcase without name", `<testsuite name="s" tests="1"><testcase/></testsuite>`, checkJUnit},
		{"junit wrong count", `<testsuite name="s" tests="2"><testcase name="a"/></testsuite>`, checkJUnit},
		{"junit unknown attribute", `<testsuite name="s" tests="1"><testcase name="a" verdict="x"/></testsuite>`, checkJUnit},
		{"junit bad time", `<testsuite name="s" tests="1" time="1ms"><testcase name="a"/></testsuite>`, checkJUnit},
	}
	for _, b := range broken {
		if err := b.check([]byte(b.doc)); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
}
