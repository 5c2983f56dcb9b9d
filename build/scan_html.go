package build

import (
	"bytes"
	"strings"

	xhtml "golang.org/x/net/html"
)

// htmlAttr is one attribute of a tag: its name and the range of its raw
// value (without quotes) in the tag's text.
type htmlAttr struct {
	name       []byte
	start, end int
}

// htmlNext says what the text token after a start tag holds.
type htmlNext uint8

const (
	htmlNone htmlNext = iota
	htmlCSS           // <style>
	htmlJS            // inline <script> of a JavaScript type
)

// metaURLNames are the <meta property|name> values whose content is a URL
// of a file, lower-cased.
var metaURLNames = map[string]bool{
	"og:image": true, "og:image:url": true, "og:image:secure_url": true,
	"og:video": true, "og:video:url": true, "og:video:secure_url": true,
	"og:audio": true, "og:audio:url": true, "og:audio:secure_url": true,
	"twitter:image": true, "twitter:image:src": true,
	"msapplication-tileimage":         true,
	"msapplication-square70x70logo":   true,
	"msapplication-square150x150logo": true,
	"msapplication-wide310x150logo":   true,
	"msapplication-square310x310logo": true,
}

// jsScriptTypes are the <script type> values (lower-cased, trimmed) whose
// text is JavaScript: the HTML spec's JavaScript MIME types and module.
var jsScriptTypes = map[string]bool{
	"": true, "module": true, "text/javascript": true, "application/javascript": true,
	"application/ecmascript": true, "application/x-ecmascript": true,
	"application/x-javascript": true, "text/ecmascript": true,
	"text/javascript1.0": true, "text/javascript1.1": true, "text/javascript1.2": true,
	"text/javascript1.3": true, "text/javascript1.4": true, "text/javascript1.5": true,
	"text/jscript": true, "text/livescript": true, "text/x-ecmascript": true,
	"text/x-javascript": true,
}

// scanHTML returns the URLs in the attributes of the document's tags, and
// in its <style> and inline JavaScript <script> texts. The tokenizer's raw
// tokens partition the input, so a token's offset is the sum of the
// lengths of the tokens before it.
func scanHTML(src []byte) []Ref {
	z := xhtml.NewTokenizer(bytes.NewReader(src))
	var refs []Ref
	var attrs []htmlAttr
	next := htmlNone
	off := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return refs
		}
		start := off
		off += len(z.Raw())
		raw := src[start:off]
		text := next
		next = htmlNone
		switch tt {
		case xhtml.TextToken:
			switch text {
			case htmlCSS:
				refs = shiftRefs(refs, scanCSS(raw), start)
			case htmlJS:
				found, _ := scanJS(raw) // keep what was found before an error
				refs = shiftRefs(refs, found, start)
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			var name []byte
			name, attrs = lexTag(raw, attrs[:0])
			refs, next = tagRefs(refs, raw, start, name, attrs)
			if scanEqFold(name, "noscript") {
				// Without scripting (as a crawler sees it) it is markup:
				// <noscript><img src=…> must be found.
				z.NextIsNotRawText()
			}
		}
	}
}

func shiftRefs(refs, more []Ref, by int) []Ref {
	for _, r := range more {
		refs = append(refs, Ref{Start: r.Start + by, End: r.End + by, URL: r.URL})
	}
	return refs
}

// htmlAttrNames are the attributes tagRefs looks at. lexTag keeps only
// these, so that its check for repeats stays short however many
// attributes a tag has.
var htmlAttrNames = []string{
	"src", "href", "xlink:href", "poster", "data", "srcset", "imagesrcset",
	"style", "content", "property", "name", "type",
}

// lexTag splits the raw text of a start tag into its name and the
// attributes in htmlAttrNames as the HTML tokenizer does (and as
// x/net/html's tokenizer does, so both agree on where the tag ends). A
// repeated attribute is dropped, as browsers drop it.
func lexTag(tag []byte, attrs []htmlAttr) ([]byte, []htmlAttr) {
	i := 1 // after <
	for i < len(tag) && !isHTMLSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	name := tag[1:i]
	for i < len(tag) {
		c := tag[i]
		if isHTMLSpace(c) || c == '/' {
			i++
			continue
		}
		if c == '>' {
			break
		}
		ns := i
		i++ // a leading = belongs to the name
		for i < len(tag) && !isHTMLSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' && tag[i] != '=' {
			i++
		}
		a := htmlAttr{name: tag[ns:i], start: i, end: i}
		j := skipHTMLSpace(tag, i)
		if j < len(tag) && tag[j] == '=' {
			j = skipHTMLSpace(tag, j+1)
			i = j
			switch {
			case j == len(tag) || tag[j] == '>':
				a.start, a.end = j, j
			case tag[j] == '"' || tag[j] == '\'':
				a.start = j + 1
				k := bytes.IndexByte(tag[j+1:], tag[j])
				if k < 0 { // the tokenizer ends a tag only outside quotes
					k = len(tag) - j - 1
				}
				a.end = a.start + k
				i = min(a.end+1, len(tag))
			default:
				for i < len(tag) && !isHTMLSpace(tag[i]) && tag[i] != '>' {
					i++
				}
				a.start, a.end = j, i
			}
		}
		if wantedAttr(a.name) && !hasAttr(attrs, a.name) {
			attrs = append(attrs, a)
		}
	}
	return name, attrs
}

func wantedAttr(name []byte) bool {
	for _, n := range htmlAttrNames {
		if scanEqFold(name, n) {
			return true
		}
	}
	return false
}

