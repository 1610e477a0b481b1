// Package xsd reads W3C XML Schema files of the kind the ISO 20022
// Standards Editor generates into a Schema model, compiles a model into an
// immutable Validator, and validates documents against it in one streaming
// pass.
//
// The subset read is the one ISO 20022 message schemas use (checked against
// the 132 schemas shipped in github.com/moov-io/iso20022 and the base ISO
// schemas of CBPR+): global elements, named complex types with xs:sequence /
// xs:choice content (nested, with minOccurs/maxOccurs), xs:any wildcards,
// simple content extended with attributes, and named simple types
// restricting a built-in or another named simple type with the facets
// pattern, enumeration, length, minLength, maxLength, totalDigits,
// fractionDigits, min/maxInclusive, min/maxExclusive and whiteSpace. Any
// other construct (xs:import, xs:group, anonymous types, …) is refused with
// an error naming the file and line, so a schema is never half-understood.
//
// The model is plain data: it can be serialised (JSON field names are short
// and stable) and is what generators of typed structs walk.
package xsd

// XSDNamespace is the namespace of XML Schema's built-in types.
const XSDNamespace = "http://www.w3.org/2001/XMLSchema"

// Unbounded is the MaxOccurs of maxOccurs="unbounded".
const Unbounded = -1

// Schema is one schema file.
type Schema struct {
	// File names the file the schema was read from (for error messages).
	File string `json:"file,omitempty"`
	// TargetNamespace is the schema's target namespace
	// ("urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08").
	TargetNamespace string `json:"ns"`
	// Elements are the global element declarations ("Document", "AppHdr").
	Elements []*Element `json:"el"`
	// ComplexTypes are the named complex types, in file order.
	ComplexTypes []*ComplexType `json:"ct"`
	// SimpleTypes are the named simple types, in file order.
	SimpleTypes []*SimpleType `json:"st"`
}

// QName is a qualified name: a type of the target namespace has Space equal
// to Schema.TargetNamespace; a built-in type has Space XSDNamespace.
type QName struct {
	Space string `json:"s,omitempty"`
	Local string `json:"l"`
}

// IsBuiltin reports whether q names an XML Schema built-in type.
func (q QName) IsBuiltin() bool { return q.Space == XSDNamespace }

// String returns "{space}local".
func (q QName) String() string {
	if q.Space == "" {
		return q.Local
	}
	return "{" + q.Space + "}" + q.Local
}

// Element is an element declaration, global or local.
type Element struct {
	Name string `json:"n"`
	// Type is the element's type (named: ISO schemas use no anonymous types).
	Type QName `json:"t"`
	// MinOccurs and MaxOccurs (Unbounded for "unbounded"); 1 and 1 for
	// global elements.
	MinOccurs int `json:"mi"`
	MaxOccurs int `json:"ma"`
	// Fixed is the value the element must have when HasFixed (fixed="…").
	Fixed    string `json:"fx,omitempty"`
	HasFixed bool   `json:"hfx,omitempty"`
	// Default is the value an empty element takes when HasDefault.
	Default    string `json:"df,omitempty"`
	HasDefault bool   `json:"hdf,omitempty"`
	// Line is the line of the declaration in the schema file.
	Line int `json:"ln,omitempty"`
}

// ComplexType is a named complex type: either element content (Content,
// possibly nil for an empty type) or simple content (SimpleContent).
type ComplexType struct {
	Name string `json:"n"`
	// Content is the top model group (sequence or choice); nil when the type
	// has simple content or no content.
	Content *Group `json:"c,omitempty"`
	// SimpleContent is set for a type with text content and attributes
	// (amounts with a currency attribute).
	SimpleContent *SimpleContent `json:"sc,omitempty"`
	// Attributes declared directly on a type with element content.
	Attributes []*Attribute `json:"a,omitempty"`
	// Mixed allows text between child elements.
	Mixed bool `json:"mx,omitempty"`
	Line  int  `json:"ln,omitempty"`
}

