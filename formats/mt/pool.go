package mt

import (
	"sync"

	"github.com/swiftval/swiftval/engine"
)

// Recycling of parsed messages.
//
// Format.Parse takes a *Message from msgPool, parses into it with ParseInto
// (which reuses its field, component and sequence storage) and returns the
// engine.Message embedded in it. The engine calls Format.Release once the
// last rule has run; the Message is then wiped and put back.
//
// What may outlive Release: the Report the engine builds keeps copies of
// the findings and of the engine.Message's Type and Level. Finding messages
// are built by concatenation (new strings); their Location.Field and the
// Type, Base and Level strings are either static strings or substrings of
// the caller's input, never of pooled storage. The pooled storage holds
// only string headers pointing into the input; Release clears them so a
// pooled Message does not keep the caller's input alive.

// Pooled messages whose storage grew past these sizes are dropped rather
// than kept: a hostile or huge input must not pin its memory in the pool.
const (
	poolMaxFields = 1024
	poolMaxComps  = 4096
)

var msgPool = sync.Pool{New: func() any { return new(Message) }}

func getMessage() *Message { return msgPool.Get().(*Message) }

// putMessage wipes m and returns it to the pool.
func putMessage(m *Message) {
	if cap(m.Fields) > poolMaxFields || cap(m.compBuf) > poolMaxComps || cap(m.seqStore) > poolMaxFields {
		return
	}
	clear(m.Fields)
	clear(m.compBuf)
	clear(m.seqStore[:cap(m.seqStore)])
	m.reset()
	m.fresh = true
	msgPool.Put(m)
}

// Release implements engine.Releaser: it recycles the Message behind em,
// which must have come from Format.Parse and must no longer be in use (the
// engine calls it after the last rule ran). Messages not made by
// Format.Parse are ignored. Release must be called once per message.
func (*Format) Release(em *engine.Message) {
	if em == nil {
		return
	}
	m, _ := em.Body.(*Message)
	if m == nil || em != &m.em {
		return
	}
	putMessage(m)
}
