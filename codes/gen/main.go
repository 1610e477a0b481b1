// Command gen writes the Go constants of every owning package from
// codes/codes.yaml (codes_gen.go). Run it with `go generate ./codes` (from
// the codes directory: -root defaults to the repository, ".."); gendocs
// then writes docs/codes.md.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/swiftval/swiftval/codes"
)

func main() {
	root := flag.String("root", "..", "repository root, relative to the working directory")
	flag.Parse()
	data, err := os.ReadFile(filepath.Join(*root, "codes", "codes.yaml"))
	if err != nil {
		log.Fatal(err)
	}
	c, err := codes.Parse(data)
	if err != nil {
		log.Fatal(err)
	}
	files, err := c.GoFiles()
	if err != nil {
		log.Fatal(err)
	}
	for path, b := range files {
		if err := os.WriteFile(filepath.Join(*root, filepath.FromSlash(path)), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("wrote %d files from %d codes", len(files), len(c.Codes))
}
