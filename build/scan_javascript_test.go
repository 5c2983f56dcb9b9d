package build

import (
	"strings"
	"testing"
)

func TestScanJS(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []scanWant
	}{
		// static imports and re-exports
		{"side effect", `import "./x.js";`, raws("./x.js")},
		{"side effect single", `import './x.js'`, raws("./x.js")},
		{"default", `import x from "./x.js";`, raws("./x.js")},
		{"named", `import {a as b, c} from '../y.js';`, raws("../y.js")},
		{"namespace", `import * as ns from "./z.js";`, raws("./z.js")},
		{"default and named", `import x, {y} from "/abs/x.js";`, raws("/abs/x.js")},
		{"default and namespace", `import x, * as y from "./x.js";`, raws("./x.js")},
		{"string name", `import {"a-b" as c} from "./s.js";`, raws("./s.js")},
		{"keyword names", `import {default as d, if as i} from "./k.js";`, raws("./k.js")},
		{"binding named from", `import from from "./from.js"; import {from} from "./f2.js"`, raws("./from.js", "./f2.js")},
		{"multi line", "import {\n  a,\n  b, // c \"./no.js\"\n} from \"./m.js\"", raws("./m.js")},
		{"with attributes", `import data from "./d.json" with {type: "json"};`, raws("./d.json")},
		{"assert attributes", `import data from "./d.json" assert {type: "json"};`, raws("./d.json")},
		{"export star", `export * from "./a.js";`, raws("./a.js")},
		{"export named", `export {a} from "./a.js";`, raws("./a.js")},
		{"export star as", `export * as ns from "./a.js";`, raws("./a.js")},
		{"export star as string", `export * as "n-s" from "./a.js";`, raws("./a.js")},
		{"export default as", `export {default, x as default} from "./a.js";`, raws("./a.js")},
		{"export with attributes", `export {default} from "./a.json" with {type: "json"};`, raws("./a.json")},
		{"minified", `import{a as e}from"./a.js";export*from"../b.js";export{c}from"/c.js"`, raws("./a.js", "../b.js", "/c.js")},
		{"comments inside", `import /* "./no.js" */ x /**/ from /* x */ "./x.js"`, raws("./x.js")},
		{"protocol relative", `import "//cdn.example/x.js"`, raws("//cdn.example/x.js")},
		{"query", `import "./x.js?v=1#f"`, raws("./x.js?v=1#f")},
		// dynamic import
		{"dynamic", `import("./x.js")`, raws("./x.js")},
		{"dynamic single with options", `import('./x.js', {with: {type: "json"}})`, raws("./x.js")},
		{"dynamic template", "import(`./t.js`)", raws("./t.js")},
		{"dynamic spaces", `await import ( "./x.js" ).then(m => m)`, raws("./x.js")},
		{"dynamic trailing comma", `import("./x.js",)`, raws("./x.js")},
		{"dynamic in arrow", `const f = () => import("../lazy.js");`, raws("../lazy.js")},
		{"dynamic variable", `import(name)`, nil},
		{"dynamic concatenation", `import("./a" + b)`, nil},
		{"dynamic template substitution", "import(`./${x}.js`)", nil},
		{"dynamic property", `foo.import("./x.js"); foo?.import("./y.js")`, nil},
		// new URL
		{"new URL", `new URL("./img.png", import.meta.url)`, raws("./img.png")},
		{"new URL href", `const u = new URL('../a.svg', import.meta.url).href`, raws("../a.svg")},
		{"new URL template", "new URL(`./t.png`, import.meta.url)", raws("./t.png")},
		{"new URL spaces", "new URL( \"./a.png\" ,\n import . meta . url )", raws("./a.png")},
		{"new URL comment inside", `new URL("./a.png", /*# sourceMappingURL=b.map */ import.meta.url)`, raws("./a.png", "b.map")},
		{"new URL other base", `new URL("./x.png", location.href)`, nil},
		{"new URL no base", `new URL("./x.png")`, nil},
		{"new URL meta other", `new URL("./x.png", import.meta.resolve)`, nil},
		{"new URL meta url property", `new URL("./x.png", import.meta.url.x)`, nil},
		{"URL without new", `URL("./x.png", import.meta.url)`, nil},
		{"new other class", `new Foo("./x.png", import.meta.url)`, nil},
		// bare specifiers are no files
		{"bare", `import "lodash"; import x from "three"; import "@popperjs/core"; import fs from "node:fs"`, nil},
		{"bare dynamic", `import("lodash"); import("https://cdn.example/x.js")`, nil},
		{"bare new URL", `new URL("img.png", import.meta.url)`, nil},
		{"bare re-export", `export * from "react"`, nil},
		{"bare then relative", `import "a"; import "./b.js"`, raws("./b.js")},
		// source maps
		{"source map", "f();\n//# sourceMappingURL=x.js.map", raws("x.js.map")},
		{"source map trailing space", "//# sourceMappingURL=x.js.map  \n", raws("x.js.map")},
		{"source map crlf", "//# sourceMappingURL=x.js.map\r\n", raws("x.js.map")},
		{"source map legacy", "//@ sourceMappingURL=old.map", raws("old.map")},
		{"source map block", "/*# sourceMappingURL=b.map */", raws("b.map")},
		{"source map block multi line", "/*# sourceMappingURL=b.map\n*/", raws("b.map")},
		{"source map absolute", "//# sourceMappingURL=https://x.example/a.map", raws("https://x.example/a.map")},
		{"source map data", "//# sourceMappingURL=data:application/json;base64,eyJ2IjozfQ==", raws("data:application/json;base64,eyJ2IjozfQ==")},
		{"source map empty", "//# sourceMappingURL=", nil},
		{"source map not at start", "// see # sourceMappingURL=x.map", nil},
		{"html comment", "<!--# sourceMappingURL=x.map\n", nil},
		// not references
		{"string", `const s = "import './x.js'"`, nil},
		{"regex", `const r = /import "a"/`, nil},
		{"regex after paren", `x = (/import '.\/x'/)`, nil},
		{"line comment", `// import "./x.js"`, nil},
		{"block comment", `/* import "./x.js" */`, nil},
		{"template text", "const t = `import \"./x.js\"`", nil},
		{"template substitution text", "`${a}import \"./x.js\"${b}`", nil},
		{"import meta", `const u = import.meta.url; import.meta.resolve("./x.js")`, nil},
		{"object key", `x = {import: "./x.js", export: "./y.js"}`, nil},
		{"export default string", `export default "./x.js"`, nil},
		{"export const", `export const a = "./a.js"`, nil},
		{"export local then string", `export {a}; "./x.js"`, nil},
		{"export local then statement", "export {a}\nfoo(\"./x.js\")", nil},
		{"from elsewhere", `const from = 1; f(from, "./x.js")`, nil},
		{"property import", `a.import; b.export * from "./x.js"`, nil},
		// the regex / division decision
		{"division", `a = b / 2; c = "/"; import "./r.js"`, raws("./r.js")},
		{"regex with quote", `x = /"/.test(s); import "./q.js"`, raws("./q.js")},
		{"regex with slash in class", `x = /[/"]/g; import "./q.js"`, raws("./q.js")},
		{"regex escaped slash", `x = /\/"/; import "./q.js"`, raws("./q.js")},
		{"regex div-eq", `x = /=a"/; import "./q.js"`, raws("./q.js")},
		{"division assign", `a /= 2; b = "/"; import "./q.js"`, raws("./q.js")},
		{"regex after if", `if (x) /'/.test(y); import "./p.js"`, raws("./p.js")},
		{"regex after while", "while (a) /'/g.exec(s)\nimport \"./w.js\"", raws("./w.js")},
		{"division after call", `f(a) / 2; b = "/"; import "./c.js"`, raws("./c.js")},
		{"regex after return", "function f(){return /'/}\nimport \"./r.js\"", raws("./r.js")},
		{"regex after typeof", `typeof /'/; import "./t.js"`, raws("./t.js")},
		{"regex after arrow", "f = s => /'/.test(s); import \"./a.js\"", raws("./a.js")},
		{"division after postfix", `a++ / 2; b = "/"; import "./i.js"`, raws("./i.js")},
		{"regex after prefix", `x = ++/'/.lastIndex; import "./i.js"`, raws("./i.js")},
		{"division after keyword property", `a.return / 2; b = "/"; import "./k.js"`, raws("./k.js")},
		{"division after bracket", `a[0] / 2; b = "/"; import "./b.js"`, raws("./b.js")},
		{"division after identifier", `x / 2; b = "/"; import "./d.js"`, raws("./d.js")},
		{"division after number string regex", `1 / 2; "a" / 2; /a/ / 2; b = "/"; import "./d.js"`, raws("./d.js")},
		{"division after template", "`a` / 2; b = \"/\"; import \"./d.js\"", raws("./d.js")},
		{"division after this", `this / 2; b = "/"; import "./d.js"`, raws("./d.js")},
		{"division after if property call", `a.if(x) / 2; b = "/"; import "./d.js"`, raws("./d.js")},
		{"regex in template substitution", "x = `${/'/.source}`; import \"./t.js\"", raws("./t.js")},
		{"regex in template middle", "x = `${a}${/'/.source}`; import \"./t.js\"", raws("./t.js")},
		// template literals
		{"nested templates", "x = `a${`b${`c${import(\"./n.js\")}`}`}d`", raws("./n.js")},
		{"object in substitution", "x = `${ {a: 1}.a }`; import \"./o.js\"", raws("./o.js")},
		{"import in substitution", "x = `${import(\"./real.js\")} import \"./fake.js\"`", raws("./real.js")},
		// lexer corners
		{"byte order mark", "\uFEFFimport \"./b.js\"", raws("./b.js")},
		{"unicode spaces", "x = y\u00a0/ 2; b = \"/\";\u2028import \"./u.js\"", raws("./u.js")},
		{"html close comment", "x = 1\n--> import \"./no.js\"\nimport \"./h.js\"", raws("./h.js")},
		{"html open comment", "a <!-- import \"./no.js\"\nimport \"./h.js\"", raws("./h.js")},
		{"escaped keyword is a name", "\\u0069mport(\"./no.js\"); import(\"./e.js\")", raws("./e.js")},
		{"regex after for await", "for await (x of y) /'/.test(z); import \"./f.js\"", raws("./f.js")},
		{"keyword after optional chain", "a?.return / 2; b = \"/\"; import \"./k.js\"", raws("./k.js")},
		{"numbers", "x = 1.5e-3 / .5 / 0x1F / 1_000n / 1..a; b = \"/\"; import \"./n.js\"", raws("./n.js")},
		{"braces in substitution", "`${ {a: `${ {b: 1}.b }`}.a }`; import \"./t.js\"", raws("./t.js")},
		{"hashbang", "#!/usr/bin/env node\nimport \"./cli.js\"", raws("./cli.js")},
		{"hashbang only", "#!/usr/bin/env node", nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := scanJS([]byte(tt.src))
			if err != nil {
				t.Errorf("unexpected error: %v", err)
			}
			checkScan(t, tt.src, refs, tt.want, nil)
		})
	}
}

