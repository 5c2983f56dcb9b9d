package build

import (
	"slices"
	"strings"
	"testing"
)

// memFile makes a file whose references are given as raw texts found in
// data, in order, so that plan tests need no scanner.
func memFile(name string, versioned bool, data string, refs ...string) *file {
	f := &file{name: name, data: []byte(data), versioned: versioned}
	at := 0
	for _, r := range refs {
		i := strings.Index(data[at:], r)
		if i < 0 {
			panic("ref " + r + " not in " + name)
		}
		f.refs = append(f.refs, Ref{Start: at + i, End: at + i + len(r), URL: r})
		at += i + len(r)
	}
	return f
}

func TestPlanOrdersByDependency(t *testing.T) {
	files := []*file{
		memFile("index.html", false, `<link href="css/site.css"><img src="img/a.png"><a href="about/">`, "css/site.css", "img/a.png", "about/"),
		memFile("about/index.html", false, `<a href="../index.html">`, "../index.html"),
		memFile("css/site.css", true, `@import "base.css"; url(../img/a.png)`, "base.css", "../img/a.png"),
		memFile("css/base.css", true, `url(../img/b.png)`, "../img/b.png"),
		{name: "img/a.png", versioned: true},
		{name: "img/b.png", versioned: true},
	}
	p, err := makePlan(files, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"about/index.html", "img/a.png", "img/b.png"},
		{"css/base.css"},
		{"css/site.css"},
		{"index.html"},
	}
	if !slices.EqualFunc(p.levels, want, slices.Equal) {
		t.Errorf("levels = %v, want %v", p.levels, want)
	}
	// The page's links to unversioned pages are checked but not rewritten.
	var targets []string
	for _, rw := range p.rewrites["index.html"] {
		targets = append(targets, rw.target.name)
	}
	if !slices.Equal(targets, []string{"css/site.css", "img/a.png"}) {
		t.Errorf("index.html rewrites %v", targets)
	}
	if len(p.rewrites["about/index.html"]) != 0 || len(p.broken) != 0 {
		t.Errorf("about rewrites %v, broken %v", p.rewrites["about/index.html"], p.broken)
	}
}

func TestPlanNamesCycle(t *testing.T) {
	files := []*file{
		memFile("a.css", true, `@import "b.css";`, "b.css"),
		memFile("b.css", true, `@import "c.css";`, "c.css"),
		memFile("c.css", true, `@import "a.css";`, "a.css"),
		memFile("d.css", true, `@import "a.css";`, "a.css"),
	}
	_, err := makePlan(files, "/static/")
	if err == nil || err.Error() != "reference cycle: a.css → b.css → c.css → a.css" {
		t.Fatalf("err = %v", err)
	}
	self := []*file{memFile("x.js", true, `import("./x.js")`, "./x.js")}
	if _, err := makePlan(self, "/static/"); err == nil || err.Error() != "reference cycle: x.js → x.js" {
		t.Fatalf("self reference: err = %v", err)
	}
}

