package build

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestScanHTML(t *testing.T) {
	w := func(raw, url string) scanWant { return scanWant{raw, url} }
	tests := []struct {
		name string
		src  string
		want []scanWant
	}{
		// attribute syntax
		{"double quoted", `<img src="a.png">`, raws("a.png")},
		{"single quoted", `<img src='a.png'>`, raws("a.png")},
		{"unquoted", `<img src=a.png>`, raws("a.png")},
		{"unquoted before space", `<img src=a.png alt=x>`, raws("a.png")},
		{"upper case", `<IMG SRC="a.png">`, raws("a.png")},
		{"spaces around =", "<img src = \"a.png\"\n>", raws("a.png")},
		{"spaces in value trimmed", "<img src=\" a.png\t\">", raws("a.png")},
		{"self closing", `<img src="a.png"/>`, raws("a.png")},
		{"self closing unquoted keeps slash", `<img src=a.png/>`, raws("a.png/")},
		{"slash between attributes", `<img/src="a.png"/alt="">`, raws("a.png")},
		{"value with >", `<img alt="a>b" src="a.png">`, raws("a.png")},
		{"value with quote", `<img alt='say "hi"' src="a.png">`, raws("a.png")},
		{"name then =", `<img =src="x.png" src="a.png">`, raws("a.png")},
		{"attribute without value", `<img hidden src="a.png">`, raws("a.png")},
		{"repeated attribute", `<img src="a.png" SRC="b.png">`, raws("a.png")},
		{"not a repeat under unicode folding", "<img \u017frc=\"x.png\" src=\"a.png\">", raws("a.png")},
		{"empty value", `<img src="">`, nil},
		{"blank value", `<img src="  ">`, nil},
		{"no value", `<img src>`, nil},
		{"char refs", `<a href="p.html?a=1&amp;b=2">`, []scanWant{w("p.html?a=1&amp;b=2", "p.html?a=1&b=2")}},
		{"numeric char refs", `<img src="&#97;&#x2e;png">`, []scanWant{w("&#97;&#x2e;png", "a.png")}},
		{"legacy ref before = kept", `<a href="x?a=1&copy=2">`, raws("x?a=1&copy=2")},
		{"no prefix match in attribute", `<a href="x?a&section=2&notit;">`, raws("x?a&section=2&notit;")},
		{"legacy ref without ;", `<a href="x?a&copy">`, []scanWant{w("x?a&copy", "x?a©")}},
		// which attributes
		{"script src", `<script src="app.js"></script>`, raws("app.js")},
		{"link href", `<link rel="stylesheet" href="s.css">`, raws("s.css")},
		{"a href", `<a href="/page.html#top">x</a>`, raws("/page.html#top")},
		{"base href", `<base href="/static/">`, nil},
		{"xlink href", `<svg><use xlink:href="sprite.svg#i"></use><image href="i.png"/></svg>`, raws("sprite.svg#i", "i.png")},
		{"video", `<video poster="p.jpg" src="v.mp4"><source src="v.webm"><track src="t.vtt"></video>`, raws("p.jpg", "v.mp4", "v.webm", "t.vtt")},
		{"object data", `<object data="o.svg" type="image/svg+xml"></object>`, raws("o.svg")},
		{"data elsewhere", `<div data="x.png"></div>`, nil},
		{"action", `<form action="/send.php"></form>`, nil},
		{"iframe embed input", `<iframe src="f.html"></iframe><embed src="e.swf"><input type=image src="i.png">`, raws("f.html", "e.swf", "i.png")},
		{"placeholders kept", `<img src="{{ url }}"><a href="data:,x">`, raws("{{ url }}", "data:,x")},
		// meta
		{"og image", `<meta property="og:image" content="/og.png">`, raws("/og.png")},
		{"content first", `<meta content="/tw.png" name="Twitter:Image">`, raws("/tw.png")},
		{"tile image", `<meta name="msapplication-TileImage" content="/tile.png">`, raws("/tile.png")},
		{"og video secure", `<meta property="og:video:secure_url" content="https://x/v.mp4">`, raws("https://x/v.mp4")},
		{"meta other", `<meta name="description" content="x.png"><meta property="og:title" content="a.png">`, nil},
		{"content elsewhere", `<div property="og:image" content="x.png"></div>`, nil},
		// srcset
		{"srcset", `<img srcset="a.png 1x, b.png 2x">`, raws("a.png", "b.png")},
		{"srcset widths no spaces", `<img srcset="a.png 100w,b.png 200w" sizes="50vw">`, raws("a.png", "b.png")},
		{"srcset no descriptors", `<img srcset="a.png, b.png">`, raws("a.png", "b.png")},
		{"srcset trailing commas", `<img srcset="a.png,, b.png,">`, raws("a.png", "b.png")},
		{"srcset data url with comma", `<img srcset="data:image/png;base64,AAA= 1x, b.png 2x">`, raws("data:image/png;base64,AAA=", "b.png")},
		{"srcset parens in descriptor", `<img srcset="a.png foo(1, 2) 1x, b.png">`, raws("a.png", "b.png")},
		{"srcset newlines", "<img srcset=\"\n  a.png 1x,\n  b.png 2x\n\">", raws("a.png", "b.png")},
		{"srcset char refs", `<img srcset="a.png?x=1&amp;y=2 2x">`, []scanWant{w("a.png?x=1&amp;y=2", "a.png?x=1&y=2")}},
		{"source srcset", `<picture><source srcset="x.webp" type="image/webp"><img src="x.jpg"></picture>`, raws("x.webp", "x.jpg")},
		{"link imagesrcset", `<link rel=preload as=image href="a.png" imagesrcset="a.png 1x, b.png 2x">`, raws("a.png", "a.png", "b.png")},
		{"srcset empty", `<img srcset=""><img srcset=" , ">`, nil},
		{"srcset elsewhere", `<div srcset="a.png"></div>`, nil},
		// style
		{"style attribute", `<div style="background:url(a.png)">`, raws("a.png")},
		{"style attribute single", `<div style='background:url("b.png") , url(c.png)'>`, raws("b.png", "c.png")},
		{"style attribute with char ref", `<div style="background:url(&quot;a.png&quot;)">`, nil},
		{"style element", `<style>@import "x.css"; .a{background:url(a.png)}</style>`, raws("x.css", "a.png")},
		{"style element upper", `<STYLE media="print">.a{b:url(a.png)}</STYLE>`, raws("a.png")},
		{"style element no decoding", `<style>.a{b:url(a.png?x&amp;y)}</style>`, raws("a.png?x&amp;y")},
		{"style element markup", `<style>/* <img src="x.png"> */</style>`, nil},
		// script
		{"module", `<script type="module">import "./m.js"; import x from "lodash"</script>`, raws("./m.js")},
		{"module type case", "<script type=\" Module \">import \"./m.js\"</script>", raws("./m.js")},
		{"classic", `<script>import("./d.js")</script>`, raws("./d.js")},
		{"text javascript", "<script type=\"text/javascript\">f()\n//# sourceMappingURL=x.map\n</script>", raws("x.map")},
		{"script markup text", `<script>document.write('<img src="x.png">')</script>`, nil},
		{"script src ignores text", `<script type="module" src="x.js">import "./no.js"</script>`, raws("x.js")},
		{"importmap", `<script type="importmap">{"imports":{"a":"./a.js"}}</script>`, nil},
		{"template script", `<script type="text/template"><img src="t.png"></script>`, nil},
		{"json script", `<script type="application/json">import "./no.js"</script>`, nil},
		{"script error keeps refs", "<script>import \"./a.js\"; const s = \"oops\n</script><img src=\"b.png\">", raws("./a.js", "b.png")},
		// other text
		{"noscript is markup", `<noscript><img src="n.png"><link rel=stylesheet href="n.css"></noscript>`, raws("n.png", "n.css")},
		{"textarea", `<textarea><img src="t.png"></textarea>`, nil},
		{"title", `<title><img src="t.png"></title>`, nil},
		{"comment", `<!-- <img src="c.png"> --><!--[if IE]><link href="ie.css"><![endif]-->`, nil},
		{"doctype and text", `<!DOCTYPE html><p>src="x.png" url(a.png)</p>`, nil},
		{"end tag attributes", `</a href="x.png">`, nil},
		{"unclosed tag at EOF", `<img src="a.png"`, nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScan(t, tt.src, scanHTML([]byte(tt.src)), tt.want, htmlDecode)
		})
	}
}

