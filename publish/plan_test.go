package publish

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// site is a small release: a page, an error page, a versioned CSS file
// with a brotli variant, robots.txt and Django's manifest.
func site(t *testing.T, cfg config.Config, edit func(m *manifest.Manifest)) []Object {
	t.Helper()
	m := manifest.New("/static/")
	css := manifest.NewEntry("css/site.0123456789ab.css", []byte("body{}"), true)
	css.Variants = map[string]manifest.Variant{"br": {Path: "css/site.0123456789ab.css.br", Size: 5, SHA256: strings.Repeat("b", 64), Encoder: "br-q11"}}
	m.Files["css/site.css"] = css
	m.Files["index.html"] = manifest.NewEntry("index.html", []byte("<p>home"), false)
	m.Files["docs/index.html"] = manifest.NewEntry("docs/index.html", []byte("<p>docs"), false)
	m.Files["404.html"] = manifest.NewEntry("404.html", []byte("<p>lost"), false)
	m.Files["robots.txt"] = manifest.NewEntry("robots.txt", []byte("User-agent: *"), false)
	if edit != nil {
		edit(m)
	}
	return Objects(m, []File{{Path: "staticfiles.json", Size: 2, SHA256: strings.Repeat("f", 64)}}, newHeaderRules(cfg))
}

func byPath(objs []Object) map[string]Object {
	out := map[string]Object{}
	for _, o := range objs {
		out[o.Path] = o
	}
	return out
}

func TestObjectsHeadersAndGroups(t *testing.T) {
	cfg := config.Default()
	cfg.Cache = []config.CacheRule{{Match: "robots.txt", CacheControl: "public, max-age=300"}}
	objs := byPath(site(t, cfg, nil))
	for _, tt := range []struct {
		path  string
		group Group
		h     Headers
	}{
		{"css/site.0123456789ab.css", GroupVersioned, Headers{config.CacheImmutable, "text/css; charset=utf-8", ""}},
		{"css/site.0123456789ab.css.br", GroupVersioned, Headers{config.CacheImmutable, "text/css; charset=utf-8", "br"}},
		{"index.html", GroupPages, Headers{config.CacheUnversioned, "text/html; charset=utf-8", ""}},
		{"404.html", GroupPages, Headers{config.CacheErrorPage, "text/html; charset=utf-8", ""}},
		{"robots.txt", GroupUnversioned, Headers{"public, max-age=300", "text/plain; charset=utf-8", ""}},
		{"staticfiles.json", GroupManifests, Headers{config.CacheUnversioned, "application/json; charset=utf-8", ""}},
	} {
		o, ok := objs[tt.path]
		if !ok {
			t.Errorf("%s: missing", tt.path)
			continue
		}
		if o.Group != tt.group || o.Headers != tt.h {
			t.Errorf("%s: group %d headers %+v, want %d %+v", tt.path, o.Group, o.Headers, tt.group, tt.h)
		}
	}
}

func keys(as []Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Key+" ("+a.Reason+")")
	}
	return out
}

