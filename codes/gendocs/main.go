// Command gendocs writes docs/codes.md from codes/codes.yaml and the rule
// IDs of the built-in rule sets. `go generate ./codes` runs it after gen.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/swiftval/swiftval/codes"
	"github.com/swiftval/swiftval/codes/rulecodes"
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
	files := map[string][]byte{"docs/codes.md": c.Markdown(rulecodes.Index())}
	for path, b := range files {
		if err := os.WriteFile(filepath.Join(*root, filepath.FromSlash(path)), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("wrote %d files from %d codes", len(files), len(c.Codes))
}
