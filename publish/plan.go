package publish

import (
	"fmt"
	"sort"
	"strings"
)

// MetaDir is where, below the prefix, assetpipe keeps its records: the
// live release (current.json) and every release (releases/), each holding
// the bytes of the unversioned objects it was the first to publish, for
// rollback.
const MetaDir = "_assetpipe/"

// Action is one object's fate in a plan.
type Action struct {
	Object
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// Reasons an action is taken or not.
const (
	ReasonNew       = "new"
	ReasonContent   = "content changed"
	ReasonHeaders   = "headers changed"
	ReasonUnchanged = "unchanged"
	ReasonImmutable = "versioned, already there: its name is its content"
	ReasonRemoved   = "no longer in the release"
	ReasonRestore   = "restored from the release records"
	ReasonKept      = "versioned, kept in the bucket"
)

// Plan is what a publish does, decided before anything is sent.
type Plan struct {
	Release string `json:"release"`
	Prefix  string `json:"prefix"`
	// Uploads are in groups, uploaded in order, each finished before the
	// next starts: Uploads[0] is GroupVersioned.
	Uploads [4][]Action `json:"uploads"`
	Skipped []Action    `json:"skipped"`
	Deletes []Action    `json:"deletes"`
	// Keep are the unversioned contents no release record holds yet: this
	// release's record keeps their bytes, so that a rollback can restore
	// them. Each content is kept once, by the first release that has it.
	Keep []Object `json:"keep"`
	// Prune are the versioned keys no kept release has, retired long
	// enough ago to be deleted (see Record.Prunable).
	Prune []string `json:"prune"`
	// PruneHeld says pruning was held back: more keys than max_deletes.
	PruneHeld bool `json:"prune_held,omitempty"`
	Invalidation
}

// Changed reports whether the plan changes anything: a plan that does
// not writes no release record either.
func (p *Plan) Changed() bool {
	for _, g := range p.Uploads {
		if len(g) > 0 {
			return true
		}
	}
	return len(p.Deletes) > 0 || len(p.Keep) > 0
}

// Key is the bucket key of path p below the prefix.
func (p *Plan) Key(path string) string { return p.Prefix + path }

// MakePlan compares the release's objects with the live release's record
// (nil when the bucket has none) and decides what to upload, in which
// group, what to delete and what to invalidate.
func MakePlan(release, prefix string, objs []Object, current *Record, wildcardThreshold int) (*Plan, error) {
	p := &Plan{Release: release, Prefix: prefix}
	live := map[string]Object{}
	stored := map[string]bool{} // unversioned contents a release record holds
	if current != nil {
		for _, o := range current.Objects {
			live[o.Path] = o
		}
		for sha := range current.Stored {
			stored[sha] = true
		}
	}
	seen := map[string]bool{}
	var changed []string // unversioned paths whose content or headers changed
	for _, o := range objs {
		if strings.HasPrefix(o.Path, MetaDir) {
			return nil, fmt.Errorf("%s: the output may not hold %s, where assetpipe keeps its records", o.Path, strings.TrimSuffix(MetaDir, "/"))
		}
		if seen[o.Path] {
			return nil, fmt.Errorf("%s: listed twice", o.Path)
		}
		seen[o.Path] = true
		a := Action{Object: o, Key: prefix + o.Path}
		was, ok := live[o.Path]
		switch {
		case !ok:
			a.Reason = ReasonNew
		case o.Versioned:
			a.Reason = ReasonImmutable
		case was.SHA256 != o.SHA256:
			a.Reason = ReasonContent
		case was.Headers != o.Headers:
			a.Reason = ReasonHeaders
		default:
			a.Reason = ReasonUnchanged
		}
		if !o.Versioned && !stored[o.SHA256] {
			stored[o.SHA256] = true
			p.Keep = append(p.Keep, o)
		}
		if a.Reason == ReasonImmutable || a.Reason == ReasonUnchanged {
			p.Skipped = append(p.Skipped, a)
			continue
		}
		p.Uploads[o.Group-1] = append(p.Uploads[o.Group-1], a)
		if !o.Versioned && a.Reason != ReasonNew {
			changed = append(changed, o.Path)
		}
	}
	if current != nil {
		for _, o := range current.Objects {
			if !seen[o.Path] && !o.Versioned {
				p.Deletes = append(p.Deletes, Action{Object: o, Key: prefix + o.Path, Reason: ReasonRemoved})
				changed = append(changed, o.Path)
			}
		}
	}
	for _, g := range p.Uploads {
		sortActions(g)
	}
	sortActions(p.Skipped)
	sortActions(p.Deletes)
	p.Invalidation = invalidation(release, prefix, changed, wildcardThreshold)
	return p, nil
}

func sortActions(as []Action) {
	sort.Slice(as, func(i, j int) bool { return as[i].Key < as[j].Key })
}
