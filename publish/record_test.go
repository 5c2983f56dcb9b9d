package publish

import (
	"reflect"
	"testing"
	"time"
)

func TestPruneWindows(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	obj := func(path string, versioned bool) Object { return Object{Path: path, Versioned: versioned} }
	page := obj("index.html", false)
	releases := [][]Object{
		{obj("app.v1.js", true), obj("logo.v1.png", true), page},
		{obj("app.v2.js", true), obj("logo.v1.png", true), page},
		{obj("app.v3.js", true), obj("logo.v1.png", true), page},
		{obj("app.v3.js", true), page}, // logo retired in r4
		{obj("app.v1.js", true), page}, // app.v1 live again in r5
	}
	var rec *Record
	var recs []*Record
	for i, objs := range releases {
		rec = nextRecord([]string{"r1", "r2", "r3", "r4", "r5"}[i], "static/", t0.Add(time.Duration(i)*day), objs, rec, nil)
		recs = append(recs, rec)
	}
	if got := rec.Kept(3); !reflect.DeepEqual(got, []string{"r5", "r4", "r3"}) {
		t.Fatalf("kept %v", got)
	}
	for _, tt := range []struct {
		name  string
		rec   *Record
		keep  int
		after time.Duration
		now   time.Time
		want  []string
	}{
		{"r2: app.v1 retired, r1 kept", recs[1], 3, 0, t0.Add(10 * day), nil},
		{"r4, keep 3: r1's app.v1 falls out after 7 days, r2 is kept", recs[3], 3, 7 * day, t0.Add(20 * day), []string{"static/app.v1.js"}},
		{"r4, keep 3, too early", recs[3], 3, 7 * day, t0.Add(5 * day), nil},
		{"r4, keep 1: logo retired by r4 is still in r3", recs[3], 1, 0, t0.Add(20 * day), []string{"static/app.v1.js", "static/app.v2.js", "static/logo.v1.png"}},
		{"r5: app.v1 is live again, never pruned", recs[4], 1, 0, t0.Add(30 * day), []string{"static/app.v2.js", "static/app.v3.js", "static/logo.v1.png"}},
	} {
		got := tt.rec.Prunable(tt.keep, tt.after, tt.now)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// Keys outside the prefix, or among assetpipe's records, are never listed.
	rec.Retired["other/app.js"] = Retired{Since: t0, Release: "r0"}
	rec.Retired["static/_assetpipe/objects/x"] = Retired{Since: t0, Release: "r0"}
	for _, k := range rec.Prunable(1, 0, t0.Add(99*day)) {
		if k == "other/app.js" || k == "static/_assetpipe/objects/x" {
			t.Errorf("prunable: %s", k)
		}
	}
	if len(rec.History) != 5 || rec.History[0].Name != "r5" {
		t.Errorf("history %v", rec.History)
	}
}
