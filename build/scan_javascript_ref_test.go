package build

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// refJSTok is a significant token: not whitespace, line terminator or comment.
type refJSTok struct {
	tt         js.TokenType
	start, end int
}

// refJSScan is the state of one scanJSReference call. Patterns are matched looking
// back over the last significant tokens, kept in a small ring.
type refJSScan struct {
	src     []byte
	refs    []Ref
	ring    [16]refJSTok
	n       int  // significant tokens seen
	regexOK bool // whether a / here starts a regular expression
	clause  refJSClause
	parens  []bool // open (, innermost last; true after if/while/for/with
}

type refJSClause uint8

const (
	refJSNone        refJSClause = iota
	refJSAfterImport             // just after the import keyword
	refJSAfterExport             // just after the export keyword
	refJSInClause                // in `{a as b} from` / `* as ns from` / `x from`
)

// refRegexKeywords are the keywords after which an operand, not an operator,
// follows, so a / starts a regular expression.
var refRegexKeywords = map[js.TokenType]bool{
	js.ReturnToken: true, js.TypeofToken: true, js.InstanceofToken: true,
	js.InToken: true, js.OfToken: true, js.NewToken: true, js.DeleteToken: true,
	js.VoidToken: true, js.ThrowToken: true, js.CaseToken: true, js.DoToken: true,
	js.ElseToken: true, js.YieldToken: true, js.AwaitToken: true,
}

// scanJSReference is the former scanJS, built on the tdewolff lexer, kept
// as the reference for the differential tests of the hand-written skimmer.
// It returns the module specifiers of static imports and re-exports,
// of import("…") and of new URL("…", import.meta.url) that are relative or
// absolute paths, and sourceMappingURL comments. If the lexer fails it
// returns the references found before that point with the error.
func scanJSReference(src []byte) ([]Ref, error) {
	off := 0
	if bytes.HasPrefix(src, []byte("#!")) { // a hashbang line, which the lexer rejects
		off = len(src)
		if i := bytes.IndexAny(src, "\r\n"); i >= 0 {
			off = i
		}
	}
	l := js.NewLexer(scanInput(src[off:]))
	s := refJSScan{src: src, regexOK: true}
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
			s.token(refJSTok{tt, start, off})
		}
	}
}

// comment records the URL of a //# or /*# sourceMappingURL comment.
func (s *refJSScan) comment(data []byte, start int) {
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
func (s *refJSScan) back(k int) refJSTok {
	if k >= s.n || k >= len(s.ring) {
		return refJSTok{}
	}
	return s.ring[(s.n-1-k)%len(s.ring)]
}

func (s *refJSScan) text(t refJSTok) []byte { return s.src[t.start:t.end] }

func (s *refJSScan) token(t refJSTok) {
	prev := s.back(0)
	s.ring[s.n%len(s.ring)] = t
	s.n++
	afterDot := prev.tt == js.DotToken || prev.tt == js.OptChainToken

	switch s.clause {
	case refJSAfterImport:
		s.clause = refJSNone
		if t.tt == js.StringToken { // import "./x.js"
			s.specifier(t)
		} else if t.tt == js.OpenBraceToken || t.tt == js.MulToken || js.IsIdentifierName(t.tt) {
			s.clause = refJSInClause
		}
	case refJSAfterExport:
		s.clause = refJSNone
		if t.tt == js.OpenBraceToken || t.tt == js.MulToken {
			s.clause = refJSInClause
		}
	case refJSInClause:
		switch {
		case t.tt == js.StringToken && prev.tt == js.FromToken:
			s.specifier(t)
			s.clause = refJSNone
		case js.IsIdentifierName(t.tt), t.tt == js.StringToken, t.tt == js.OpenBraceToken,
			t.tt == js.CloseBraceToken, t.tt == js.CommaToken, t.tt == js.MulToken:
			// still a clause; strings here are `{"a-b" as c}` names
		default:
			s.clause = refJSNone
		}
	}
	if !afterDot && t.tt == js.ImportToken {
		s.clause = refJSAfterImport
	} else if !afterDot && t.tt == js.ExportToken {
		s.clause = refJSAfterExport
	}

	if t.tt == js.CloseParenToken || t.tt == js.CommaToken {
		s.call()
	}
	s.regexOK = s.regexAfter(t, prev, afterDot)
}

// call matches, at the ) or , that ends a first argument,
// import("./x.js") and new URL("./x.png", import.meta.url).
func (s *refJSScan) call() {
	arg := s.back(1)
	if refIsJSLiteral(arg.tt) && s.back(2).tt == js.OpenParenToken && s.back(3).tt == js.ImportToken {
		if b := s.back(4).tt; b != js.DotToken && b != js.OptChainToken {
			s.specifier(arg)
		}
		return
	}
	if s.back(10).tt != js.NewToken || !bytes.Equal(s.text(s.back(9)), []byte("URL")) ||
		s.back(8).tt != js.OpenParenToken || !refIsJSLiteral(s.back(7).tt) ||
		s.back(6).tt != js.CommaToken || s.back(5).tt != js.ImportToken ||
		s.back(4).tt != js.DotToken || s.back(3).tt != js.MetaToken ||
		s.back(2).tt != js.DotToken || !bytes.Equal(s.text(s.back(1)), []byte("url")) {
		return
	}
	s.specifier(s.back(7))
}

// refIsJSLiteral reports whether tt is a string or a template literal without
// substitutions.
func refIsJSLiteral(tt js.TokenType) bool { return tt == js.StringToken || tt == js.TemplateToken }

// specifier records a quoted module specifier if it is a path; bare
// specifiers ("lodash", "node:fs", "https://…") name no file of ours.
func (s *refJSScan) specifier(t refJSTok) {
	b, e := t.start+1, t.end-1
	v := s.src[b:e]
	if bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("../")) || bytes.HasPrefix(v, []byte("/")) {
		s.refs = scanAppend(s.refs, b, e, v)
	}
}

