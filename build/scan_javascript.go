package build

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// scanJS skims the bytes once, tokenizing only as far as needed to tell
// code from strings, templates, comments and regular expressions. It
// follows the lexer of github.com/tdewolff/parse/v2/js, which it replaced
// for speed, down to its quirks, so that what the lexer reads gives the
// same references (FuzzScanJSDifferential checks this). It is laxer where
// the lexer fails: on a name right after a number (1in), on 08, and on
// non-ASCII symbols outside strings, which it takes for name characters.

// jsByteClass classifies the bytes that start tokens, for a switch that
// compiles to a jump table: i identifier, j digit (next to i for
// jsIsIdent), s whitespace or line terminator, q quote, t backquote, c
// slash, h < or -, o other operator, l (, r ), b {, e }, k ], m comma,
// f full stop, p ; : [, x # and z the rest (non-ASCII, \ and errors).
const jsByteClass = "" +
	"zzzzzzzzzssssszzzzzzzzzzzzzzzzzz" + // 0x00
	"soqxiooqlroomhfcjjjjjjjjjjpphooo" + // 0x20
	"ziiiiiiiiiiiiiiiiiiiiiiiiiipzkoi" + // 0x40
	"tiiiiiiiiiiiiiiiiiiiiiiiiiiboeoz" + // 0x60
	"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" +
	"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"

// jsScan is the state of one scanJS call. Patterns are matched looking
// back over the last significant tokens (not whitespace, line terminators
// or comments), kept in a small ring. Their kinds are the lexer's token
// types as far as the patterns and the regex-or-division decision tell
// them apart: numbers are DecimalToken, ++ and -- IncrToken, the ${ of a
// template TemplateStartToken, other punctuators PunctuatorToken, names
// other than import and export IdentifierToken (see keyword).
type jsScan struct {
	src    []byte
	base   int // where lexing starts, after a hashbang line
	refs   []Ref
	kinds  [16]js.TokenType
	starts [16]int
	ends   [16]int
	n      int // tokens seen, plus 16 so that back needs no check
	clause jsClause
	level  int       // open ( { and ${, as the lexer counts them
	tmpl   []int     // the level at each open template literal
	parens []jsParen // open (, innermost last; [0] stands for none
	closed int       // where in parens the ( that the last ) closed was
	incOK  bool      // regexOK before the last ++ or --
	// after the last comment, which ends at cmtEnd, a line terminator from
	// cmtFrom on (in a block comment's body too) lets --> start a comment
	cmtFrom, cmtEnd int
}

// jsParen is an open (: the kinds and starts of the two tokens before it.
type jsParen struct {
	pp, prev     js.TokenType
	ppAt, prevAt int
}

type jsClause uint8

const (
	jsNone        jsClause = iota
	jsAfterImport          // just after the import keyword
	jsAfterExport          // just after the export keyword
	jsInClause             // in `{a as b} from` / `* as ns from` / `x from`
)

// scanJS returns the module specifiers of static imports and re-exports,
// of import("…") and of new URL("…", import.meta.url) that are relative or
// absolute paths, and sourceMappingURL comments. On a lexical error it
// returns the references found before with the error.
func scanJS(src []byte) ([]Ref, error) {
	s := jsScan{src: src, n: 16, parens: []jsParen{{}}, cmtEnd: -1}
	if bytes.HasPrefix(src, []byte("#!")) { // a hashbang line
		s.base = len(src)
		if i := bytes.IndexAny(src, "\r\n"); i >= 0 {
			s.base = i
		}
	}
	err := s.run(s.base)
	return s.refs, err
}

