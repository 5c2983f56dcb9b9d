package build

import (
	"bytes"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// scanCSS returns the references in a stylesheet: url(...) in every form,
// @import "x", the strings of image-set() and the sourceMappingURL comment.
// The lexer is lossless, so a token's offset is the sum of the lengths of
// the tokens before it.
func scanCSS(src []byte) []Ref {
	l := css.NewLexer(scanInput(src))
	var refs []Ref
	var fns []bool // open ( blocks, innermost last; true for image-set(
	afterImport := false
	off := 0
	for {
		tt, data := l.Next()
		if tt == css.ErrorToken { // only at EOF: this lexer has no other error
			return refs
		}
		start := off
		off += len(data)
		switch tt {
		case css.WhitespaceToken:
			continue // keeps afterImport
		case css.CommentToken:
			body := bytes.TrimSuffix(data[2:], []byte("*/")) // EOF may end it unclosed
			if s, e := scanSourceMapURL(body); e > s {
				refs = scanAppend(refs, start+2+s, start+2+e, data[2+s:2+e])
			}
			continue
		case css.URLToken:
			if s, e := cssURLRange(data); e > s {
				refs = scanAppend(refs, start+s, start+e, data[s:e])
			}
		case css.StringToken:
			if afterImport || len(fns) > 0 && fns[len(fns)-1] {
				if e := cssStringEnd(data); e > 1 {
					refs = scanAppend(refs, start+1, start+e, data[1:e])
				}
			}
		case css.FunctionToken:
			fns = append(fns, scanEqFold(data, "image-set(") || scanEqFold(data, "-webkit-image-set("))
		case css.LeftParenthesisToken:
			fns = append(fns, false)
		case css.RightParenthesisToken:
			if len(fns) > 0 {
				fns = fns[:len(fns)-1]
			}
		}
		afterImport = tt == css.AtKeywordToken && scanEqFold(data, "@import")
	}
}

// scanInput wraps src for the tdewolff lexers. The full slice expression
// makes parse.NewInputBytes copy src instead of writing its NUL sentinel
// into the caller's array just past len(src) (src may be a sub-slice of a
// larger file, or shared between goroutines).
func scanInput(src []byte) *parse.Input {
	return parse.NewInputBytes(src[:len(src):len(src)])
}

// scanAppend appends a CSS/JS ref, whose URL is the raw text. It keeps refs
// sorted: the JS scanner may only see a specifier is one after a later
// comment has been recorded.
func scanAppend(refs []Ref, start, end int, raw []byte) []Ref {
	r := Ref{Start: start, End: end, URL: string(raw)}
	i := len(refs)
	for i > 0 && refs[i-1].Start > start {
		i--
	}
	if i == len(refs) {
		return append(refs, r)
	}
	refs = append(refs, Ref{})
	copy(refs[i+1:], refs[i:])
	refs[i] = r
	return refs
}

// cssURLRange returns the range of the URL inside a URLToken such as
// `url( "a.png" )`; the ident before ( is "url" up to escapes, so it holds
// no (.
func cssURLRange(tok []byte) (int, int) {
	i := bytes.IndexByte(tok, '(') + 1
	for i < len(tok) && cssIsSpace(tok[i]) {
		i++
	}
	if i < len(tok) && (tok[i] == '"' || tok[i] == '\'') {
		return i + 1, i + cssStringEnd(tok[i:])
	}
	j := i
	for j < len(tok) && tok[j] != ')' && !cssIsSpace(tok[j]) {
		if tok[j] == '\\' {
			j += cssEscapeLen(tok[j:])
		} else {
			j++
		}
	}
	return i, j
}

// cssStringEnd returns the index of the closing quote of the string token
// s, or len(s) when EOF ended the string before it.
func cssStringEnd(s []byte) int {
	i := 1
	for i < len(s) {
		switch s[i] {
		case s[0]:
			return i
		case '\\':
			i += cssEscapeLen(s[i:])
		default:
			i++
		}
	}
	return len(s)
}

// cssEscapeLen returns the length of the escape at b[0] == '\\' counted as
// the lexer counts it (an escape can swallow a quote or a parenthesis that
// must not be taken as a delimiter).
func cssEscapeLen(b []byte) int {
	if len(b) < 2 {
		return len(b)
	}
	c := b[1]
	switch {
	case cssIsHex(c):
		n := 2
		for n < len(b) && n < 7 && cssIsHex(b[n]) {
			n++
		}
		if n < len(b) && cssIsSpace(b[n]) {
			n++
		}
		return n
	case c >= 0xC0: // the lexer takes the rune length from the lead byte alone
		n := 2
		if c >= 0xF0 {
			n = 4
		} else if c >= 0xE0 {
			n = 3
		}
		return 1 + min(n, len(b)-1)
	case c == '\r' && len(b) > 2 && b[2] == '\n': // escaped newline in a string
		return 3
	}
	return 2
}

// scanSourceMapURL returns the range of the URL in the text of a comment
// (without its // or /* */) of the form "# sourceMappingURL=URL" or the
// legacy "@ sourceMappingURL=URL"; e <= s when it is not one.
func scanSourceMapURL(body []byte) (s, e int) {
	if len(body) == 0 || body[0] != '#' && body[0] != '@' {
		return 0, 0
	}
	i := 1
	for i < len(body) && (body[i] == ' ' || body[i] == '\t') {
		i++
	}
	const key = "sourceMappingURL="
	if !bytes.HasPrefix(body[i:], []byte(key)) {
		return 0, 0
	}
	i += len(key)
	j := i
	for j < len(body) && !scanIsSpace(body[j]) {
		j++
	}
	return i, j
}

func cssIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func scanIsSpace(c byte) bool { return cssIsSpace(c) || c == '\v' }

func cssIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanEqFold reports whether b equals the lower-case ASCII string s, ignoring
// ASCII case, without allocating.
func scanEqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lowerASCII(b[i]) != s[i] {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