// regexAfter reports whether a / after t starts a regular expression: it
// does where an operand is expected.
func (s *refJSScan) regexAfter(t, prev refJSTok, afterDot bool) bool {
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
	return !afterDot && refRegexKeywords[t.tt]
}

func BenchmarkScanJSReference(b *testing.B) {
	src := jsBenchInput(2 << 20)
	if _, err := scanJSReference(src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		scanJSReference(src)
	}
}

// jsDifference returns how scanJS and scanJSReference disagree on src, or
// "". Where the reference succeeds, scanJS must succeed with the same refs.
// Where it fails, scanJS may go on (it is laxer about numbers and about
// non-ASCII symbols), but it must have found the same refs before.
func jsDifference(src []byte) string {
	want, werr := scanJSReference(src)
	got, gerr := scanJS(src)
	switch {
	case werr == nil && gerr != nil:
		return fmt.Sprintf("unexpected error %v", gerr)
	case werr == nil && !slices.Equal(got, want):
		return fmt.Sprintf("refs %v, the reference has %v", got, want)
	case werr != nil && (len(got) < len(want) || !slices.Equal(got[:len(want)], want)):
		return fmt.Sprintf("refs %v (error %v), the reference has %v before %v", got, gerr, want, werr)
	}
	return ""
}

// jsSeeds returns the inputs of the table tests in scan_javascript_test.go
// (every string constant there, sums of literals included) and snippets of
// real minified and unminified JavaScript.
func jsSeeds(tb testing.TB) []string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "scan_javascript_test.go", nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var seeds []string
	ast.Inspect(file, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok {
			if s, ok := jsConstString(e); ok {
				seeds = append(seeds, s)
			}
		}
		return true
	})
	return append(seeds, jsRealSnippets()...)
}

// jsConstString evaluates a string literal or a sum of them.
func jsConstString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, ok1 := jsConstString(e.X)
			y, ok2 := jsConstString(e.Y)
			return x + y, ok1 && ok2
		}
	case *ast.ParenExpr:
		return jsConstString(e.X)
	}
	return "", false
}

