package build

import (
	"fmt"
	"strings"
	"testing"
)

// scanWant is an expected ref: the raw text at [Start, End) and the URL
// ("" when it equals the raw text).
type scanWant struct{ raw, url string }

// raws turns raw texts into expectations whose URL is the raw text.
func raws(s ...string) []scanWant {
	w := make([]scanWant, len(s))
	for i, r := range s {
		w[i] = scanWant{raw: r}
	}
	return w
}

// checkScan compares refs with want and checks the invariants of any
// scan (see refsInvariant for decode).
func checkScan(t *testing.T, src string, got []Ref, want []scanWant, decode func(string) string) {
	t.Helper()
	if err := refsInvariant(src, got, decode); err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	var g, w []string
	for _, r := range got {
		g = append(g, fmt.Sprintf("%q=%q", src[r.Start:r.End], r.URL))
	}
	for _, x := range want {
		u := x.url
		if u == "" {
			u = x.raw
		}
		w = append(w, fmt.Sprintf("%q=%q", x.raw, u))
	}
	if strings.Join(g, " ") != strings.Join(w, " ") {
		t.Errorf("%q:\n got  %v\n want %v", src, g, w)
	}
}

// refsInvariant checks that refs lie within src, are non-empty, increasing
// and non-overlapping, and that each URL is its raw text, or the raw text
// decoded by decode when decode is not nil.
func refsInvariant(src string, refs []Ref, decode func(string) string) error {
	prev := 0
	for i, r := range refs {
		if r.Start < prev || r.End <= r.Start || r.End > len(src) {
			return fmt.Errorf("ref %d %+v: bad range (previous end %d, len %d)", i, r, prev, len(src))
		}
		prev = r.End
		raw := src[r.Start:r.End]
		if r.URL != raw && (decode == nil || r.URL != decode(raw)) {
			return fmt.Errorf("ref %d: URL %q does not match raw %q", i, r.URL, raw)
		}
	}
	return nil
}

