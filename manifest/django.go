package manifest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"unicode/utf8"
)

// DjangoFileName is the manifest ManifestStaticFilesStorage reads from the
// root of STATIC_ROOT.
const DjangoFileName = "staticfiles.json"

// Django manifest versions. Django 3.2 loads only "1.0"; 4.2 and later load
// both and read "hash" from either, so "1.0" with a hash suits all of them.
const (
	DjangoVersion10 = "1.0"
	DjangoVersion11 = "1.1"
)

// Django encodes staticfiles.json for paths (logical name → hashed name,
// both relative to STATIC_ROOT) the way Django's save_manifest does:
// json.dumps({"paths": paths, "version": version, "hash": hash}) with
// Python's default formatting, one line, no trailing newline. Paths are in
// sorted order (Django's own follow the order it processed files in; its
// loader does not care). version is "1.0" or "1.1"; "" means "1.0".
func Django(paths map[string]string, version string) ([]byte, error) {
	switch version {
	case "":
		version = DjangoVersion10
	case DjangoVersion10, DjangoVersion11:
	default:
		return nil, fmt.Errorf("django manifest: unsupported version %q (want %q or %q)", version, DjangoVersion10, DjangoVersion11)
	}
	items := sortedItems(paths)
	for _, it := range items {
		for _, s := range it {
			// Python str cannot hold such bytes: no Django hash would match.
			if !utf8.ValidString(s) {
				return nil, fmt.Errorf("django manifest: path %q is not valid UTF-8", s)
			}
		}
	}
	buf := make([]byte, 0, 64*len(items)+64)
	buf = append(buf, `{"paths": `...)
	buf = appendPyDict(buf, items)
	buf = append(buf, `, "version": `...)
	buf = appendPyString(buf, version)
	buf = append(buf, `, "hash": `...)
	buf = appendPyString(buf, djangoHashItems(items))
	return append(buf, '}'), nil
}

// DjangoHash is the "hash" of staticfiles.json as Django 4.2+ computes it:
// md5(json.dumps(sorted(paths.items())).encode()).hexdigest()[:12]. paths
// must be valid UTF-8 (Django checks it; here invalid bytes hash as U+FFFD).
func DjangoHash(paths map[string]string) string {
	return djangoHashItems(sortedItems(paths))
}

func djangoHashItems(items [][2]string) string {
	sum := md5.Sum(pyDumpsItems(items))
	return hex.EncodeToString(sum[:])[:12]
}