func TestScanHTMLOffsetsAfterMultibyte(t *testing.T) {
	src := "<p title=\"ünï\">cödé ✓ 𝄞</p><img alt=\"ä\" src=\"bild-ö.png\"><style>.é{b:url(ü.png)}</style>"
	refs := scanHTML([]byte(src))
	a, b := strings.Index(src, "bild-ö.png"), strings.Index(src, "ü.png")
	if len(refs) != 2 || refs[0].Start != a || refs[0].End != a+len("bild-ö.png") || refs[1].Start != b {
		t.Fatalf("got %+v, want refs at %d and %d", refs, a, b)
	}
}

func TestScanHTMLPage(t *testing.T) {
	src := "<!doctype html>\n<html lang=en><head><meta charset=utf-8>" +
		`<meta property="og:image" content="/static/og.png">` +
		`<link rel="icon" href="/favicon.ico"><link rel=stylesheet href=css/app.css>` +
		"<style>body{background:url('img/bg.png')}</style>" +
		`<script type="importmap">{"imports":{"vue":"./vue.js"}}</script>` +
		"<script type=module>import {a} from './js/a.js';const s = \"<img src='no.png'>\";" +
		"import('./js/lazy.js');</script>\n<!-- <img src=\"old.png\"> -->" +
		`</head><body><a href="about.html?x=1&amp;y=2#top">Über</a>` +
		`<img src="img/a.png" srcset="img/a@2x.png 2x, img/a@3x.png 3x" alt="ä">` +
		`<div style="background-image:url(img/c.png)"></div>` +
		"<script src=\"js/app.js\" defer></script></body></html>"
	checkScan(t, src, scanHTML([]byte(src)), []scanWant{
		{raw: "/static/og.png"}, {raw: "/favicon.ico"}, {raw: "css/app.css"}, {raw: "img/bg.png"},
		{raw: "./js/a.js"}, {raw: "./js/lazy.js"},
		{raw: "about.html?x=1&amp;y=2#top", url: "about.html?x=1&y=2#top"},
		{raw: "img/a.png"}, {raw: "img/a@2x.png"}, {raw: "img/a@3x.png"}, {raw: "img/c.png"}, {raw: "js/app.js"},
	}, htmlDecode)
}