func TestPlanReportsBrokenReferencesWithPosition(t *testing.T) {
	files := []*file{
		memFile("css/site.css", true, "body {\n  background: url(../img/gone.png);\n}\n", "../img/gone.png"),
		memFile("index.html", false, "<p>\n<img src=\"../../up.png\">", "../../up.png"),
	}
	p, err := makePlan(files, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`css/site.css:2:19: broken reference "../img/gone.png": no such file img/gone.png`,
		`index.html:2:11: broken reference "../../up.png" points outside the source tree`,
	}
	var got []string
	for _, b := range p.broken {
		got = append(got, b.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("broken =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestResolve(t *testing.T) {
	exists := func(n string) bool {
		return slices.Contains([]string{"css/site.css", "img/a b.png", "img/logo.svg", "fonts/fa.woff2", "index.html", "docs/index.html"}, n)
	}
	tests := []struct {
		from, raw, prefix string
		want              string // target name, or "skip", or "broken"
		dir               bool
	}{
		{"css/site.css", "../img/logo.svg", "/static/", "img/logo.svg", false},
		{"css/site.css", "../fonts/fa.woff2?#iefix", "/static/", "fonts/fa.woff2", false},
		{"css/site.css", "../fonts/fa.woff2?v=4.7.0", "/static/", "fonts/fa.woff2", false},
		{"css/site.css", "../img/logo.svg#frag", "/static/", "img/logo.svg", false},
		{"css/site.css", "../img/a%20b.png", "/static/", "img/a b.png", false},
		{"css/site.css", "/static/img/logo.svg", "/static/", "img/logo.svg", false},
		{"css/site.css", "https://cdn.example.com/static/img/logo.svg", "https://cdn.example.com/static/", "img/logo.svg", false},
		{"index.html", "docs/", "/static/", "docs/index.html", true},
		{"index.html", "docs", "/static/", "docs/index.html", true},
		{"docs/index.html", "../", "/static/", "index.html", true},
		{"index.html", "/static/", "/static/", "index.html", true},
		{"index.html", "./", "/static/", "index.html", true},
		{"index.html", " css/site.css\n", "/static/", "css/site.css", false},
		// Skipped forms.
		{"css/site.css", "data:image/png;base64,AAAA", "/static/", "skip", false},
		{"css/site.css", "http://example.com/x.png", "/static/", "skip", false},
		{"css/site.css", "HTTPS://example.com/x.png", "/static/", "skip", false},
		{"css/site.css", "//example.com/x.png", "/static/", "skip", false},
		{"css/site.css", "#frag", "/static/", "skip", false},
		{"css/site.css", "", "/static/", "skip", false},
		{"index.html", "mailto:a@example.com", "/static/", "skip", false},
		{"index.html", "/about/", "/static/", "skip", false},
		{"index.html", "{{ url }}/x.png", "/static/", "skip", false},
		{"index.html", "{% static 'x.png' %}", "/static/", "skip", false},
		{"js/a.js", "${base}/x.js", "/static/", "skip", false},
		// Broken.
		{"css/site.css", "../img/missing.png", "/static/", "broken", false},
		{"css/site.css", "../../outside.png", "/static/", "broken", false},
		{"css/site.css", "/static/../x.png", "/static/", "broken", false},
		{"css/site.css", "../img/%zz.png", "/static/", "broken", false},
		{"index.html", "nodocs/", "/static/", "broken", false},
	}
	for _, tt := range tests {
		tgt, out, msg := resolve(tt.from, tt.raw, tt.raw, tt.prefix, exists)
		got := tgt.name
		switch out {
		case skipped:
			got = "skip"
		case broken:
			got = "broken"
			if msg == "" {
				t.Errorf("resolve(%q, %q): broken without a message", tt.from, tt.raw)
			}
		}
		if got != tt.want || (out == resolved && tgt.dir != tt.dir) {
			t.Errorf("resolve(%q, %q) = %q dir=%v (%s), want %q dir=%v", tt.from, tt.raw, got, tgt.dir, msg, tt.want, tt.dir)
		}
	}
}

func TestRenamedChangesOnlyTheLastSegment(t *testing.T) {
	exists := func(string) bool { return true }
	tests := []struct{ from, raw, out, want string }{
		{"css/a.css", "../fonts/fa.woff2?#iefix", "fonts/fa.0123456789ab.woff2", "../fonts/fa.0123456789ab.woff2?#iefix"},
		{"css/a.css", "../img/a%20b.png", "img/a b.0123456789ab.png", "../img/a%20b.0123456789ab.png"},
		{"css/a.css", "/static/img/x.png#f", "img/x.0123456789ab.png", "/static/img/x.0123456789ab.png#f"},
		{"css/a.css", "b.css", "css/b.0123456789ab.css", "b.0123456789ab.css"},
		{"js/a.js", "./a.js.map", "js/a.js.0123456789ab.map", "./a.js.0123456789ab.map"},
		{"index.html", "  img/x.png ", "img/x.0123456789ab.png", "  img/x.0123456789ab.png "},
		{"css/a.css", "../img/%78.png", "img/x.0123456789ab.png", "../img/%78.0123456789ab.png"},
	}
	for _, tt := range tests {
		tgt, out, msg := resolve(tt.from, tt.raw, tt.raw, "/static/", exists)
		if out != resolved {
			t.Fatalf("resolve(%q) = %v %s", tt.raw, out, msg)
		}
		if got := renamed(tt.raw, tgt, tt.out); got != tt.want {
			t.Errorf("renamed(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
