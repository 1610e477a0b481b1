package engine

import (
	"context"
	"sync/atomic"
	"time"
)

// Message is one parsed message as rules see it. Formats build it in Parse;
// the engine fills Ctx and Deadline before running rules. Rules must treat a
// Message as read-only: the same Message is never shared between
// validations, but rules of one validation share it.
type Message struct {
	// Format is the format name: "mt" or "mx".
	Format string
	// Type is the full message type: "MT103", "MT103STP", "MT202COV",
	// "pacs.008.001.08". Empty when the type could not be determined.
	Type string
	// Base is the type without variant ("MT103" for "MT103STP", "MT202" for
	// "MT202COV"); equal to Type when there is no variant.
	Base string
	// Level names the validation level applied: see the Level constants.
	Level string
	// Profile is the usage profile the message itself declares (for MX, "cbpr+"
	// when the AppHdr BizSvc names a CBPR+ service); empty when none.
	Profile string
	// Body is the typed message (*mt.Message, *mx.Message ...).
	Body any
	// Raw is the input the message was parsed from.
	Raw []byte

	// Ctx is the context of the validation; rules that can take long check it.
	Ctx context.Context
	// Deadline is when the validation's latency budget runs out.
	Deadline time.Time

	// cache holds what rule packs derive once per validation (see
	// CacheSlot); the engine clears it before the rules run.
	cache [MaxCacheSlots]any
}

// MaxCacheSlots is the number of per-validation cache slots a Message has.
const MaxCacheSlots = 8

// CacheSlot names one per-validation cache entry of a Message. A rule pack
// that derives something from a message once for all its rules (the
// format-neutral payment view of user rules, an index) takes a slot at
// init with NewCacheSlot and keeps its value there with SetCached. The
// engine clears every slot before the rules of a validation run, so a value
// never outlives its validation even when formats recycle Messages.
type CacheSlot int

var cacheSlots atomic.Int32

// NewCacheSlot reserves a cache slot. It panics when all MaxCacheSlots are
// taken: slots are reserved by package initialisation, so that is a
// programming error.
func NewCacheSlot() CacheSlot {
	n := cacheSlots.Add(1) - 1
	if n >= MaxCacheSlots {
		panic("engine: more than MaxCacheSlots cache slots reserved")
	}
	return CacheSlot(n)
}

// Cached returns the value kept in slot s during this validation, or nil.
func (m *Message) Cached(s CacheSlot) any { return m.cache[s] }

// SetCached keeps v in slot s for the rest of this validation.
func (m *Message) SetCached(s CacheSlot, v any) { m.cache[s] = v }

// Validation levels reported in Report.Level and TypeInfo.Level.
const (
	// LevelFull: typed message, syntax and all network/usage rules.
	LevelFull = "full"
	// LevelSyntax: blocks and field syntax only (type without a typed model).
	LevelSyntax = "syntax"
	// LevelSchema: MX schema validation without business rules.
	LevelSchema = "schema"
	// LevelNone: input could not be parsed far enough to validate.
	LevelNone = "none"
)

// TypeInfo describes a message type a format knows and the validation level
// it gets.
type TypeInfo struct {
	Format string `json:"format"`
	Type   string `json:"type"`
	// Base is the type's base type, as its messages' Message.Base (MT103
	// for MT103STP, pacs.008 for pacs.008.001.08): what an AppliesTo
	// pattern of a base type matches (MatchType).
	Base        string `json:"-"`
	Level       string `json:"level"`
	Description string `json:"description,omitempty"`
}

// Segment is one message inside a multi-message input (an RJE batch file, a
// stream of XML documents), with the 1-based line and column of its first
// byte in the whole input.
type Segment struct {
	Data   []byte
	Line   int
	Column int
}

// Format parses one message format. Implementations are immutable after
// construction and safe for concurrent use.
type Format interface {
	// Name is the format name used in reports and ?format=: "mt", "mx".
	Name() string
	// Detect reports whether raw looks like this format (a cheap sniff of the
	// first bytes; it does not validate).
	Detect(raw []byte) bool
	// Parse parses one message. It appends every syntax problem to f (with
	// located findings) and returns the message, or nil when the input cannot
	// be parsed far enough for rules to run. It must not panic on any input.
	Parse(raw []byte, f *Findings) *Message
	// MessageTypes lists the message types the format knows, with their level.
	MessageTypes() []TypeInfo
}

// Releaser is implemented by formats that recycle parsed messages (through
// a sync.Pool, say) so that parsing allocates nothing in the steady state.
// The engine calls Release exactly once per message Parse returned, after
// the last rule ran. The format must not let findings or the Message's
// Type, Base, Level and Profile strings point into storage it recycles.
type Releaser interface {
	Release(m *Message)
}

// StartLocator is implemented by formats whose locations have a shape of
// their own for the start of an input: MX locations carry an XPath, so the
// MX format answers {Path: "/", Line: line}. The engine uses it for findings
// about the input as a whole in that format (a forced format that does not
// match the input); without it such a finding has Line and Column only (the
// MT shape).
type StartLocator interface {
	StartLocation(line, column int) Location
}

// Splitter is implemented by formats whose inputs may hold several messages
// (MT RJE batches with '$' between messages, for example).
type Splitter interface {
	// Split cuts raw into messages. A single message yields one segment.
	Split(raw []byte) []Segment
}
