package manifest

import (
	"sort"
	"unicode/utf16"
)

// This file reproduces the bytes of Python's json.dumps with its defaults
// (ensure_ascii=True, separators ", " and ": ") for the few shapes Django's
// manifest needs: Django hashes those exact bytes, so encoding/json's output
// (different separators, escapes and HTML escaping) would give another hash.

const hexDigits = "0123456789abcdef" // Python writes \u escapes in lowercase

// sortedItems is Python's sorted(paths.items()): tuples ordered by key, then
// value. Keys of a map are distinct, so the key alone decides. For valid
// UTF-8, Go's byte-wise string order is Unicode code point order, which is
// how Python compares str.
func sortedItems(paths map[string]string) [][2]string {
	items := make([][2]string, 0, len(paths))
	for k, v := range paths {
		items = append(items, [2]string{k, v})
	}
	sort.Slice(items, func(i, j int) bool { return items[i][0] < items[j][0] })
	return items
}

// pyDumpsItems encodes items as json.dumps encodes a list of 2-element
// lists of str: [["a", "b"], ["c", "d"]].
func pyDumpsItems(items [][2]string) []byte {
	buf := make([]byte, 0, 64*len(items)+2)
	buf = append(buf, '[')
	for i, it := range items {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, '[')
		buf = appendPyString(buf, it[0])
		buf = append(buf, ", "...)
		buf = appendPyString(buf, it[1])
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// appendPyDict encodes items as json.dumps encodes a dict of str → str in
// that insertion order: {"a": "b", "c": "d"}.
func appendPyDict(buf []byte, items [][2]string) []byte {
	buf = append(buf, '{')
	for i, it := range items {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendPyString(buf, it[0])
		buf = append(buf, ": "...)
		buf = appendPyString(buf, it[1])
	}
	return append(buf, '}')
}

// appendPyString appends s as a JSON string the way Python's
// encode_basestring_ascii does. s should be valid UTF-8; an invalid byte is
// written as \ufffd.
func appendPyString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for _, r := range s {
		switch r {
		case '"':
			buf = append(buf, `\"`...)
		case '\\':
			buf = append(buf, `\\`...)
		case '\n':
			buf = append(buf, `\n`...)
		case '\r':
			buf = append(buf, `\r`...)
		case '\t':
			buf = append(buf, `\t`...)
		case '\b':
			buf = append(buf, `\b`...)
		case '\f':
			buf = append(buf, `\f`...)
		default:
			switch {
			case r >= 0x20 && r < 0x7f:
				buf = append(buf, byte(r))
			case r > 0xffff:
				// Outside the BMP Python writes the UTF-16 surrogate pair.
				hi, lo := utf16.EncodeRune(r)
				buf = appendU4(buf, hi)
				buf = appendU4(buf, lo)
			default: // control characters, DEL and the rest of the BMP
				buf = appendU4(buf, r)
			}
		}
	}
	return append(buf, '"')
}

func appendU4(buf []byte, r rune) []byte {
	return append(buf, '\\', 'u',
		hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