// run lexes from i. Its loop takes the common tokens, other the rest.
func (s *jsScan) run(i int) error {
	src := s.src
	for i < len(src) {
		c, start, k := src[i], i, js.PunctuatorToken
		pat := false // whether a pattern may start or end here
		switch jsByteClass[c] {
		case 's':
			for i++; i < len(src) && (src[i] == ' ' || src[i] == '\t'); i++ {
			}
			continue
		case 'i':
			for i++; i < len(src) && jsIsIdent(src[i]); i++ {
			}
			if i < len(src) && (src[i] >= 0x80 || src[i] == '\\') {
				i = jsIdentEnd(src, i, false, true)
			}
			k = js.IdentifierToken
			if w := src[start:i]; len(w) == 6 && (string(w) == "import" || string(w) == "export") {
				k, pat = js.Keywords[string(w)], true
			}
		case 'l':
			s.level++
			s.parens = append(s.parens, jsParen{s.back(1), s.back(0), s.starts[(s.n-2)&15], s.starts[(s.n-1)&15]})
			k, i = js.OpenParenToken, i+1
		case 'r':
			s.level--
			s.closed = len(s.parens) - 1
			s.parens = s.parens[:max(s.closed, 1)]
			k, i = js.CloseParenToken, i+1
			pat = jsIsLiteral(s.back(0)) || s.back(4) == js.ImportToken // see call
		case 'm':
			k, i = js.CommaToken, i+1
			pat = jsIsLiteral(s.back(0)) || s.back(4) == js.ImportToken
		case 'b':
			s.level++
			k, i = js.OpenBraceToken, i+1
		case 'e':
			if len(s.tmpl) > 0 && s.level-1 == s.tmpl[len(s.tmpl)-1] {
				var err error
				if k, i, err = s.other(i); err != nil { // the substitution ends
					return err
				}
				break
			}
			s.level--
			k, i = js.CloseBraceToken, i+1
		case 'q':
			e, msg := jsString(src, i)
			if msg != "" {
				return s.fail(e, msg)
			}
			k, i = js.StringToken, e
		case 'p':
			i++
		case 'k':
			k, i = js.CloseBracketToken, i+1
		case 'f':
			if isDigit(jsAt(src, i+1)) {
				k, i = js.DecimalToken, jsNumber(src, i)
			} else if jsAt(src, i+1) == '.' && jsAt(src, i+2) == '.' {
				i += 3
			} else {
				k, i = js.DotToken, i+1
			}
		case 'j':
			k, i = js.DecimalToken, jsNumber(src, i)
		case 'o':
			if i+1 < len(src) && !jsOpNext(src[i+1]) {
				if i++; c == '*' { // a one-byte operator
					k = js.MulToken
				}
				break
			}
			fallthrough
		default:
			var err error
			if k, i, err = s.other(i); err != nil {
				return err
			} else if k == js.ErrorToken { // whitespace or a comment
				continue
			}
		}
		j := s.n & 15
		s.kinds[j], s.starts[j], s.ends[j] = k, start, i
		s.n++
		if pat || s.clause != jsNone {
			s.pattern(k)
		}
	}
	return nil
}

