package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Invalidation is what to invalidate in CloudFront after the uploads.
type Invalidation struct {
	// Paths are CloudFront paths: a leading "/", percent-encoded, "*"
	// only last. Empty means no invalidation at all.
	Paths []string `json:"invalidate"`
	// CallerReference identifies the invalidation: the same release and
	// paths give the same one, so a retried publish never invalidates
	// twice (CloudFront returns the existing invalidation).
	CallerReference string `json:"caller_reference,omitempty"`
}

// maxWildcards is how many wildcard paths CloudFront lets a distribution
// have in progress.
const maxWildcards = 15

// invalidation lists the CloudFront paths for the changed or deleted
// unversioned files (paths below the prefix). A directory index is also
// cached as its directory, so dir/index.html adds /dir/ (and the root one
// adds /). Above threshold paths, they collapse into wildcards.
func invalidation(release, prefix string, changed []string, threshold int) Invalidation {
	set := map[string]bool{}
	for _, p := range changed {
		full := prefix + p
		set["/"+full] = true
		if path.Base(full) == "index.html" {
			set["/"+strings.TrimSuffix(full, "index.html")] = true
		}
	}
	if len(set) == 0 {
		return Invalidation{}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) > threshold {
		paths = collapse(paths, threshold)
	}
	for i, p := range paths {
		paths[i] = encodePath(p)
	}
	sum := sha256.Sum256([]byte(strings.Join(paths, "\n")))
	return Invalidation{Paths: paths, CallerReference: fmt.Sprintf("assetpipe %s %s", release, hex.EncodeToString(sum[:12]))}
}

// collapse replaces paths by directory wildcards ("/dir/*") until at most
// threshold remain. It takes the deepest directory holding two or more of
// them first (the one holding most on a tie), so that each wildcard
// invalidates as little as it can, and uses at most CloudFront's 15
// wildcards: past that, one wildcard for the directory common to all.
func collapse(paths []string, threshold int) []string {
	cur := append([]string(nil), paths...)
	for len(cur) > threshold {
		wild := 0
		for _, p := range cur {
			if strings.HasSuffix(p, "*") {
				wild++
			}
		}
		// Count the paths under each directory of each path.
		under := map[string]int{}
		for _, p := range cur {
			for d := dirOf(p); d != ""; d = dirOf(d) {
				under[d]++
			}
		}
		best, bestN, bestDepth := "", 0, -1
		for d, n := range under {
			if n < 2 {
				continue
			}
			depth := strings.Count(d, "/")
			if depth > bestDepth || depth == bestDepth && (n > bestN || n == bestN && d < best) {
				best, bestN, bestDepth = d, n, depth
			}
		}
		if best == "" || wild >= maxWildcards {
			return []string{commonDir(cur) + "*"}
		}
		next := []string{best + "*"}
		for _, p := range cur {
			if !strings.HasPrefix(p, best) {
				next = append(next, p)
			}
		}
		sort.Strings(next)
		cur = next
	}
	return cur
}

// dirOf is the directory ("/a/b/") a path ("/a/b/c" or "/a/b/c/" or
// "/a/b/*") is in, "" above the root.
func dirOf(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/")
	if p == "" {
		return ""
	}
	return p[:strings.LastIndex(p, "/")+1]
}

// commonDir is the deepest directory holding every path.
func commonDir(paths []string) string {
	c := dirOf(paths[0] + "x")
	for _, p := range paths[1:] {
		for !strings.HasPrefix(p, c) {
			c = dirOf(c)
		}
	}
	return c
}

// encodePath percent-encodes what CloudFront wants encoded in a path: the
// bytes of non-ASCII characters and RFC 1738's unsafe ones, and "?",
// which a browser must encode in a file's name. Anything else must stay
// as it is, or the cached object is not invalidated; a "*" is a wildcard
// only when last, and only the callers put one there.
func encodePath(p string) string {
	const unsafe = " \"#%<>?[\\]^`{|}~"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x21 || c >= 0x7f || strings.IndexByte(unsafe, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
