package build

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// jsTok is a significant token: not whitespace, line terminator or comment.
type jsTok struct {
	tt         js.TokenType
	start, end int
}

// jsScan is the state of one scanJS call. Patterns are matched looking
// back over the last significant tokens, kept in a small ring.
type jsScan struct {
	src     []byte
	refs    []Ref
	ring    [16]jsTok
	n       int  // significant tokens seen
	regexOK bool // whether a / here starts a regular expression
	clause  jsClause
	parens  []bool // open (, innermost last; true after if/while/for/with
}

type jsClause uint8

const (
	jsNone        jsClause = iota
	jsAfterImport          // just after the import keyword
	jsAfterExport          // just after the export keyword
	jsInClause             // in `{a as b} from` / `* as ns from` / `x from`
)

// regexKeywords are the keywords after which an operand, not an operator,
// follows, so a / starts a regular expression.
var regexKeywords = map[js.TokenType]bool{
	js.ReturnToken: true, js.TypeofToken: true, js.InstanceofToken: true,
	js.InToken: true, js.OfToken: true, js.NewToken: true, js.DeleteToken: true,
	js.VoidToken: true, js.ThrowToken: true, js.CaseToken: true, js.DoToken: true,
	js.ElseToken: true, js.YieldToken: true, js.AwaitToken: true,
}

// scanJS returns the module specifiers of static imports and re-exports,
// of import("…") and of new URL("…", import.meta.url) that are relative or
// absolute paths, and sourceMappingURL comments. If the lexer fails it
// returns the references found before that point with the error.
func scanJS(src []byte) ([]Ref, error) {
	off := 0
	if bytes.HasPrefix(src, []byte("#!")) { // a hashbang line, which the lexer rejects
		off = len(src)
		if i := bytes.IndexAny(src, "\r\n"); i >= 0 {
			off = i
		}
	}
	l := js.NewLexer(scanInput(src[off:]))
	s := jsScan{src: src, regexOK: true}
	for {
		tt, data := l.Next()
		if (tt == js.DivToken || tt == js.DivEqToken) && s.regexOK {
			tt, data = l.RegExp() // rereads from the same start
		}
		if tt == js.ErrorToken {
			err := l.Err()
			if err == io.EOF {
				return s.refs, nil
			}
			var pe *parse.Error
			if errors.As(err, &pe) { // its Error() quotes the whole line
				return s.refs, fmt.Errorf("%s at line %d, column %d (token at byte %d)", pe.Message, pe.Line, pe.Column, off)
			}
			return s.refs, fmt.Errorf("at byte %d: %w", off, err)
		}
		start := off
		off += len(data)
		switch tt {
		case js.WhitespaceToken, js.LineTerminatorToken:
		case js.CommentToken, js.CommentLineTerminatorToken:
			s.comment(data, start)
		default:
			s.token(jsTok{tt, start, off})
		}
	}
}

// comment records the URL of a //# or /*# sourceMappingURL comment.
func (s *jsScan) comment(data []byte, start int) {
	if len(data) < 2 || data[0] != '/' {
		return // <!-- and --> comments
	}
	body := data[2:]
	if data[1] == '*' {
		body = body[:len(body)-2] // the lexer fails on an unclosed /*
	}
	if b, e := scanSourceMapURL(body); e > b {
		s.refs = scanAppend(s.refs, start+2+b, start+2+e, body[b:e])
	}
}

// back returns the k-th significant token before the current one (k = 0
// is the current one); its tt is ErrorToken before the start.
func (s *jsScan) back(k int) jsTok {
	if k >= s.n || k >= len(s.ring) {
		return jsTok{}
	}
	return s.ring[(s.n-1-k)%len(s.ring)]
}

func (s *jsScan) text(t jsTok) []byte { return s.src[t.start:t.end] }

