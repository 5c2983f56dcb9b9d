package manifest

import "strings"

// The project ships its own table rather than using mime.TypeByExtension,
// which reads the host's mime files: the same build would then label the
// same file differently on different machines.

const utf8Charset = "; charset=utf-8"

// contentTypes maps a lower-case extension to its Content-Type. Read only.
var contentTypes = map[string]string{
	// Text: assets are written as UTF-8, so say so rather than let the
	// browser guess.
	".html":        "text/html" + utf8Charset,
	".htm":         "text/html" + utf8Charset,
	".css":         "text/css" + utf8Charset,
	".js":          "text/javascript" + utf8Charset, // the HTML standard's type for JS
	".mjs":         "text/javascript" + utf8Charset,
	".cjs":         "text/javascript" + utf8Charset,
	".json":        "application/json" + utf8Charset,
	".map":         "application/json" + utf8Charset, // source maps
	".webmanifest": "application/manifest+json" + utf8Charset,
	".jsonld":      "application/ld+json" + utf8Charset,
	".svg":         "image/svg+xml" + utf8Charset,
	".txt":         "text/plain" + utf8Charset,
	".xml":         "application/xml" + utf8Charset,
	".rss":         "application/rss+xml" + utf8Charset,
	".atom":        "application/atom+xml" + utf8Charset,
	".md":          "text/markdown" + utf8Charset,
	".csv":         "text/csv" + utf8Charset,
	".ics":         "text/calendar" + utf8Charset,
	".vtt":         "text/vtt" + utf8Charset, // captions for <track>

	// Images.
	".png":  "image/png",
	".apng": "image/apng",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".avif": "image/avif",
	".jxl":  "image/jxl",
	".ico":  "image/x-icon", // what browsers expect, not image/vnd.microsoft.icon
	".bmp":  "image/bmp",
	".tif":  "image/tiff",
	".tiff": "image/tiff",

	// Fonts.
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".eot":   "application/vnd.ms-fontobject",

	// Audio and video.
	".mp4":  "video/mp4",
	".m4v":  "video/mp4",
	".webm": "video/webm",
	".ogv":  "video/ogg",
	".mov":  "video/quicktime",
	".mp3":  "audio/mpeg",
	".m4a":  "audio/mp4",
	".ogg":  "audio/ogg",
	".oga":  "audio/ogg",
	".opus": "audio/ogg",
	".wav":  "audio/wav",
	".flac": "audio/flac",

	// Other binaries.
	".wasm": "application/wasm",
	".pdf":  "application/pdf",
	".zip":  "application/zip",
	".gz":   "application/gzip",
}

// DefaultContentType is what ContentType returns for an unknown extension.
const DefaultContentType = "application/octet-stream"

// ContentType returns the Content-Type for a file name or path, chosen by
// its last extension, case-insensitively ("app.js.map" is a source map).
// Unknown extensions get DefaultContentType.
func ContentType(name string) string {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return DefaultContentType
	}
	if ct, ok := contentTypes[strings.ToLower(base[i:])]; ok {
		return ct
	}
	return DefaultContentType
}
