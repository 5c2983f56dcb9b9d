package build

import "testing"

func TestHashedNameFollowsDjango(t *testing.T) {
	const h = "0123456789ab"
	tests := map[string]string{
		"jquery.min.js":         "jquery.min." + h + ".js",
		"css/app.css":           "css/app." + h + ".css",
		"js/app.js.map":         "js/app.js." + h + ".map",
		"LICENSE":               "LICENSE." + h,
		".htaccess":             ".htaccess." + h,
		"dir.d/file":            "dir.d/file." + h,
		"..weird":               "..weird." + h,
		"a/..b.css":             "a/..b." + h + ".css",
		"font/fa.woff2":         "font/fa." + h + ".woff2",
		"img/x.":                "img/x." + h + ".",
		"deep/a/b/c.tar.gz":     "deep/a/b/c.tar." + h + ".gz",
		"ünïcode/日本.svg":        "ünïcode/日本." + h + ".svg",
		"path.with.dots/readme": "path.with.dots/readme." + h,
	}
	for in, want := range tests {
		if got := hashedName(in, h); got != want {
			t.Errorf("hashedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGlobs(t *testing.T) {
	g := globs{"**/.*", "**/node_modules", "!.well-known", "!.well-known/**", "*.psd", "/abs"}
	tests := map[string]bool{
		".env":                     true,
		"a/.env.local":             true,
		".git":                     true,
		"css/.DS_Store":            true,
		"node_modules":             true,
		"x/node_modules":           true,
		".well-known":              false,
		".well-known/security.txt": false,
		"css/site.css":             false,
		"art/deep/cover.psd":       true,
		"cover.psd":                true,
		"psd/readme.txt":           false,
		// "!.well-known" has no slash, so it re-includes the name at any depth.
		"a/.well-known": false,
	}
	for name, want := range tests {
		if got := g.match(name); got != want {
			t.Errorf("match(%q) = %v, want %v", name, got, want)
		}
	}
}
