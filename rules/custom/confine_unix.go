//go:build unix

package custom

import "syscall"

// openNonblock opens FIFOs and devices without waiting for a writer; for a
// regular file it changes nothing.
const openNonblock = syscall.O_NONBLOCK
