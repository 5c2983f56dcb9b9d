// Package publish puts a built release into S3 and invalidates what
// changed in CloudFront.
//
// MakePlan is pure: from the objects of the local output and the record
// of the release that is live in the bucket it decides what to upload, in
// which order, what to delete and which paths to invalidate. The executor
// around it talks to S3 and CloudFront through small interfaces.
package publish

import (
	"path"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// Headers are the HTTP headers an object is stored with.
type Headers struct {
	CacheControl    string `json:"cache_control"`
	ContentType     string `json:"content_type"`
	ContentEncoding string `json:"content_encoding,omitempty"`
}

// Group says when an object is uploaded: each group is finished before
// the next starts, so that nothing live ever refers to an object not yet
// there.
type Group int

const (
	GroupVersioned   Group = 1 // versioned objects and their variants, and rollback copies
	GroupUnversioned Group = 2 // other unversioned files (robots.txt, .well-known, ...)
	GroupPages       Group = 3 // HTML and error pages, which refer to the above
	GroupManifests   Group = 4 // staticfiles.json and the other manifests, which name the above
)

// Object is one object of a release.
type Object struct {
	Path      string  `json:"path"` // in the output, and the key below the prefix
	Size      int64   `json:"size"`
	SHA256    string  `json:"sha256"`
	Versioned bool    `json:"versioned,omitempty"`
	Headers   Headers `json:"headers"`
	Group     Group   `json:"group"`
}

// File is an output file that the manifest does not describe: the
// manifests themselves.
type File struct {
	Path   string
	Size   int64
	SHA256 string
}

// headerRules turns the configuration's Cache-Control rules and error
// pages into each object's headers.
type headerRules struct {
	rules      []config.CacheRule
	errorPages map[string]bool
}

func newHeaderRules(cfg config.Config) headerRules {
	pages, _ := cfg.ErrorPageFiles()
	h := headerRules{rules: cfg.Cache, errorPages: map[string]bool{}}
	for _, p := range pages {
		h.errorPages[p] = true
	}
	return h
}

// cacheControl is the Cache-Control of the file at p (an original's
// path: a variant takes its original's).
func (h headerRules) cacheControl(p string, versioned bool) string {
	cc := config.CacheUnversioned
	switch {
	case versioned:
		cc = config.CacheImmutable
	case h.errorPages[p]:
		cc = config.CacheErrorPage
	}
	for _, r := range h.rules {
		if match(r.Match, p) {
			cc = r.CacheControl
		}
	}
	return cc
}

// match is a glob match with gitignore's convention: a pattern without
// "/" matches the name at any depth.
func match(pattern, p string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := doublestar.Match(pattern, path.Base(p))
		return ok
	}
	ok, _ := doublestar.Match(pattern, p)
	return ok
}

// isPage reports the files browsers navigate to, which refer to others.
func isPage(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".html" || ext == ".htm"
}

// Objects lists everything a release puts in the bucket below its
// prefix: each manifest entry, its variants, and the manifest files.
func Objects(m *manifest.Manifest, manifests []File, h headerRules) []Object {
	var objs []Object
	for _, e := range m.Files {
		group := GroupVersioned
		switch {
		case e.Versioned:
		case isPage(e.Path) || h.errorPages[e.Path]:
			group = GroupPages
		default:
			group = GroupUnversioned
		}
		cc := h.cacheControl(e.Path, e.Versioned)
		objs = append(objs, Object{Path: e.Path, Size: e.Size, SHA256: e.SHA256, Versioned: e.Versioned,
			Headers: Headers{CacheControl: cc, ContentType: e.ContentType}, Group: group})
		for enc, v := range e.Variants {
			objs = append(objs, Object{Path: v.Path, Size: v.Size, SHA256: v.SHA256, Versioned: e.Versioned,
				Headers: Headers{CacheControl: cc, ContentType: e.ContentType, ContentEncoding: enc}, Group: group})
		}
	}
	for _, f := range manifests {
		objs = append(objs, Object{Path: f.Path, Size: f.Size, SHA256: f.SHA256,
			Headers: Headers{CacheControl: h.cacheControl(f.Path, false), ContentType: manifest.ContentType(f.Path)},
			Group:   GroupManifests})
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Path < objs[j].Path })
	return objs
}
