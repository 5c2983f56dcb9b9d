package manifest

import "testing"

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"index.html":                     "text/html; charset=utf-8",
		"old.HTM":                        "text/html; charset=utf-8",
		"css/site.3f2a9c1b7d0e.css":      "text/css; charset=utf-8",
		"app.js":                         "text/javascript; charset=utf-8",
		"module.mjs":                     "text/javascript; charset=utf-8",
		"APP.JS":                         "text/javascript; charset=utf-8",
		"data.json":                      "application/json; charset=utf-8",
		"app.js.map":                     "application/json; charset=utf-8",
		"bootstrap.css.0a1b2c3d4e5f.map": "application/json; charset=utf-8",
		"site.webmanifest":               "application/manifest+json; charset=utf-8",
		"ld.jsonld":                      "application/ld+json; charset=utf-8",
		"logo.svg":                       "image/svg+xml; charset=utf-8",
		"robots.txt":                     "text/plain; charset=utf-8",
		"sitemap.xml":                    "application/xml; charset=utf-8",
		"feed.rss":                       "application/rss+xml; charset=utf-8",
		"feed.atom":                      "application/atom+xml; charset=utf-8",
		"README.md":                      "text/markdown; charset=utf-8",
		"table.csv":                      "text/csv; charset=utf-8",
		"event.ics":                      "text/calendar; charset=utf-8",
		"a.png":                          "image/png",
		"a.apng":                         "image/apng",
		"a.jpg":                          "image/jpeg",
		"a.JPEG":                         "image/jpeg",
		"a.gif":                          "image/gif",
		"a.webp":                         "image/webp",
		"a.avif":                         "image/avif",
		"a.jxl":                          "image/jxl",
		"favicon.ico":                    "image/x-icon",
		"a.bmp":                          "image/bmp",
		"a.tif":                          "image/tiff",
		"a.tiff":                         "image/tiff",
		"f.woff":                         "font/woff",
		"f.woff2":                        "font/woff2",
		"f.ttf":                          "font/ttf",
		"f.otf":                          "font/otf",
		"f.eot":                          "application/vnd.ms-fontobject",
		"m.wasm":                         "application/wasm",
		"d.pdf":                          "application/pdf",
		"d.zip":                          "application/zip",
		"d.tar.gz":                       "application/gzip",
		"v.mp4":                          "video/mp4",
		"v.webm":                         "video/webm",
		"v.ogv":                          "video/ogg",
		"v.mov":                          "video/quicktime",
		"s.ogg":                          "audio/ogg",
		"s.oga":                          "audio/ogg",
		"s.mp3":                          "audio/mpeg",
		"s.wav":                          "audio/wav",
		"s.m4a":                          "audio/mp4",
		"s.flac":                         "audio/flac",
		"site.css.br":                    "application/octet-stream", // precompressed variants are typed by their caller
		"unknown.xyz":                    "application/octet-stream",
		"Makefile":                       "application/octet-stream",
		"":                               "application/octet-stream",
		"trailing.":                      "application/octet-stream",
		".htaccess":                      "application/octet-stream",
		"dir.css/file":                   "application/octet-stream", // the dot is in a directory name
		`dir.css\file`:                   "application/octet-stream",
	}
	for name, want := range tests {
		if got := ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}