// other lexes the token at i that run leaves, returning its kind and end;
// the kind is ErrorToken for whitespace and comments.
func (s *jsScan) other(i int) (js.TokenType, int, error) {
	src, k, msg := s.src, js.PunctuatorToken, ""
	switch c := src[i]; jsByteClass[c] {
	case 'e': // a } that ends a substitution
		s.level--
		i, k, msg = s.template(i+1, js.TemplateEndToken)
	case 't':
		s.tmpl = append(s.tmpl, s.level)
		i, k, msg = s.template(i+1, js.TemplateToken)
	case 'c':
		if c1 := jsAt(src, i+1); c1 == '/' {
			e := jsLineEnd(src, i+2)
			s.comment(i, e, e)
			return js.ErrorToken, e, nil
		} else if c1 == '*' {
			e := bytes.Index(src[i+2:], []byte("*/"))
			if e < 0 {
				return 0, i, s.fail(len(src), "unterminated block comment")
			}
			s.comment(i, i+e+2, i+2) // a line terminator inside counts
			return js.ErrorToken, i + e + 4, nil
		} else if s.regexOK() {
			k = js.RegExpToken
			i, msg = jsRegExp(src, i)
		} else {
			k, i, msg = s.operator(i)
		}
	case 'h':
		if c == '<' && jsAt(src, i+1) == '!' && jsAt(src, i+2) == '-' && jsAt(src, i+3) == '-' ||
			c == '-' && jsAt(src, i+1) == '-' && jsAt(src, i+2) == '>' && s.afterLT(i) {
			// <!-- anywhere and --> first on a line comment out the line, with
			// no source map URL
			e := jsLineEnd(src, i+3)
			s.cmtFrom, s.cmtEnd = e, e
			return js.ErrorToken, e, nil
		}
		k, i, msg = s.operator(i)
	case 'o':
		k, i, msg = s.operator(i)
	case 'x':
		if e := jsIdentEnd(src, i+1, true, true); e > i+1 {
			return js.PrivateIdentifierToken, e, nil
		}
		i, msg = i+1, jsUnexpected(src, i+1)
	default:
		if e := jsIdentEnd(src, i, true, true); e > i {
			return js.IdentifierToken, e, nil // escaped or non-ASCII
		} else if c >= 0x80 { // a Unicode space or line terminator
			_, w := utf8.DecodeRune(src[i:])
			return js.ErrorToken, i + w, nil
		}
		msg = jsUnexpected(src, i)
	}
	if msg != "" {
		return 0, i, s.fail(i, msg)
	}
	return k, i, nil
}

// fail returns the error at byte off, positioned as the lexer did (lines
// end at \n, \r, \r\n, U+2028 and U+2029; columns count runes).
func (s *jsScan) fail(off int, msg string) error {
	line, col, _ := parse.Position(bytes.NewBuffer(s.src[s.base:len(s.src):len(s.src)]), off-s.base)
	return fmt.Errorf("%s at line %d, column %d (byte %d)", msg, line, col, off)
}

func jsUnexpected(src []byte, i int) string {
	return "unexpected " + parse.Printable(rune(jsAt(src, i)))
}

// comment records the URL of a //# or /*# sourceMappingURL comment, the
// text of which is src[start+2:end].
func (s *jsScan) comment(start, end, ltFrom int) {
	if b, e := scanSourceMapURL(s.src[start+2 : end]); e > b {
		s.refs = scanAppend(s.refs, start+2+b, start+2+e, s.src[start+2+b:start+2+e])
	}
	s.cmtFrom, s.cmtEnd = ltFrom, end
}

// afterLT reports whether a line terminator separates i from the last
// token or comment (or i is the first), as a --> comment needs.
func (s *jsScan) afterLT(i int) bool {
	from := s.ends[(s.n-1)&15]
	if s.cmtEnd > from {
		from = s.cmtFrom
	}
	return s.n == 16 && s.cmtEnd < 0 || bytes.ContainsAny(s.src[from:i], "\r\n\u2028\u2029")
}

// back returns the kind of the k-th token before the last (k = 0 is the
// last); ErrorToken before the start.
func (s *jsScan) back(k int) js.TokenType { return s.kinds[(s.n-1-k)&15] }

// text returns the text of the k-th token before the last.
func (s *jsScan) text(k int) []byte {
	j := (s.n - 1 - k) & 15
	return s.src[s.starts[j]:s.ends[j]]
}

// keyword returns the kind of the k-th token before the last, a name
// looked up in the keywords.
func (s *jsScan) keyword(k int) js.TokenType {
	return s.resolve(s.back(k), s.starts[(s.n-1-k)&15])
}

// resolve returns the kind of the token of kind tt at start, a name looked
// up in the keywords: run only tells import and export, since other
// keywords matter only when a / or pattern comes.
func (s *jsScan) resolve(tt js.TokenType, start int) js.TokenType {
	if tt == js.IdentifierToken {
		if kw, ok := js.Keywords[string(s.src[start:jsIdentEnd(s.src, start, true, true)])]; ok {
			return kw
		}
	}
	return tt
}

