//go:build !linux

package loadtest

import "time"

// pacerThread does nothing outside Linux.
func pacerThread() func() { return func() {} }

// preciseSleep is time.Sleep outside Linux.
func preciseSleep(d time.Duration) { time.Sleep(d) }
