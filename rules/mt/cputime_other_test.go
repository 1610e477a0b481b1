//go:build !unix

package mtrules

func processCPU() int64 { return 0 }