// operator returns the operator at i; before a ++ or -- it keeps whether a
// regex could start.
func (s *jsScan) operator(i int) (js.TokenType, int, string) {
	k, e, msg := jsOperator(s.src, i)
	if k == js.IncrToken {
		s.incOK = s.regexOK()
	}
	return k, e, msg
}

// regexOK reports whether a / after the last token starts a regular
// expression: it does where an operand is expected.
func (s *jsScan) regexOK() bool {
	switch tt := s.keyword(0); tt {
	case js.CloseParenToken: // after `if (…)` a / starts a regex, after `f(…)` it divides
		p := s.parens[:s.closed+1][s.closed] // popped, but no ( came since
		pp, prev := s.resolve(p.pp, p.ppAt), s.resolve(p.prev, p.prevAt)
		return !jsIsDot(pp) && (prev == js.IfToken || prev == js.WhileToken || prev == js.ForToken ||
			prev == js.WithToken || prev == js.AwaitToken && pp == js.ForToken)
	case js.CloseBracketToken, js.CloseBraceToken:
		return false
	case js.IncrToken:
		return s.incOK // yes after a prefix ++, no after a postfix one
	case js.ErrorToken, js.TemplateStartToken: // the start, ${
		return true
	case js.ReturnToken, js.TypeofToken, js.InstanceofToken, js.InToken, js.OfToken, js.NewToken, js.DeleteToken,
		js.VoidToken, js.ThrowToken, js.CaseToken, js.DoToken, js.ElseToken, js.YieldToken, js.AwaitToken:
		return !jsIsDot(s.back(1)) // not a property name
	}
	return js.IsPunctuator(s.back(0))
}

func jsIsDot(tt js.TokenType) bool { return tt == js.DotToken || tt == js.OptChainToken }

// jsIsLiteral reports whether tt is a string or a template literal without
// substitutions.
func jsIsLiteral(tt js.TokenType) bool { return tt == js.StringToken || tt == js.TemplateToken }

// pattern follows the import and export clauses and, at the ) or , that
// ends a first argument, matches calls.
func (s *jsScan) pattern(k js.TokenType) {
	prev := s.back(1)
	switch s.clause {
	case jsAfterImport:
		s.clause = jsNone
		if k == js.StringToken { // import "./x.js"
			s.specifier(0)
		} else if k == js.OpenBraceToken || k == js.MulToken || js.IsIdentifierName(k) {
			s.clause = jsInClause
		}
	case jsAfterExport:
		s.clause = jsNone
		if k == js.OpenBraceToken || k == js.MulToken {
			s.clause = jsInClause
		}
	case jsInClause: // strings are names in it too: `{"a-b" as c}`
		if k == js.StringToken && s.keyword(1) == js.FromToken {
			s.specifier(0)
			s.clause = jsNone
		} else if !js.IsIdentifierName(k) && k != js.StringToken && k != js.OpenBraceToken &&
			k != js.CloseBraceToken && k != js.CommaToken && k != js.MulToken {
			s.clause = jsNone
		}
	}
	if !jsIsDot(prev) && k == js.ImportToken {
		s.clause = jsAfterImport
	} else if !jsIsDot(prev) && k == js.ExportToken {
		s.clause = jsAfterExport
	}
	if k == js.CloseParenToken || k == js.CommaToken {
		s.call()
	}
}

