//go:build !unix

package custom

// openNonblock: no such flag off Unix; the regular-file check still refuses
// what is not a file once opened.
const openNonblock = 0