func TestScanCSS(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []scanWant
	}{
		{"url bare", `a{background:url(a.png)}`, raws("a.png")},
		{"url spaces", "a{background:url( a.png )}", raws("a.png")},
		{"url tabs newlines", "a{background:url(\n\ta.png\n)}", raws("a.png")},
		{"url double", `a{background:url("a.png")}`, raws("a.png")},
		{"url single", `a{background:url('a.png')}`, raws("a.png")},
		{"url spaces quoted", `a{background:url(  "a b.png"  )}`, raws("a b.png")},
		{"url upper", `a{background:URL(a.png)}`, raws("a.png")},
		{"url mixed case", `a{background:Url("a.png")}`, raws("a.png")},
		{"url query fragment", `@font-face{src:url(../fonts/fa.eot?#iefix) format("embedded-opentype")}`, raws("../fonts/fa.eot?#iefix")},
		{"url escaped paren", `a{b:url(a\).png)}`, raws(`a\).png`)},
		{"url hex escape with space", `a{b:url(a\29 b.png)}`, raws(`a\29 b.png`)},
		{"url escaped quote", `a{b:url("a\"b.png")}`, raws(`a\"b.png`)},
		{"url other quote inside", `a{b:url("it's.png")}`, raws(`it's.png`)},
		{"url data", `a{b:url(data:image/png;base64,iVBORw0KGgo=)}`, raws("data:image/png;base64,iVBORw0KGgo=")},
		{"url absolute", `a{b:url(https://cdn.example/x.png)}`, raws("https://cdn.example/x.png")},
		{"url protocol relative", `a{b:url(//cdn.example/x.png)}`, raws("//cdn.example/x.png")},
		{"url fragment only", `a{filter:url(#f)}`, raws("#f")},
		{"url placeholder", `a{b:url("{{ STATIC }}/x.png")}`, raws("{{ STATIC }}/x.png")},
		{"url in custom property", `:root{--bg:url(bg.png)}`, raws("bg.png")},
		{"several urls", `a{b:url(a.png),url("b.png")}c{d:url('c.png')}`, raws("a.png", "b.png", "c.png")},
		{"url unclosed at EOF", `a{b:url(a.png`, raws("a.png")},
		{"url quoted unclosed at EOF", `a{b:url("a.png`, raws("a.png")},
		{"url empty", `a{b:url()}`, nil},
		{"url empty quoted", `a{b:url("") url('')}`, nil},
		{"url only spaces", `a{b:url(   )}`, nil},
		{"bad url space", `a{b:url(a b.png)}c{d:url(ok.png)}`, raws("ok.png")},
		{"bad url quote", `a{b:url(a"b.png)}c{d:url(ok.png)}`, raws("ok.png")},
		{"bad url newline in string", "a{b:url(\"a\nb.png\")}c{d:url(ok.png)}", raws("ok.png")},
		{"import double", `@import "x.css";`, raws("x.css")},
		{"import single media", `@import 'x.css' screen;`, raws("x.css")},
		{"import url", `@import url(x.css);`, raws("x.css")},
		{"import url quoted layer", `@import url("x.css") layer(base) supports(display:grid);`, raws("x.css")},
		{"import upper", `@IMPORT "x.css";`, raws("x.css")},
		{"import comment between", `@import/* c */ "x.css";`, raws("x.css")},
		{"import newline", "@import\n  'x.css';", raws("x.css")},
		{"import minified", `@import"a.css";@import"b.css";a{}`, raws("a.css", "b.css")},
		{"import unclosed at EOF", `@import "x.css`, raws("x.css")},
		{"import empty", `@import "";`, nil},
		{"import second string", `@import "a.css" "b.css";`, raws("a.css")},
		{"import bad string", "@import \"a\n.css;\na{b:url(c.png)}", raws("c.png")},
		{"image-set", `a{b:image-set("a.png" 1x, "b.png" 2x)}`, raws("a.png", "b.png")},
		{"image-set upper", `a{b:IMAGE-SET('a.png' 1x)}`, raws("a.png")},
		{"webkit image-set", `a{b:-webkit-image-set("a.png" 1x, url(b.png) 2x)}`, raws("a.png", "b.png")},
		{"image-set type", `a{b:image-set("a.avif" type("image/avif"), "a.jpg" type("image/jpeg"))}`, raws("a.avif", "a.jpg")},
		{"image-set nested parens", `a{b:image-set("a.png" calc(1x + (0x)), "b.png" 2x)}`, raws("a.png", "b.png")},
		{"string after image-set", `a{b:image-set("a.png" 1x);content:"x.png"}`, raws("a.png")},
		{"source map", "a{}\n/*# sourceMappingURL=app.css.map */\n", raws("app.css.map")},
		{"source map legacy", "/*@ sourceMappingURL=app.css.map */", raws("app.css.map")},
		{"source map no spaces", "/*# sourceMappingURL=app.css.map*/", raws("app.css.map")},
		{"source map no space after #", "/*#sourceMappingURL=a.map */", raws("a.map")},
		{"source map data", "/*# sourceMappingURL=data:application/json;base64,eyJ9 */", raws("data:application/json;base64,eyJ9")},
		{"source map unclosed", "/*# sourceMappingURL=a.map", raws("a.map")},
		{"source map empty", "/*# sourceMappingURL= */", nil},
		{"source map space before #", "/* # sourceMappingURL=a.map */", nil},
		{"source map wrong case", "/*# sourcemappingurl=a.map */", nil},
		{"content string", `a:after{content:"x.png"}`, nil},
		{"font family", `a{font-family:"a.png",serif}`, nil},
		{"format string", `@font-face{src:local("Foo") format("woff")}`, nil},
		{"charset", `@charset "utf-8";`, nil},
		{"attribute selector", `a[href="x.png"]{}`, nil},
		{"url in comment", `/* url(a.png) @import "x.css"; */`, nil},
		{"url in string", `a:after{content:"url(a.png)"}`, nil},
		{"import after other at-rule", `@media "x.css"{}`, nil},
		{"other function", `a{b:var(--x,"a.png")}`, nil},
		{"unicode range not url", `@font-face{unicode-range:U+0025-00FF}`, nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScan(t, tt.src, scanCSS([]byte(tt.src)), tt.want, nil)
		})
	}
}

