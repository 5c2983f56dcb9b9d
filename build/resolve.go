package build

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// target is what a reference resolved to.
type target struct {
	// name is the logical (source-relative) name of the file referred to.
	name string
	// pathStart and pathEnd delimit, within the reference's raw text, the
	// path part: what follows is a ?query or #fragment that is kept.
	pathStart, pathEnd int
	// dir is set when the reference names a directory (its index page):
	// such a reference is checked but never renamed.
	dir bool
}

// outcome of resolving one reference.
type outcome int

const (
	resolved outcome = iota
	skipped          // not a reference to one of our files
	broken           // looks like ours but no such file
)

// resolve turns a reference from the file named from into a logical name.
// exists says whether a logical name is one of the build's files. The
// returned message explains a broken reference.
func resolve(from string, raw string, decoded string, prefix string, exists func(string) bool) (target, outcome, string) {
	// HTML allows surrounding white space in URL attributes.
	trimmed := strings.TrimLeft(raw, " \t\n\r\f")
	lead := len(raw) - len(trimmed)
	trimmed = strings.TrimRight(trimmed, " \t\n\r\f")
	u := strings.TrimSpace(decoded)

	if skip(u, prefix) {
		return target{}, skipped, ""
	}
	// Keep ?query and #fragment, including the "?#iefix" font hack.
	end := len(trimmed)
	if i := strings.IndexAny(trimmed, "?#"); i >= 0 {
		end = i
	}
	p := u
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		p = u[:i]
	}
	p, err := url.PathUnescape(p)
	if err != nil {
		return target{}, broken, fmt.Sprintf("invalid percent-encoding in %q", u)
	}
	var name string
	switch {
	case prefix != "" && (strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "://")) && strings.HasPrefix(p, prefix):
		name = path.Clean(p[len(prefix):])
	case strings.HasPrefix(p, "/"):
		// An absolute path outside the URL prefix is served by someone else.
		return target{}, skipped, ""
	default:
		name = path.Join(path.Dir(from), p)
	}
	if name == ".." || strings.HasPrefix(name, "../") || strings.HasPrefix(name, "/") {
		return target{}, broken, fmt.Sprintf("%q points outside the source tree", u)
	}
	if name == "." {
		name = ""
	}
	t := target{name: name, pathStart: lead, pathEnd: lead + end}
	if strings.HasSuffix(p, "/") || name == "" {
		t.dir = true
		if exists(path.Join(name, "index.html")) {
			t.name = path.Join(name, "index.html")
			return t, resolved, ""
		}
		return target{}, broken, fmt.Sprintf("%q: no such directory index %s", u, path.Join(name, "index.html"))
	}
	if exists(name) {
		return t, resolved, ""
	}
	if exists(path.Join(name, "index.html")) {
		t.dir = true
		t.name = path.Join(name, "index.html")
		return t, resolved, ""
	}
	return target{}, broken, fmt.Sprintf("%q: no such file %s", u, name)
}

// skip reports references that are not to files of the build: other
// schemes and hosts, fragments of the same document, and template
// placeholders that a server fills in later.
func skip(u, prefix string) bool {
	switch {
	case u == "", strings.HasPrefix(u, "#"):
		return true
	case strings.Contains(prefix, "://") && strings.HasPrefix(u, prefix):
		return false
	case strings.HasPrefix(u, "//"), hasScheme(u):
		return true
	case strings.Contains(u, "{{"), strings.Contains(u, "{%"), strings.Contains(u, "${"), strings.Contains(u, "<%"):
		return true
	}
	return false
}

// hasScheme reports a URL scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
func hasScheme(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == ':':
			return i > 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// renamed returns the raw reference text with the path's last segment
// replaced by the hashed output name. Only that segment changes, as in
// Django, so relative stays relative and the query and fragment stay.
func renamed(raw string, t target, outName string) string {
	pathPart := raw[t.pathStart:t.pathEnd]
	seg := pathPart[strings.LastIndexByte(pathPart, '/')+1:]
	want := path.Base(outName)
	// Insert the hash into the segment as written, so that its
	// percent-encoding is kept; fall back to escaping the new name.
	newSeg := hashedName(seg, hashOf(outName))
	if dec, err := url.PathUnescape(newSeg); err != nil || dec != want {
		newSeg = url.PathEscape(want)
	}
	return raw[:t.pathStart] + pathPart[:len(pathPart)-len(seg)] + newSeg + raw[t.pathEnd:]
}

// hashOf extracts the hash that hashedName put into an output name.
func hashOf(outName string) string {
	root, _ := splitExt(outName)
	return root[len(root)-hashLen:]
}