// GroupKind is the kind of a model group.
type GroupKind uint8

// Model group kinds.
const (
	// Sequence: the particles in order.
	Sequence GroupKind = iota + 1
	// Choice: exactly one of the particles.
	Choice
)

// String returns "sequence" or "choice".
func (k GroupKind) String() string {
	if k == Choice {
		return "choice"
	}
	return "sequence"
}

// Group is an xs:sequence or xs:choice.
type Group struct {
	Kind      GroupKind  `json:"k"`
	MinOccurs int        `json:"mi"`
	MaxOccurs int        `json:"ma"`
	Particles []Particle `json:"p"`
	Line      int        `json:"ln,omitempty"`
}

// Particle is one member of a model group: exactly one field is set.
type Particle struct {
	Element *Element `json:"e,omitempty"`
	Group   *Group   `json:"g,omitempty"`
	Any     *Any     `json:"w,omitempty"`
}

// Any is an xs:any wildcard.
type Any struct {
	// Namespace is the namespace constraint as written ("##any",
	// "##other", a list of URIs).
	Namespace string `json:"ns"`
	// ProcessContents is "strict", "lax" or "skip".
	ProcessContents string `json:"pc"`
	MinOccurs       int    `json:"mi"`
	MaxOccurs       int    `json:"ma"`
	Line            int    `json:"ln,omitempty"`
}

// SimpleContent is xs:simpleContent/xs:extension: text of the Base type
// plus attributes.
type SimpleContent struct {
	Base       QName        `json:"b"`
	Attributes []*Attribute `json:"a,omitempty"`
	Line       int          `json:"ln,omitempty"`
}

// Attribute is an attribute declaration.
type Attribute struct {
	Name     string `json:"n"`
	Type     QName  `json:"t"`
	Required bool   `json:"r,omitempty"`
	Line     int    `json:"ln,omitempty"`
}

// SimpleType is a named simple type restricting Base with Facets.
type SimpleType struct {
	Name   string `json:"n"`
	Base   QName  `json:"b"`
	Facets Facets `json:"f"`
	Line   int    `json:"ln,omitempty"`
}

// NoLimit marks an unset integer facet.
const NoLimit = -1

// Facets are the constraining facets of one restriction step. Integer facets
// are NoLimit when unset; bound facets are empty when unset.
type Facets struct {
	// Patterns of this step (any one must match; XSD patterns are anchored).
	Patterns []string `json:"pa,omitempty"`
	// Enumeration lists the allowed values; empty for no constraint.
	Enumeration    []string `json:"en,omitempty"`
	Length         int      `json:"le"`
	MinLength      int      `json:"mil"`
	MaxLength      int      `json:"mal"`
	TotalDigits    int      `json:"td"`
	FractionDigits int      `json:"fd"`
	MinInclusive   string   `json:"mii,omitempty"`
	MaxInclusive   string   `json:"mai,omitempty"`
	MinExclusive   string   `json:"mie,omitempty"`
	MaxExclusive   string   `json:"mae,omitempty"`
	// WhiteSpace is "preserve", "replace", "collapse", or empty (the base's).
	WhiteSpace string `json:"ws,omitempty"`
}

// NewFacets returns facets with every integer facet unset.
func NewFacets() Facets {
	return Facets{Length: NoLimit, MinLength: NoLimit, MaxLength: NoLimit, TotalDigits: NoLimit, FractionDigits: NoLimit}
}

// ComplexType returns the named complex type, or nil.
func (s *Schema) ComplexType(name string) *ComplexType {
	for _, t := range s.ComplexTypes {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// SimpleType returns the named simple type, or nil.
func (s *Schema) SimpleType(name string) *SimpleType {
	for _, t := range s.SimpleTypes {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Element returns the global element of that name, or nil.
func (s *Schema) Element(name string) *Element {
	for _, e := range s.Elements {
		if e.Name == name {
			return e
		}
	}
	return nil
}
