package manifest

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"
)

// marshalManifest writes m exactly as encodeJSON would (a test holds the
// two equal), about ten times faster: encoding/json reflects over every
// entry and then re-scans its output to indent it, which for a tree of a
// few thousand files is most of a build's time spent on manifests.
func marshalManifest(m *Manifest) []byte {
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	b := make([]byte, 0, 64+len(m.Files)*400)
	b = append(b, "{\n  \"version\": "...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, ",\n  \"url_prefix\": "...)
	b = appendString(b, m.URLPrefix)
	b = append(b, ",\n  \"files\": {"...)
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		b = appendString(b, n)
		b = append(b, ": "...)
		b = appendEntry(b, m.Files[n], "    ")
	}
	if len(names) > 0 {
		b = append(b, "\n  "...)
	}
	return append(b, "}\n}\n"...)
}

// appendEntry writes e as an object indented under indent.
func appendEntry(b []byte, e Entry, indent string) []byte {
	field := func(name string) {
		b = append(b, "\n  "...)
		b = append(b, indent...)
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, "\": "...)
	}
	b = append(b, '{')
	field("path")
	b = appendString(b, e.Path)
	b = append(b, ',')
	field("size")
	b = strconv.AppendInt(b, e.Size, 10)
	b = append(b, ',')
	field("sha256")
	b = appendString(b, e.SHA256)
	b = append(b, ',')
	field("integrity")
	b = appendString(b, e.Integrity)
	b = append(b, ',')
	field("content_type")
	b = appendString(b, e.ContentType)
	b = append(b, ',')
	field("versioned")
	b = strconv.AppendBool(b, e.Versioned)
	if len(e.Variants) > 0 {
		b = append(b, ',')
		field("variants")
		b = appendVariants(b, e.Variants, indent+"  ")
	}
	b = append(b, '\n')
	b = append(b, indent...)
	return append(b, '}')
}

// appendVariants writes the variants as an object indented under indent.
func appendVariants(b []byte, vs map[string]Variant, indent string) []byte {
	encs := make([]string, 0, len(vs))
	for enc := range vs {
		encs = append(encs, enc)
	}
	sort.Strings(encs)
	b = append(b, '{')
	for i, enc := range encs {
		if i > 0 {
			b = append(b, ',')
		}
		v := vs[enc]
		in := indent + "  "
		b = append(b, '\n')
		b = append(b, in...)
		b = appendString(b, enc)
		b = append(b, ": {\n  "...)
		b = append(b, in...)
		b = append(b, "\"path\": "...)
		b = appendString(b, v.Path)
		b = append(b, ",\n  "...)
		b = append(b, in...)
		b = append(b, "\"size\": "...)
		b = strconv.AppendInt(b, v.Size, 10)
		b = append(b, ",\n  "...)
		b = append(b, in...)
		b = append(b, "\"sha256\": "...)
		b = appendString(b, v.SHA256)
		b = append(b, ",\n  "...)
		b = append(b, in...)
		b = append(b, "\"encoder\": "...)
		b = appendString(b, v.Encoder)
		b = append(b, '\n')
		b = append(b, in...)
		b = append(b, '}')
	}
	b = append(b, '\n')
	b = append(b, indent...)
	return append(b, '}')
}

// appendString quotes s as encoding/json does without HTML escaping,
// leaving that to encoding/json for any string that needs escapes.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