func TestPlan(t *testing.T) {
	cfg := config.Default()
	first := site(t, cfg, nil)
	live := nextRecord("r1", "static/", time.Now(), first, nil, nil)

	t.Run("first publish uploads everything in groups, invalidates nothing", func(t *testing.T) {
		p, err := MakePlan("r1", "static/", first, nil, 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(p.Uploads[0]); len(got) != 2 {
			t.Errorf("group 1: %v, want the CSS and its variant", got)
		}
		// The release's record keeps the bytes of the five unversioned
		// objects (three pages, robots.txt, the manifest) for rollback.
		if len(p.Keep) != 5 {
			t.Errorf("kept %d contents, want 5", len(p.Keep))
		}
		for _, o := range p.Keep {
			if o.Versioned {
				t.Errorf("kept a versioned object: %s", o.Path)
			}
		}
		if got := keys(p.Uploads[1]); !reflect.DeepEqual(got, []string{"static/robots.txt (new)"}) {
			t.Errorf("group 2: %v", got)
		}
		if got := keys(p.Uploads[2]); !reflect.DeepEqual(got, []string{"static/404.html (new)", "static/docs/index.html (new)", "static/index.html (new)"}) {
			t.Errorf("group 3: %v", got)
		}
		if got := keys(p.Uploads[3]); !reflect.DeepEqual(got, []string{"static/staticfiles.json (new)"}) {
			t.Errorf("group 4: %v", got)
		}
		if len(p.Paths) != 0 || p.CallerReference != "" || !p.Changed() {
			t.Errorf("invalidation %+v, changed %v", p.Invalidation, p.Changed())
		}
	})

	t.Run("nothing changed", func(t *testing.T) {
		p, err := MakePlan("r2", "static/", site(t, cfg, nil), live, 50)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changed() || len(p.Skipped) != len(first) || len(p.Paths) != 0 {
			t.Errorf("changed %v, skipped %d of %d, invalidate %v", p.Changed(), len(p.Skipped), len(first), p.Paths)
		}
	})

	t.Run("a page changed, one removed, headers of another changed", func(t *testing.T) {
		cfg2 := config.Default()
		cfg2.Cache = []config.CacheRule{{Match: "robots.txt", CacheControl: "no-cache"}, {Match: "*.css", CacheControl: "no-store"}}
		objs := site(t, cfg2, func(m *manifest.Manifest) {
			m.Files["docs/index.html"] = manifest.NewEntry("docs/index.html", []byte("<p>new docs"), false)
			delete(m.Files, "404.html")
		})
		p, err := MakePlan("r2", "static/", objs, live, 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(p.Uploads[2]); !reflect.DeepEqual(got, []string{"static/docs/index.html (content changed)"}) {
			t.Errorf("pages: %v", got)
		}
		if got := keys(p.Uploads[1]); !reflect.DeepEqual(got, []string{"static/robots.txt (headers changed)"}) {
			t.Errorf("unversioned: %v", got)
		}
		// A versioned object already there is never touched, whatever its
		// headers; only the new page's content is new to the records.
		if got := keys(p.Uploads[0]); len(got) != 0 {
			t.Errorf("group 1: %v, want nothing", got)
		}
		if len(p.Keep) != 1 || p.Keep[0].Path != "docs/index.html" {
			t.Errorf("kept %v, want the changed page", p.Keep)
		}
		if got := keys(p.Deletes); !reflect.DeepEqual(got, []string{"static/404.html (no longer in the release)"}) {
			t.Errorf("deletes: %v", got)
		}
		want := []string{"/static/404.html", "/static/docs/", "/static/docs/index.html", "/static/robots.txt"}
		if !reflect.DeepEqual(p.Paths, want) {
			t.Errorf("invalidate %v, want %v", p.Paths, want)
		}
		again, _ := MakePlan("r2", "static/", objs, live, 50)
		other, _ := MakePlan("r3", "static/", objs, live, 50)
		if again.CallerReference != p.CallerReference || other.CallerReference == p.CallerReference || !strings.HasPrefix(p.CallerReference, "assetpipe r2 ") {
			t.Errorf("caller references: %q %q %q", p.CallerReference, again.CallerReference, other.CallerReference)
		}
	})

	t.Run("records directory is refused", func(t *testing.T) {
		objs := append(site(t, cfg, nil), Object{Path: "_assetpipe/current.json", Group: GroupUnversioned})
		if _, err := MakePlan("r1", "", objs, nil, 50); err == nil || !strings.Contains(err.Error(), "_assetpipe") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestInvalidationIndexPagesAndEncoding(t *testing.T) {
	for _, tt := range []struct {
		prefix  string
		changed []string
		want    []string
	}{
		{"", []string{"index.html"}, []string{"/", "/index.html"}},
		{"static/", []string{"index.html", "a/b/index.html"}, []string{"/static/", "/static/a/b/", "/static/a/b/index.html", "/static/index.html"}},
		{"", []string{"a b/ü.html", "100%.txt", "x~y.txt", "q?.txt", "star*.txt"},
			[]string{"/100%25.txt", "/a%20b/%C3%BC.html", "/q%3F.txt", "/star*.txt", "/x%7Ey.txt"}},
	} {
		got := invalidation("r", tt.prefix, tt.changed, 50)
		if !reflect.DeepEqual(got.Paths, tt.want) {
			t.Errorf("%q %v:\n got %v\nwant %v", tt.prefix, tt.changed, got.Paths, tt.want)
		}
	}
	if got := invalidation("r", "", nil, 50); len(got.Paths) != 0 || got.CallerReference != "" {
		t.Errorf("nothing changed: %+v", got)
	}
}

func TestInvalidationCollapsesIntoWildcards(t *testing.T) {
	var changed []string
	for i := range 30 {
		changed = append(changed, fmt.Sprintf("docs/guide/p%02d.html", i))
	}
	for i := range 5 {
		changed = append(changed, fmt.Sprintf("blog/2026/post%d.html", i))
	}
	changed = append(changed, "robots.txt")

	// The directory holding most goes first, and collapsing stops once
	// under the threshold.
	got := invalidation("r", "", changed, 10).Paths
	want := []string{"/blog/2026/post0.html", "/blog/2026/post1.html", "/blog/2026/post2.html", "/blog/2026/post3.html", "/blog/2026/post4.html", "/docs/guide/*", "/robots.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("threshold 10: %v, want %v", got, want)
	}
	got = invalidation("r", "", changed, 5).Paths
	want = []string{"/blog/2026/*", "/docs/guide/*", "/robots.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("threshold 5: %v, want %v", got, want)
	}
	// Under the threshold nothing collapses.
	if got := invalidation("r", "", changed, 100).Paths; len(got) != len(changed) {
		t.Errorf("threshold 100: %d paths", len(got))
	}
	// A threshold of one leaves the directory common to all.
	if got := invalidation("r", "static/", changed, 1).Paths; !reflect.DeepEqual(got, []string{"/static/*"}) {
		t.Errorf("threshold 1: %v", got)
	}
	// Never more than 15 wildcards.
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprintf("d%02d/a.html", i), fmt.Sprintf("d%02d/b.html", i))
	}
	got = invalidation("r", "", many, 30).Paths
	wild := 0
	for _, p := range got {
		if strings.HasSuffix(p, "*") {
			wild++
		}
	}
	if wild > maxWildcards || len(got) > 30 {
		t.Errorf("%d paths, %d wildcards: %v", len(got), wild, got)
	}
}