// htmlDecode is how an HTML ref's URL relates to its raw text.
func htmlDecode(raw string) string { return unescapeAttr([]byte(raw)) }

// attrOracle decodes a raw attribute value with x/net/html's tokenizer,
// which applies the attribute rules itself.
func attrOracle(raw string) string {
	z := xhtml.NewTokenizer(strings.NewReader(`<a v="` + raw + `">`))
	z.Next()
	_, v, _ := z.TagAttr()
	return string(v)
}

func TestUnescapeAttr(t *testing.T) {
	for _, raw := range []string{
		"", "a", "&", "&&", "&;", "&#", "&#;", "&#x", "&#x;", "&#65", "&#65;", "&#x41;x", "&#65abc;", "&#0;", "&#128;",
		"&amp", "&amp;", "&amp=", "&amp;=", "&ampx", "&ampx;", "&AMP", "&copy=1", "&copy;=1", "&copy", "&copy x",
		"&not", "&notit", "&notit;", "&notin;", "&semi;", "&semi", "&fjlig;", "&nvlt;", "&NotANameAtAll;",
		"&sect", "&section", "&sect;ion", "&lt&gt", "&lt;&gt;", "x?a=1&b=2&c", "&amp;&amp;", "&&amp;", "&#x1F600;",
	} {
		if got, want := unescapeAttr([]byte(raw)), attrOracle(raw); got != want {
			t.Errorf("unescapeAttr(%q) = %q, want %q", raw, got, want)
		}
	}
}

func FuzzUnescapeAttr(f *testing.F) {
	for _, s := range []string{"&amp;", "&copy=", "&notit;", "&#x41", "a&b", "&semi;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		// the tokenizer also turns CR and NUL into LF and U+FFFD
		if strings.ContainsAny(raw, "\"\r\x00") {
			return
		}
		if got, want := unescapeAttr([]byte(raw)), attrOracle(raw); got != want {
			t.Errorf("unescapeAttr(%q) = %q, want %q", raw, got, want)
		}
	})
}

func FuzzScanHTML(f *testing.F) {
	for _, s := range []string{
		`<img src="a.png" srcset="b.png 1x, c.png 2x">`, `<a href=x&amp;y>`, `<meta content=a name=og:image>`,
		`<div style="b:url(a.png)">`, `<style>a{b:url(x)}</style>`, `<script type=module>import "./a.js"</script>`,
		`<noscript><img src=a></noscript>`, `<img srcset=",a,, b (1,2) 1x,c">`, `<img =src=a/>`, `<img src='a`,
		"<script>`${</script><img src=b>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		refs := scanHTML([]byte(src))
		if err := refsInvariant(src, refs, htmlDecode); err != nil {
			t.Fatal(err)
		}
	})
}
