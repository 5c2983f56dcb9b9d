package publish

import (
	"sort"
	"strings"
	"time"
)

// RecordFormat is the version of the release records this package writes
// and the only one it reads.
const RecordFormat = 1

// Record is a release as the bucket keeps it: what each object held and
// the headers it got. The live release's record is current.json, so a
// publish learns all it needs with one GET: what the bucket holds, which
// releases are kept, and which versioned objects wait to be pruned.
type Record struct {
	Format  int       `json:"format"`
	Release string    `json:"release"`
	Time    time.Time `json:"time"`
	Prefix  string    `json:"prefix"`
	Objects []Object  `json:"objects"`
	// History is the releases made live, newest first, this one first.
	History []ReleaseRef `json:"history"`
	// Retired are the versioned objects (by key) that an earlier live
	// release had and the live one has not, until they are pruned.
	Retired map[string]Retired `json:"retired,omitempty"`
	// Stored names, for each unversioned content (SHA-256) of the
	// release, the release whose record holds its bytes.
	Stored map[string]string `json:"stored,omitempty"`
	// Contents are the bytes of the unversioned contents this release was
	// the first to publish. Only its own record (releases/<name>.json)
	// holds them; current.json does not, so that reading it stays cheap.
	Contents map[string][]byte `json:"contents,omitempty"`
}

// ReleaseRef names a release that was live.
type ReleaseRef struct {
	Name string    `json:"name"`
	Time time.Time `json:"time"`
}

// Retired says when a versioned object stopped being live, and in which
// release it was live last.
type Retired struct {
	Since   time.Time `json:"since"`
	Release string    `json:"release"`
}

// maxHistory bounds the history a record carries.
const maxHistory = 100

// nextRecord is the record that makes objs live as release at now, after
// current (nil for the first): the history grows by one, the versioned
// objects current had and objs have not are retired, and each unversioned
// content is found where stored says (nil: nowhere yet) or, failing that,
// in this release's own record.
func nextRecord(release, prefix string, now time.Time, objs []Object, current *Record, stored map[string]string) *Record {
	r := &Record{Format: RecordFormat, Release: release, Time: now, Prefix: prefix, Objects: objs,
		History: []ReleaseRef{{Name: release, Time: now}}, Retired: map[string]Retired{}, Stored: map[string]string{}}
	for _, o := range objs {
		if o.Versioned {
			continue
		}
		if where, ok := stored[o.SHA256]; ok {
			r.Stored[o.SHA256] = where
		} else {
			r.Stored[o.SHA256] = release
		}
	}
	if current == nil {
		return r
	}
	for _, h := range current.History {
		if len(r.History) == maxHistory {
			break
		}
		if h.Name != release {
			r.History = append(r.History, h)
		}
	}
	r.Retired = retire(current, objs, now)
	return r
}

// retire is current's retired objects plus the versioned objects live in
// current and not in objs, minus those objs has again.
func retire(current *Record, objs []Object, now time.Time) map[string]Retired {
	live := map[string]bool{}
	for _, o := range objs {
		live[current.Prefix+o.Path] = true
	}
	out := map[string]Retired{}
	for k, v := range current.Retired {
		if !live[k] {
			out[k] = v
		}
	}
	for _, o := range current.Objects {
		k := current.Prefix + o.Path
		if o.Versioned && !live[k] {
			out[k] = Retired{Since: now, Release: current.Release}
		}
	}
	return out
}

// Kept is the names of the releases whose objects are never pruned: the
// newest keep of the history.
func (r *Record) Kept(keep int) []string {
	var names []string
	for _, h := range r.History {
		if len(names) == keep {
			break
		}
		names = append(names, h.Name)
	}
	return names
}

// Prunable lists, sorted, the retired keys that no kept release has and
// that stopped being live more than after ago: pages from those releases
// may still be open or cached for that long. Only keys below prefix are
// ever listed.
func (r *Record) Prunable(keep int, after time.Duration, now time.Time) []string {
	kept := map[string]bool{}
	for _, n := range r.Kept(keep) {
		kept[n] = true
	}
	var keys []string
	for k, v := range r.Retired {
		if !kept[v.Release] && now.Sub(v.Since) >= after && strings.HasPrefix(k, r.Prefix) && !strings.HasPrefix(k, r.Prefix+MetaDir) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
