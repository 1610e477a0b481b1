package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user schema of the shape the ISO 20022 Standards Editor generates, in a
// namespace no shipped schema has.
const userXSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:iso:std:iso:20022:tech:xsd:test.001.001.01"
  targetNamespace="urn:iso:std:iso:20022:tech:xsd:test.001.001.01" elementFormDefault="qualified">
  <xs:element name="Document" type="Document"/>
  <xs:complexType name="Document">
    <xs:sequence>
      <xs:element name="Ref" type="Max16Text"/>
    </xs:sequence>
  </xs:complexType>
  <xs:simpleType name="Max16Text">
    <xs:restriction base="xs:string">
      <xs:minLength value="1"/>
      <xs:maxLength value="16"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
`

func TestValidateWithUserSchemas(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test.001.001.01.xsd"), []byte(userXSD), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := func(ref string) string {
		return `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:test.001.001.01"><Ref>` + ref + `</Ref></Document>`
	}
	code, out, errOut := runCLI(t, msg("ABC"), "validate", "--schemas", dir, "-")
	if code != exitOK || !strings.Contains(out, "test.001.001.01") {
		t.Fatalf("valid message: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, msg("THIS-REFERENCE-IS-TOO-LONG"), "validate", "--output", "json", "--schemas", dir, "-")
	if code != exitInvalid || !strings.Contains(out, `"path":"/Document/Ref"`) {
		t.Fatalf("too long Ref: exit %d\n%s", code, out)
	}
	// Without the schema the namespace is unknown: invalid, not an error.
	if code, _, _ = runCLI(t, msg("ABC"), "validate", "-"); code != exitInvalid {
		t.Fatalf("unknown namespace without --schemas: exit %d", code)
	}
}

func TestValidateRefusesBrokenSchema(t *testing.T) {
	dir := t.TempDir()
	broken := strings.Replace(userXSD, `<xs:element name="Ref" type="Max16Text"/>`, `<xs:element name="Ref" type="NoSuchType"/>`, 1)
	if err := os.WriteFile(filepath.Join(dir, "broken.xsd"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "", "validate", "--schemas", dir, "-")
	if code != exitUsage || !strings.Contains(errOut, "broken.xsd") || !strings.Contains(errOut, "NoSuchType") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming the file and the type", code, errOut)
	}
}
