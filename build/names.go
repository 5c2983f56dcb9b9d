package build

import (
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// hashLen is how many hex digits of the MD5 a name carries: Django's 12.
const hashLen = 12

// splitExt splits name like Python's os.path.splitext, which Django uses
// to place the hash: the extension is the last dot of the base name and
// leading dots do not start one (".htaccess" has none).
func splitExt(name string) (root, ext string) {
	dot := strings.LastIndexByte(name, '.')
	slash := strings.LastIndexByte(name, '/')
	if dot <= slash+1 {
		return name, ""
	}
	// All dots before the last one are leading dots: no extension.
	if strings.Trim(name[slash+1:dot], ".") == "" {
		return name, ""
	}
	return name[:dot], name[dot:]
}

// hashedName inserts the hash before the last extension, as Django does:
// "css/app.css" → "css/app.<hash>.css", "js/app.js.map" → "js/app.js.<hash>.map".
func hashedName(name, hash string) string {
	root, ext := splitExt(name)
	return root + "." + hash + ext
}

// globs is an ordered pattern list with gitignore's rules: the last
// matching pattern wins, "!" negates, and a pattern without a slash matches
// the base name at any depth.
type globs []string

func (g globs) match(name string) bool {
	matched := false
	for _, p := range g {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		subject := name
		if !strings.Contains(p, "/") {
			subject = path.Base(name)
		}
		// Patterns were validated when the configuration was loaded.
		if ok, _ := doublestar.Match(p, subject); ok {
			matched = !neg
		}
	}
	return matched
}
