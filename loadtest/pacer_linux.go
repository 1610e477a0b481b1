package loadtest

import (
	"runtime"
	"syscall"
	"time"
)

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK.
const prSetTimerSlack = 29

// pacerThread pins the pacer to its own OS thread and sets that thread's
// timer slack to 1 µs. Go's timers wake up to about 1 ms late for short
// sleeps on Linux (the netpoller waits in whole milliseconds), and the
// kernel's default slack adds 50 µs; both would be charged to the server as
// latency. The returned function undoes the pinning.
func pacerThread() func() {
	runtime.LockOSThread()
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1000, 0)
	return func() {
		// The thread's slack stays changed, so do not hand it back to the
		// scheduler: a locked goroutine that exits takes its thread with it.
	}
}

// preciseSleep sleeps d with nanosleep(2) on the pinned thread: about
// 20-40 µs late on an idle machine, instead of about 1 ms with time.Sleep.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var rem syscall.Timespec
		if err := syscall.Nanosleep(&ts, &rem); err != syscall.EINTR {
			return
		}
		ts = rem
	}
}