// call matches, at the ) or , that ends a first argument,
// import("./x.js") and new URL("./x.png", import.meta.url).
func (s *jsScan) call() {
	if jsIsLiteral(s.back(1)) && s.back(2) == js.OpenParenToken && s.back(3) == js.ImportToken {
		if !jsIsDot(s.back(4)) {
			s.specifier(1)
		}
	} else if s.back(8) == js.OpenParenToken && jsIsLiteral(s.back(7)) && s.back(6) == js.CommaToken &&
		s.back(5) == js.ImportToken && s.back(4) == js.DotToken && s.back(2) == js.DotToken &&
		s.keyword(10) == js.NewToken && bytes.Equal(s.text(9), []byte("URL")) &&
		s.keyword(3) == js.MetaToken && bytes.Equal(s.text(1), []byte("url")) {
		s.specifier(7)
	}
}

// specifier records the quoted module specifier of the k-th token before
// the last if it is a path; bare specifiers ("lodash", "node:fs",
// "https://…") name no file of ours.
func (s *jsScan) specifier(k int) {
	t := s.text(k)
	v := t[1 : len(t)-1]
	if bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("../")) || bytes.HasPrefix(v, []byte("/")) {
		b := s.starts[(s.n-1-k)&15] + 1
		s.refs = scanAppend(s.refs, b, b+len(v), v)
	}
}

// template skims a template literal from i, just after its ` or the } that
// ends a substitution, to its end (then it is a tt) or its next ${.
func (s *jsScan) template(i int, tt js.TokenType) (int, js.TokenType, string) {
	for src := s.src; i < len(src); i++ {
		switch src[i] {
		case '`':
			s.tmpl = s.tmpl[:len(s.tmpl)-1]
			return i + 1, tt, ""
		case '$':
			if jsAt(src, i+1) == '{' {
				s.level++
				return i + 2, js.TemplateStartToken, ""
			}
		case '\\':
			i++
		}
	}
	return len(s.src), 0, "unterminated template literal"
}

// jsString returns the end of the string literal at i.
func jsString(src []byte, i int) (int, string) {
	for q := src[i]; i+1 < len(src); {
		switch i++; src[i] {
		case q:
			return i + 1, ""
		case '\\':
			if jsAt(src, i+1) == '\r' && jsAt(src, i+2) == '\n' {
				i++ // a line continuation
			}
			i++
		case '\n', '\r':
			return i, "unterminated string literal"
		}
	}
	return len(src), "unterminated string literal"
}

// jsRegExp returns the end of the regular expression literal at i.
func jsRegExp(src []byte, i int) (int, string) {
	inClass := false
	for i++; i < len(src); i++ {
		switch c := src[i]; {
		case c == '/' && !inClass:
			return jsIdentEnd(src, i+1, false, false), "" // and the flags
		case c == '[' || c == ']':
			inClass = c == '['
		case c == '\\':
			if i++; i == len(src) || jsIsLT(src, i) {
				return i, "unterminated regular expression"
			}
		case jsIsLT(src, i):
			return i, "unterminated regular expression"
		}
	}
	return len(src), "unterminated regular expression"
}

// jsLineEnd returns the end of a single-line comment whose text starts at i.
func jsLineEnd(src []byte, i int) int {
	for ; i < len(src); i++ {
		if c := src[i]; c == '\n' || c == '\r' || c == 0xE2 && jsIsLT(src, i) {
			break
		}
	}
	return i
}

// jsOpNext reports whether c can be the second byte of an operator (shifts
// of 64 or more give 0).
func jsOpNext(c byte) bool {
	const m = 1<<'=' | 1<<'+' | 1<<'-' | 1<<'*' | 1<<'&' | 1<<'?' | 1<<'<' | 1<<'>' | 1<<'.'
	return (uint64(m)>>c)&1 != 0 || c == '|'
}