func TestScanCSSOffsetsAfterMultibyte(t *testing.T) {
	src := "/* ünïcödé ✓ 𝄞 */.ä{content:\"é\";background:url(bild-ö.png)}"
	refs := scanCSS([]byte(src))
	want := strings.Index(src, "bild-ö.png")
	if len(refs) != 1 || refs[0].Start != want || refs[0].End != want+len("bild-ö.png") {
		t.Fatalf("got %+v, want one ref at %d", refs, want)
	}
}

func TestScanCSSMinified(t *testing.T) {
	src := `@charset "UTF-8";@import url("base.css");@import'theme.css' screen;` +
		`.icon{background:url("data:image/svg+xml;charset=utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' ` +
		`viewBox='0 0 8 8'%3E%3Cpath fill='rgba(0, 0, 0, 0.5)' d='M2 0(1)'/%3E%3C/svg%3E") no-repeat}` +
		`.b{background-image:url(../img/b.png),url('data:image/png;base64,iVBOR+/=')}` +
		`.c:after{content:"url(x.png)";font-family:"FontAwesome"}` +
		`@font-face{font-family:"FA";src:url(../fonts/fa.eot?v=4.7.0);src:url(../fonts/fa.eot?#iefix&v=4.7.0) ` +
		`format("embedded-opentype"),url('../fonts/fa.woff2?v=4.7.0') format("woff2")}` +
		`.d{background:-webkit-image-set("d.png" 1x,"d@2x.png" 2x);mask:url(#m)}` +
		"\n/*# sourceMappingURL=app.min.css.map */"
	checkScan(t, src, scanCSS([]byte(src)), raws(
		"base.css", "theme.css",
		"data:image/svg+xml;charset=utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Cpath fill='rgba(0, 0, 0, 0.5)' d='M2 0(1)'/%3E%3C/svg%3E",
		"../img/b.png", "data:image/png;base64,iVBOR+/=",
		"../fonts/fa.eot?v=4.7.0", "../fonts/fa.eot?#iefix&v=4.7.0", "../fonts/fa.woff2?v=4.7.0",
		"d.png", "d@2x.png", "#m", "app.min.css.map",
	), nil)
}

// The tdewolff lexer writes a NUL just past len(src) when it has room;
// the scanners must not let it touch the caller's array.
func TestScanDoesNotWritePastSrc(t *testing.T) {
	for name, scan := range map[string]func([]byte){
		"css":  func(b []byte) { scanCSS(b) },
		"js":   func(b []byte) { _, _ = scanJS(b) },
		"html": func(b []byte) { scanHTML(b) },
	} {
		buf := []byte(`<style>a{b:url(a.png)}</style>X`)
		n := len(buf) - 1
		scan(buf[:n])
		if buf[n] != 'X' {
			t.Errorf("%s: byte after src changed to %q", name, buf[n])
		}
	}
	// HTML hands sub-slices of its input to the CSS and JS scanners.
	src := []byte(`<style>a{b:url(a.png)}</style><script>import("./a.js")</script>`)
	orig := string(src)
	scanHTML(src)
	if string(src) != orig {
		t.Errorf("scanHTML changed its input to %q", src)
	}
}

func FuzzScanCSS(f *testing.F) {
	for _, s := range []string{
		`a{b:url(a.png)}`, `@import "x.css" screen;`, `a{b:image-set("a.png" 1x, url(b.png) 2x)}`,
		"/*# sourceMappingURL=a.map */", `a{b:url("a\"b.png")}`, `a{b:url(a\29 b)}`, "a{b:url(\"\\\xc0\")}",
		`a{b:url(a b)}`, `@import"a`, `u\rl(x)`, `a{b:url(\`, `/*`, "a{b:\"\\\r\n\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if err := refsInvariant(src, scanCSS([]byte(src)), nil); err != nil {
			t.Fatal(err)
		}
	})
}