func TestScanJSOffsetsAfterMultibyte(t *testing.T) {
	src := "const ü = \"ä✓𝄞\"; // ñ\nimport \"./ü.js\""
	refs, err := scanJS([]byte(src))
	want := strings.Index(src, "./ü.js")
	if err != nil || len(refs) != 1 || refs[0].Start != want || refs[0].End != want+len("./ü.js") {
		t.Fatalf("got %+v, %v; want one ref at %d", refs, err, want)
	}
}

func TestScanJSError(t *testing.T) {
	tests := []struct {
		name, src string
		want      []scanWant
		inErr     string
	}{
		{"unterminated string", "import \"./a.js\";\nconst s = \"oops\nimport \"./b.js\"", raws("./a.js"), "line 2"},
		{"unterminated template", "import \"./a.js\"; `abc", raws("./a.js"), "template"},
		{"unterminated regex", "import \"./a.js\"; x = /abc\n", raws("./a.js"), "line 1"},
		{"unterminated comment", "import \"./a.js\"; /* x", raws("./a.js"), "comment"},
		{"bad character", "import \"./a.js\"; @", raws("./a.js"), "unexpected"},
		{"hash at the end", "import \"./a.js\"; #", raws("./a.js"), "unexpected"},
		{"unterminated regex class", "import \"./a.js\"; x = /[/]", raws("./a.js"), "line 1"},
		{"unterminated substitution", "import \"./a.js\"; `${a`", raws("./a.js"), "template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := scanJS([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.inErr) {
				t.Errorf("error %v, want one containing %q", err, tt.inErr)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
			checkScan(t, tt.src, refs, tt.want, nil)
		})
	}
}

