package external

import (
	"sync"
	"time"
)

// cache keeps a check's answers for a time (directory look-ups and other
// answers that do not change from one message to the next), keyed by the
// request body. It is bounded: when full, expired entries go first, then
// arbitrary ones (Go's map order), which keeps it simple and O(1) per put
// on average without the bookkeeping of an LRU list. Safe for concurrent
// use; the answers are decoded JSON, never modified after decoding.
type cache struct {
	ttl  time.Duration
	size int
	mu   sync.Mutex
	m    map[string]cacheEntry
}

type cacheEntry struct {
	v   any
	exp time.Time
}

func newCache(ttl time.Duration, size int) *cache {
	return &cache{ttl: ttl, size: size, m: map[string]cacheEntry{}}
}

func (c *cache) get(k string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		return nil, false
	}
	if time.Now().After(e.exp) {
		delete(c.m, k)
		return nil, false
	}
	return e.v, true
}

func (c *cache) put(k string, v any) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.size {
		c.evict(now)
	}
	c.m[k] = cacheEntry{v: v, exp: now.Add(c.ttl)}
}

// evict drops the expired entries, or a tenth of the entries when none
// has expired. c.mu is held.
func (c *cache) evict(now time.Time) {
	for k, e := range c.m {
		if now.After(e.exp) {
			delete(c.m, k)
		}
	}
	drop := len(c.m) - c.size + max(c.size/10, 1)
	for k := range c.m {
		if drop <= 0 {
			break
		}
		delete(c.m, k)
		drop--
	}
}
