package custom

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Files named by a rule set (tests: - file:) and the rule-set files of a
// directory are read confined: only regular files, only inside the
// directory (no absolute paths, no "..", no symbolic link leading out;
// os.Root enforces the last), never more than a limit, and opened without
// blocking (a FIFO or a device is refused, not waited on). A rule set is
// uploaded through the admin API, so what it names must not reach the rest
// of the machine: /dev/zero would exhaust memory, a FIFO would hang
// reloads, and any readable file could be echoed back in a report.

// errNoDir is the reason a test file is refused when the set was loaded
// without a directory (a Put to a Manager without Dir).
var errNoDir = errors.New("test files need a rule-set directory; this set was loaded without one, so use message: or view:")

// readConfined reads the file at the slash- or OS-separated path name
// inside dir. It fails when name is absolute or leaves dir, when the file
// (after following links that stay inside dir) is not a regular file, or
// when it is above limit bytes. Errors never carry dir.
func readConfined(dir, name string, limit int64) ([]byte, error) {
	if dir == "" {
		return nil, errNoDir
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return nil, fmt.Errorf("%q is not a path inside the rule-set directory (absolute paths and .. are refused)", name)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, errors.New("the rule-set directory cannot be opened")
	}
	defer root.Close()
	f, err := root.OpenFile(filepath.FromSlash(name), os.O_RDONLY|openNonblock, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%q does not exist in the rule-set directory", name)
		}
		return nil, fmt.Errorf("%q cannot be opened inside the rule-set directory (unreadable, or a link leading out of it)", name)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file", name)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%q is %d bytes, above the limit of %d", name, st.Size(), limit)
	}
	// The size may change between Stat and the read: read at most limit+1.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%q could not be read", name)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%q is above the limit of %d bytes", name, limit)
	}
	return b, nil
}