func hasAttr(attrs []htmlAttr, name []byte) bool {
	for _, a := range attrs {
		if bytes.EqualFold(a.name, name) { // only ASCII names are kept
			return true
		}
	}
	return false
}

// attrValue returns the decoded value of the named attribute and whether
// the tag has it.
func attrValue(tag []byte, attrs []htmlAttr, name string) (string, bool) {
	for _, a := range attrs {
		if scanEqFold(a.name, name) {
			return unescapeAttr(tag[a.start:a.end]), true
		}
	}
	return "", false
}

// tagRefs appends the refs in the attributes of one start tag, which
// starts at base, and says what its text holds.
func tagRefs(refs []Ref, tag []byte, base int, name []byte, attrs []htmlAttr) ([]Ref, htmlNext) {
	srcset := scanEqFold(name, "img") || scanEqFold(name, "source") || scanEqFold(name, "link")
	for _, a := range attrs {
		v := tag[a.start:a.end]
		n := a.name
		switch {
		case scanEqFold(n, "src"), scanEqFold(n, "poster"), scanEqFold(n, "xlink:href"),
			scanEqFold(n, "href") && !scanEqFold(name, "base"),
			scanEqFold(n, "data") && scanEqFold(name, "object"),
			scanEqFold(n, "content") && scanEqFold(name, "meta") && metaURL(tag, attrs):
			refs = urlRef(refs, v, base+a.start)
		case srcset && (scanEqFold(n, "srcset") || scanEqFold(n, "imagesrcset")):
			refs = srcsetRefs(refs, v, base+a.start)
		case scanEqFold(n, "style") && bytes.IndexByte(v, '&') < 0:
			// without & the decoded value is the raw one, byte for byte
			refs = shiftRefs(refs, scanCSS(v), base+a.start)
		}
	}
	switch {
	case scanEqFold(name, "style"):
		return refs, htmlCSS
	case scanEqFold(name, "script"):
		if _, ok := attrValue(tag, attrs, "src"); ok {
			return refs, htmlNone // the text of a script with src is not run
		}
		typ, _ := attrValue(tag, attrs, "type")
		if jsScriptTypes[strings.ToLower(strings.Trim(typ, htmlSpace))] {
			return refs, htmlJS
		}
	}
	return refs, htmlNone
}

// metaURL reports whether a <meta>'s content is a file URL, from its
// property or name.
func metaURL(tag []byte, attrs []htmlAttr) bool {
	for _, k := range []string{"property", "name"} {
		if v, ok := attrValue(tag, attrs, k); ok && metaURLNames[strings.ToLower(strings.Trim(v, htmlSpace))] {
			return true
		}
	}
	return false
}

// urlRef appends the URL of the raw attribute value v at off, without the
// spaces a URL attribute may have around it.
func urlRef(refs []Ref, v []byte, off int) []Ref {
	s, e := 0, len(v)
	for s < e && isHTMLSpace(v[s]) {
		s++
	}
	for e > s && isHTMLSpace(v[e-1]) {
		e--
	}
	if e == s {
		return refs
	}
	return append(refs, Ref{Start: off + s, End: off + e, URL: unescapeAttr(v[s:e])})
}

// srcsetRefs appends the URL of each image candidate in the raw srcset
// value v at off, following the HTML spec's srcset parsing: a URL runs to
// whitespace and loses its trailing commas; its descriptors run to a comma
// outside parentheses.
func srcsetRefs(refs []Ref, v []byte, off int) []Ref {
	i := 0
	for {
		for i < len(v) && (isHTMLSpace(v[i]) || v[i] == ',') {
			i++
		}
		if i == len(v) {
			return refs
		}
		s := i
		for i < len(v) && !isHTMLSpace(v[i]) {
			i++
		}
		e := i
		if v[e-1] == ',' {
			for v[e-1] == ',' { // cannot pass s: v[s] is no comma
				e--
			}
		} else {
			paren := false
		desc:
			for ; i < len(v); i++ {
				switch c := v[i]; {
				case paren:
					paren = c != ')'
				case c == '(':
					paren = true
				case c == ',':
					i++
					break desc
				}
			}
		}
		refs = append(refs, Ref{Start: off + s, End: off + e, URL: unescapeAttr(v[s:e])})
	}
}

const htmlSpace = " \t\n\f\r"

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func skipHTMLSpace(b []byte, i int) int {
	for i < len(b) && isHTMLSpace(b[i]) {
		i++
	}
	return i
}

// unescapeAttr decodes the character references in a raw attribute value
// as the HTML spec does in attributes, where html.UnescapeString (made for
// text) goes wrong for URLs: a reference without ; followed by = stays
// ("?a=1&copy=2"), and only whole names count ("&section" is no "&sect").
func unescapeAttr(raw []byte) string {
	s := string(raw)
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i + 1
		numeric := j < len(s) && s[j] == '#'
		if numeric { // decoded the same in attributes
			j++
			for j < len(s) && isAlnum(s[j]) {
				j++
			}
		} else {
			for j < len(s) && isAlnum(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '=' {
				b.WriteByte('&')
				i++
				continue
			}
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		ref := s[i:j]
		d := xhtml.UnescapeString(ref)
		// In text, a name that is not one may still decode by a prefix
		// ("&notit;" as "¬it;"), leaving ref's last byte in place; no
		// entity's value ends with that byte but that of &semi;.
		if !numeric && d != ref && d[len(d)-1] == ref[len(ref)-1] && ref != "&semi;" {
			d = ref
		}
		if d == ref {
			b.WriteByte('&')
			i++
			continue
		}
		b.WriteString(d)
		i = j
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