// jsOperator returns the operator at i, as the lexer groups the bytes.
func jsOperator(src []byte, i int) (js.TokenType, int, string) {
	c, c1, c2 := src[i], jsAt(src, i+1), jsAt(src, i+2)
	n := 1
	switch {
	case c1 == '=' && (c == '?' || c == '~'): // the lexer fails after ?= and ~=
		return 0, i + 2, jsUnexpected(src, i+2)
	case c1 == '=' && c2 == '=' && (c == '!' || c == '='):
		n = 3
	case c1 == '=' || c == '=' && c1 == '>':
		n = 2
	case c1 == c && (c == '+' || c == '-'):
		return js.IncrToken, i + 2, ""
	case c1 == c && (c == '*' || c == '&' || c == '|' || c == '?' || c == '<'):
		n = 2
		if c2 == '=' {
			n = 3
		}
	case c == '?' && c1 == '.' && !isDigit(c2):
		return js.OptChainToken, i + 2, ""
	case c == '>' && c1 == '>': // >> and >>>, either with =
		if n = 2; c2 == '>' {
			n = 3
		}
		if jsAt(src, i+n) == '=' {
			n++
		}
	case c == '*':
		return js.MulToken, i + 1, ""
	}
	return js.PunctuatorToken, i + n, ""
}

// jsNumber returns the end of the numeric literal at i (a digit, or a dot
// and a digit): its letters, digits and _ (the lexer fails on a name right
// after a number), a decimal's dot and fraction, an exponent's sign.
func jsNumber(src []byte, i int) int {
	j := jsIdentEnd(src, i+1, false, false)
	if src[i] != '.' && jsAt(src, j) == '.' && len(bytes.TrimLeft(src[i:j], "0123456789_")) == 0 {
		j = jsIdentEnd(src, j+1, false, false) // 1.5 and 1., not 1n. or 1e5.
	}
	x := jsAt(src, i+1) | 0x20
	if c := src[j-1]; (c == 'e' || c == 'E') && (jsAt(src, j) == '+' || jsAt(src, j) == '-') &&
		!(src[i] == '0' && (x == 'x' || x == 'b' || x == 'o')) {
		j = jsIdentEnd(src, j+1, false, false)
	}
	return j
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// jsIsIdent reports whether c is an ASCII identifier character.
func jsIsIdent(c byte) bool { return jsByteClass[c]-'i' < 2 }

// jsIdentEnd returns the end of the identifier characters from i: at the
// start of a name if start, with \u escapes if esc (regex flags take none).
func jsIdentEnd(src []byte, i int, start, esc bool) int {
	for ; i < len(src); start = false {
		c, w := src[i], 0
		if jsIsIdent(c) && !(start && isDigit(c)) {
			w = 1
		} else if c >= 0x80 {
			// Unicode spaces and line terminators end a name; the lexer's
			// ID_Start and ID_Continue are the rest, but for a few symbols
			// and invalid UTF-8, on which it fails (or goes astray)
			if r, n := utf8.DecodeRune(src[i:]); r != 0xFEFF && r != '\u2028' && r != '\u2029' && !unicode.Is(unicode.Zs, r) {
				w = n
			}
		} else if esc && c == '\\' {
			w = jsUnicodeEscape(src, i)
		}
		if w == 0 {
			break
		}
		i += w
	}
	return i
}

// jsUnicodeEscape returns the length of the \uXXXX or \u{X…} escape at i,
// or 0.
func jsUnicodeEscape(src []byte, i int) int {
	j, braced := i+2, jsAt(src, i+2) == '{'
	if braced {
		j++
	}
	for cssIsHex(jsAt(src, j)) && (braced || j < i+6) {
		j++
	}
	if jsAt(src, i+1) != 'u' || braced && (j == i+3 || jsAt(src, j) != '}') || !braced && j < i+6 {
		return 0
	} else if braced {
		j++
	}
	return j - i
}

// jsIsLT reports whether a line terminator starts at i: \n, \r, U+2028 or
// U+2029.
func jsIsLT(src []byte, i int) bool {
	c := src[i]
	return c == '\n' || c == '\r' ||
		c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9)
}

// jsAt returns src[i], or 0 past the end (the lexer's sentinel).
func jsAt(src []byte, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}
