package typed

import "sync"

// Messages are recycled: Recycle empties a Message (its arena of decoded
// elements and its leaf and frame lists keep their memory) and puts it in
// msgPool, where the next Decode or NewMessage takes it from. The engine
// recycles through the MX format's Release (engine.Releaser), once the last
// rule has run; a Message nobody recycles is simply garbage collected.

// msgPool holds recycled messages.
var msgPool sync.Pool

// Bounds on what a recycled Message keeps: the lists and slabs of a huge
// message are left to the garbage collector instead.
const (
	maxPooledLeaves = 1024 // leaf list entries (128 KiB)
	maxPooledSlab   = 256  // elements of one type in the arena, or in one array of repeated elements
	maxPooledArrays = 64   // arrays of repeated elements of one type kept for reuse
)

// newMessage returns an empty Message, recycled when one is pooled.
func newMessage() *Message {
	if m, _ := msgPool.Get().(*Message); m != nil {
		m.pooled = false
		return m
	}
	// No arena yet: a Message nobody recycles allocates its elements one
	// by one, as cheaply as before; Recycle gives it one for its next use.
	return &Message{}
}

// Recycle hands m back for reuse by a later Decode or NewMessage. Neither
// m nor anything reached through it (its Documents, the slice Leaves
// returned) may be used afterwards; strings taken from it (values alias
// the input) and the paths LeafPath returned stay valid. Call it at most
// once, and only when nobody else holds m; the MX format does so when the
// engine releases a message.
func (m *Message) Recycle() {
	if m == nil || m.pooled {
		return
	}
	a := m.arena
	if a == nil {
		a = new(arena)
	}
	a.reset()
	leaves, frames := m.leaves, m.frames
	if cap(leaves) > maxPooledLeaves {
		leaves = nil
	}
	if cap(frames) > maxPooledLeaves {
		frames = nil
	}
	clear(leaves)
	clear(frames)
	// The paths are not reused: strings from LeafPath point into them.
	*m = Message{arena: a, leaves: leaves[:0], frames: frames[:0], pooled: true}
	msgPool.Put(m)
}

// alloc returns a zero element from the slab s, growing it by a new chunk
// (earlier chunks stay with the elements already handed out).
func alloc[T any](s *[]T) *T {
	b := *s
	if len(b) == cap(b) {
		b = make([]T, 0, max(2*cap(b), 1))
	}
	b = b[:len(b)+1]
	*s = b
	return &b[len(b)-1]
}

// resetSlab zeroes the elements of s handed out (so they keep no input
// alive) and empties it; a slab above maxPooledSlab is dropped.
func resetSlab[T any](s *[]T) {
	b := *s
	if cap(b) > maxPooledSlab {
		*s = nil
		return
	}
	if len(b) > 0 {
		clear(b)
		*s = b[:0]
	}
}

// reps keeps the arrays behind the repeated elements of one type (the
// slices of a Message): those handed out since the last reset (live), and
// cleared ones waiting for the next message (free).
type reps[T any] struct {
	live, free [][]T
}

// add returns s with one more, zero, element. A slice without an array
// gets a free one when there is; an array that is full is replaced by one
// twice its size. Every array handed out is recorded, so reset can clear
// it.
func (r *reps[T]) add(s []T) []T {
	if len(s) < cap(s) {
		return s[:len(s)+1]
	}
	var b []T
	if cap(s) == 0 && len(r.free) > 0 {
		b = r.free[len(r.free)-1]
		r.free[len(r.free)-1] = nil
		r.free = r.free[:len(r.free)-1]
	} else {
		b = make([]T, 0, max(2*cap(s), 2))
	}
	b = append(b, s...)
	r.live = append(r.live, b)
	return b[:len(b)+1]
}

// reset zeroes every array handed out (so none keeps the input alive) and
// keeps the smaller ones for reuse.
func (r *reps[T]) reset() {
	for i, b := range r.live {
		b = b[:cap(b)]
		clear(b)
		if cap(b) <= maxPooledSlab && len(r.free) < maxPooledArrays {
			r.free = append(r.free, b[:0])
		}
		r.live[i] = nil
	}
	r.live = r.live[:0]
}
