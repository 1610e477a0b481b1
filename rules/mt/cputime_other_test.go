//go:build !unix

package mt

func processCPU() int64 { return 0 }