func (s *jsScan) token(t jsTok) {
	prev := s.back(0)
	s.ring[s.n%len(s.ring)] = t
	s.n++
	afterDot := prev.tt == js.DotToken || prev.tt == js.OptChainToken

	switch s.clause {
	case jsAfterImport:
		s.clause = jsNone
		if t.tt == js.StringToken { // import "./x.js"
			s.specifier(t)
		} else if t.tt == js.OpenBraceToken || t.tt == js.MulToken || js.IsIdentifierName(t.tt) {
			s.clause = jsInClause
		}
	case jsAfterExport:
		s.clause = jsNone
		if t.tt == js.OpenBraceToken || t.tt == js.MulToken {
			s.clause = jsInClause
		}
	case jsInClause:
		switch {
		case t.tt == js.StringToken && prev.tt == js.FromToken:
			s.specifier(t)
			s.clause = jsNone
		case js.IsIdentifierName(t.tt), t.tt == js.StringToken, t.tt == js.OpenBraceToken,
			t.tt == js.CloseBraceToken, t.tt == js.CommaToken, t.tt == js.MulToken:
			// still a clause; strings here are `{"a-b" as c}` names
		default:
			s.clause = jsNone
		}
	}
	if !afterDot && t.tt == js.ImportToken {
		s.clause = jsAfterImport
	} else if !afterDot && t.tt == js.ExportToken {
		s.clause = jsAfterExport
	}

	if t.tt == js.CloseParenToken || t.tt == js.CommaToken {
		s.call()
	}
	s.regexOK = s.regexAfter(t, prev, afterDot)
}

// call matches, at the ) or , that ends a first argument,
// import("./x.js") and new URL("./x.png", import.meta.url).
func (s *jsScan) call() {
	arg := s.back(1)
	if isJSLiteral(arg.tt) && s.back(2).tt == js.OpenParenToken && s.back(3).tt == js.ImportToken {
		if b := s.back(4).tt; b != js.DotToken && b != js.OptChainToken {
			s.specifier(arg)
		}
		return
	}
	if s.back(10).tt != js.NewToken || !bytes.Equal(s.text(s.back(9)), []byte("URL")) ||
		s.back(8).tt != js.OpenParenToken || !isJSLiteral(s.back(7).tt) ||
		s.back(6).tt != js.CommaToken || s.back(5).tt != js.ImportToken ||
		s.back(4).tt != js.DotToken || s.back(3).tt != js.MetaToken ||
		s.back(2).tt != js.DotToken || !bytes.Equal(s.text(s.back(1)), []byte("url")) {
		return
	}
	s.specifier(s.back(7))
}

// isJSLiteral reports whether tt is a string or a template literal without
// substitutions.
func isJSLiteral(tt js.TokenType) bool { return tt == js.StringToken || tt == js.TemplateToken }

// specifier records a quoted module specifier if it is a path; bare
// specifiers ("lodash", "node:fs", "https://…") name no file of ours.
func (s *jsScan) specifier(t jsTok) {
	b, e := t.start+1, t.end-1
	v := s.src[b:e]
	if bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("../")) || bytes.HasPrefix(v, []byte("/")) {
		s.refs = scanAppend(s.refs, b, e, v)
	}
}

// regexAfter reports whether a / after t starts a regular expression: it
// does where an operand is expected.
func (s *jsScan) regexAfter(t, prev jsTok, afterDot bool) bool {
	switch t.tt {
	case js.OpenParenToken:
		// after `if (…)` a / starts a regex, after `f(…)` it divides
		pp := s.back(2).tt
		ctl := pp != js.DotToken && pp != js.OptChainToken && (prev.tt == js.IfToken ||
			prev.tt == js.WhileToken || prev.tt == js.ForToken || prev.tt == js.WithToken ||
			prev.tt == js.AwaitToken && pp == js.ForToken)
		s.parens = append(s.parens, ctl)
		return true
	case js.CloseParenToken:
		if len(s.parens) == 0 {
			return false
		}
		ctl := s.parens[len(s.parens)-1]
		s.parens = s.parens[:len(s.parens)-1]
		return ctl
	case js.CloseBracketToken, js.CloseBraceToken:
		return false
	case js.IncrToken, js.DecrToken:
		return s.regexOK // prefix ++ still wants an operand, postfix ends one
	case js.TemplateStartToken, js.TemplateMiddleToken:
		return true // ${
	}
	if js.IsPunctuator(t.tt) { // operators included
		return true
	}
	return !afterDot && regexKeywords[t.tt]
}
