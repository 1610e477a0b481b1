//go:build race

package deploy

const raceBuild = true