// jsRealSnippets returns code shaped like real code: minified bundles
// (esbuild, terser, UMD wrappers), unminified modules with JSDoc and
// old-style scripts.
func jsRealSnippets() []string {
	return []string{
		`!function(t,e){"object"==typeof exports&&"undefined"!=typeof module?module.exports=e():"function"==typeof define&&define.amd?define(e):(t="undefined"!=typeof globalThis?globalThis:t||self).bootstrap=e()}(this,function(){"use strict";const t=new Map,e={set(e,i,n){t.has(e)||t.set(e,new Map);const s=t.get(e);s.has(i)||0===s.size?s.set(i,n):console.error(` + "`Bootstrap doesn't allow more than one instance per element. Bound instance: ${Array.from(s.keys())[0]}.`" + `)}},i=t=>(t&&window.CSS&&window.CSS.escape&&(t=t.replace(/#([^\s"#']+)/g,(t,e)=>` + "`#${CSS.escape(e)}`" + `)),t);return e});`,
		`import{a as e,b as t}from"./chunk-5XQ2.js";import"./polyfills.js";const n=/^(?:[a-z+]+:)?\/\//i,r=e=>n.test(e)?e:new URL(e,location.href).href;export{r as resolve};export*from"../shared/index.js";const o=()=>import("./lazy-3F2A.js").then(e=>e.default),i=new URL("./worker-9A1B.js",import.meta.url);` + "\n//# sourceMappingURL=main-ABCD.js.map\n",
		"/**\n * @license\n * Copyright 2010-2025 Three.js Authors\n * SPDX-License-Identifier: MIT\n */\nconst REVISION = '181';\n\nconst MOUSE = { LEFT: 0, MIDDLE: 1, RIGHT: 2, ROTATE: 0, DOLLY: 1, PAN: 2 };\n\n/**\n * Returns the index of the given value.\n *\n * @param {number} x - The value.\n * @return {number} The index.\n */\nfunction clamp( value, min, max ) {\n\n\treturn Math.max( min, Math.min( max, value ) );\n\n}\n\nclass Vector2 {\n\n\tconstructor( x = 0, y = 0 ) {\n\n\t\tVector2.prototype.isVector2 = true;\n\t\tthis.x = x;\n\t\tthis.y = y;\n\n\t}\n\n\tget width() {\n\n\t\treturn this.x;\n\n\t}\n\n\tdivideScalar( scalar ) {\n\n\t\treturn this.multiplyScalar( 1 / scalar );\n\n\t}\n\n}\n\nexport { MOUSE, REVISION, Vector2, clamp };\n",
		"/*!\n * jQuery JavaScript Library v3.7.1\n */\n( function( global, factory ) {\n\n\t\"use strict\";\n\n\tif ( typeof module === \"object\" && typeof module.exports === \"object\" ) {\n\t\tmodule.exports = global.document ?\n\t\t\tfactory( global, true ) :\n\t\t\tfunction( w ) {\n\t\t\t\treturn factory( w );\n\t\t\t};\n\t} else {\n\t\tfactory( global );\n\t}\n\n} )( typeof window !== \"undefined\" ? window : this, function( window, noGlobal ) {\n\nvar rtrimCSS = new RegExp( \"^\" + whitespace + \"+|((?:^|[^\\\\\\\\])(?:\\\\\\\\.)*)\" + whitespace + \"+$\", \"g\" ),\n\trquickExpr = /^(?:\\s*(<[\\w\\W]+>)[^>]*|#([\\w-]+))$/,\n\trsingleTag = ( /^<([a-z][^\\/\\0>:\\x20\\t\\r\\n\\f]*)[\\x20\\t\\r\\n\\f]*\\/?>(?:<\\/\\1>|)$/i );\n\njQuery.fn.extend( {\n\tfind: function( selector ) {\n\t\tvar i, ret, len = this.length;\n\t\tfor ( i = 0; i < len; i++ ) {\n\t\t\tjQuery.find( selector, self[ i ], ret );\n\t\t}\n\t\treturn len > 1 ? jQuery.uniqueSort( ret ) : ret;\n\t}\n} );\n\nreturn jQuery;\n} );\n",
		"var a = b\n/hi/g.exec(c).map(d);\nx = y / z / w;\nlabel: for (const k of o) if (k) continue label; else break;\ndo /re/.test(s); while (i-- > 0)\n<!-- html comment\n--> another\nlet t = tag`a${b}c${`d${e}`}`;\n#!not a hashbang\n",
		"async function* g() { for await (const x of y) yield /re/; await /x/; }\nclass A { #p = 1; static #q() { return this.#p?.x ?? 0; } get [k]() {} }\nconst n = [0x1F, 0b101n, 0o17, 1_000_000, .5e-3, 2e+10, 08];",
		// lexer corners: Unicode spaces and line terminators, HTML-like
		// comments, escapes in names, numbers next to names, ?= and ~=
		"a\u00a0/ b /\u2028 c\u3000return /x/\ufeff;// x\u2029import \"./a.js\"",
		"x\n/* \n */ --> c\n/* */ --> d\n<!-- e\r\n-->f",
		"\\u0069mport \"./a.js\"; i\\u{6d}port(\"./b.js\"); \u00e9t\u00e9 = \u2118x",
		"1in x; 1_; 0x; 0b2; 1.e5; 1..a; 1n; .5n; 0_1; 08; 1e+; a ?= b; ~= c",
		"`${(}` + `${)}`; `a${ {b: `c${d}`} }`; a.for(x) / 2; for await (x of y) /z/",
	}
}

// FuzzScanJSDifferential checks scanJS against the reference, seeded with
// the table tests' inputs and real-looking code.
func FuzzScanJSDifferential(f *testing.F) {
	jsNoRefBugs := strings.NewReplacer("\u2118", "x", "\u212E", "x", "\u309B", "x", "\u309C", "x")
	for _, s := range jsSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// Two bugs of the reference's lexer are kept out: it decodes invalid
		// UTF-8 from the lead byte alone, so that "\xC3(" is the name è and
		// swallows the (, and its ID_Continue lacks Other_ID_Start, so that
		// it splits import℘ into import and ℘ (one name in the spec).
		src = jsNoRefBugs.Replace(strings.ToValidUTF8(src, "?"))
		if d := jsDifference([]byte(src)); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
	})
}

// TestScanJSMatchesReferenceOnRealFiles compares scanJS with the reference
// on the JavaScript of the real asset tree.
func TestScanJSMatchesReferenceOnRealFiles(t *testing.T) {
	tree := realTree(t)
	n := 0
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") && !strings.HasSuffix(p, ".mjs") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if d := jsDifference(src); d != "" {
			t.Errorf("%s: %s", p, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files", n)
}