func TestScanJSMinified(t *testing.T) {
	src := `import{a as e}from"./chunk-A1.js";import"./side.js";` +
		`const r=/["'\/` + "`" + `]/g,q=/\/\*import "\.\/no\.js"\*\//,d=e=>e/2/r.lastIndex,` +
		`t=e=>e.replace(r,""),n=` + "`import \"./fake.js\" ${t(`import('./fake2.js')`)} ${{a:\"./fake3.js\"}.a}`" + `;` +
		`if(n)/'/.test(n)&&console.log('import "./fake4.js"');` +
		`export{t as default};export*from"../shared.js";` +
		`const u=new URL("./logo.svg",import.meta.url).href,v=import.meta.url;` +
		`import("./lazy.js").then(e=>e.default);import(n);` +
		`import("react");` + "\n//# sourceMappingURL=app.js.map\n"
	refs, err := scanJS([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkScan(t, src, refs, raws("./chunk-A1.js", "./side.js", "../shared.js", "./logo.svg", "./lazy.js", "app.js.map"), nil)
}

func FuzzScanJS(f *testing.F) {
	for _, s := range []string{
		`import x from "./x.js"; export * from "../y.js"`, `import("./a.js")`,
		`new URL("./a.png", import.meta.url)`, "//# sourceMappingURL=a.map",
		"x = `${/`/}`", `if (a) /"/.test(b)`, `a++ / 2`, "/*# sourceMappingURL=a */",
		`new URL("./a", /*# sourceMappingURL=b */ import.meta.url)`, "`${`${`", `"\`,
		"import(`./x`)", `export{a}from"./b"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		refs, _ := scanJS([]byte(src))
		if err := refsInvariant(src, refs, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// jsBenchInput returns about size bytes of JavaScript shaped like real
// code: modules that start with imports, then unminified code with JSDoc,
// line comments and tab indentation, jQuery-style code, and minified code
// dense with regular expressions, templates and strings.
func jsBenchInput(size int) []byte {
	header := "import { Vector3, Matrix4 } from \"./math/index.js\";\nimport * as utils from '../utils.js';\n" +
		"export { Loader } from \"./loaders/Loader.js\";\n\n"
	body := []string{
		"/**\n * Returns the distance between two points.\n *\n * @param {Vector3} a - The first point.\n" +
			" * @param {Vector3} b - The second point.\n * @return {number} The distance.\n */\n" +
			"export function distance( a, b ) {\n\n\tconst dx = a.x - b.x, dy = a.y - b.y;\n" +
			"\treturn Math.sqrt( dx * dx + dy * dy ) / 2;\n\n}\n\n",
		"class Loader extends Base {\n\n\tconstructor( manager ) {\n\n\t\tsuper( manager );\n\t\tthis.path = '';\n" +
			"\t\tthis.crossOrigin = 'anonymous';\n\n\t}\n\n\tload( url, onLoad, onError ) {\n\n" +
			"\t\t// resolve relative to the base path\n\t\tconst full = `${ this.path }${ url }?v=${ Date.now() }`;\n" +
			"\t\tif ( /^data:/.test( url ) ) return onLoad( url );\n" +
			"\t\treturn fetch( full ).then( ( response ) => response.json() ).catch( onError );\n\n\t}\n\n}\n\n",
		"jQuery.fn.extend( {\n\tattr: function( name, value ) {\n\t\treturn access( this, jQuery.attr, name, value, arguments.length > 1 );\n" +
			"\t},\n\n\tremoveAttr: function( name ) {\n\t\treturn this.each( function() {\n" +
			"\t\t\tjQuery.removeAttr( this, name );\n\t\t} );\n\t}\n} );\n" +
			"var rfocusable = /^(?:input|select|textarea|button)$/i,\n\trclickable = /^(?:a|area)$/i;\n\n",
		"var r=/[\\w\\-\\/]+\\.(?:png|jpe?g)$/i,n=function(e,t){return e.replace(r,\"\").split(\"/\")[t]||\"\"}," +
			"o={a:1,b:\"x\",c:'y'},s=o.a/2|0;if(s>1)n(\"a/b\",1);for(var i=0;i<10;i++)s+=i%3?1:-1;" +
			"!function(e,t){\"object\"==typeof exports&&\"undefined\"!=typeof module?module.exports=t():e.lib=t()}(this," +
			"function(){\"use strict\";const e=`tpl ${1+2} and ${`nested ${\"s\"}`}`;return{e:e,re:/\\d+(?:\\.\\d+)?/g}});\n",
	}
	footer := "const worker = new URL( \"./worker.js\", import.meta.url );\n" +
		"const lazy = () => import( \"./lazy-chunk.js\" );\n\n"
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(header)
		for range 4 {
			for _, s := range body {
				b.WriteString(s)
			}
		}
		b.WriteString(footer)
	}
	b.WriteString("//# sourceMappingURL=bundle.js.map\n")
	return []byte(b.String())
}

func BenchmarkScanJS(b *testing.B) {
	src := jsBenchInput(2 << 20)
	if _, err := scanJS(src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		scanJS(src)
	}
}
