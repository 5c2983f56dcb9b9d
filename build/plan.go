package build

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// file is one file of the build.
type file struct {
	name      string // logical name: slash-separated, relative to the source root
	path      string // where to read it; "" when data came from the bundler
	data      []byte // contents, for scanned and bundled files only
	refs      []Ref  // references found in data
	versioned bool
	written   bool // set by the one goroutine that wrote it

	key       statKey // what stat said when it was opened, if keyed
	keyed     bool
	known     *indexEntry // what the source index knew of it, if anything
	pooled    bool        // data is a reused read buffer
	indexable bool        // scanned without a problem, or needing no scan: the index may record it
}

// rewrite is one reference that changes because its target is versioned.
type rewrite struct {
	start, end int
	raw        string
	target     target
}

// plan says, before anything is written, what every file's references
// resolve to and in which order files can be hashed: a file's hash covers
// the hashed names of what it references, so those come first.
type plan struct {
	rewrites map[string][]rewrite // by file, in file order
	// levels partition the files: a file depends only on files of earlier
	// levels, so each level can be processed in parallel.
	levels [][]string
	// broken lists references to files that do not exist.
	broken []Problem
}

// Problem is a message located in a source file.
type Problem struct {
	File      string
	Line, Col int
	Msg       string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

// position converts a byte offset into a 1-based line and byte column.
func position(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// makePlan resolves every reference and orders the files. It fails only on
// a reference cycle; broken references are reported in the plan, for the
// caller to treat as errors or warnings.
func makePlan(files []*file, prefix string) (*plan, error) {
	byName := make(map[string]*file, len(files))
	for _, f := range files {
		byName[f.name] = f
	}
	exists := func(name string) bool { _, ok := byName[name]; return ok }

	p := &plan{rewrites: map[string][]rewrite{}}
	deps := map[string][]string{}
	for _, f := range files {
		seen := map[string]bool{}
		for _, r := range f.refs {
			raw := string(f.data[r.Start:r.End])
			t, out, msg := resolve(f.name, raw, r.URL, prefix, exists)
			switch {
			case out == broken:
				line, col := position(f.data, r.Start)
				p.broken = append(p.broken, Problem{File: f.name, Line: line, Col: col, Msg: "broken reference " + msg})
			case out == resolved && !t.dir && byName[t.name].versioned:
				p.rewrites[f.name] = append(p.rewrites[f.name], rewrite{start: r.Start, end: r.End, raw: raw, target: t})
				if !seen[t.name] {
					seen[t.name] = true
					deps[f.name] = append(deps[f.name], t.name)
				}
			}
		}
	}
	levels, err := order(files, deps)
	if err != nil {
		return nil, err
	}
	p.levels = levels
	return p, nil
}

// order sorts the files into dependency levels (Kahn's algorithm), or names
// a cycle.
func order(files []*file, deps map[string][]string) ([][]string, error) {
	indegree := make(map[string]int, len(files))
	users := map[string][]string{}
	for _, f := range files {
		indegree[f.name] = len(deps[f.name])
		for _, d := range deps[f.name] {
			users[d] = append(users[d], f.name)
		}
	}
	var level []string
	for _, f := range files {
		if indegree[f.name] == 0 {
			level = append(level, f.name)
		}
	}
	var levels [][]string
	done := 0
	for len(level) > 0 {
		sort.Strings(level)
		levels = append(levels, level)
		done += len(level)
		var next []string
		for _, n := range level {
			for _, u := range users[n] {
				if indegree[u]--; indegree[u] == 0 {
					next = append(next, u)
				}
			}
		}
		level = next
	}
	if done < len(files) {
		return nil, fmt.Errorf("reference cycle: %s", strings.Join(findCycle(indegree, deps), " → "))
	}
	return levels, nil
}

// findCycle returns one cycle among the files left with unmet
// dependencies, first name repeated last.
func findCycle(indegree map[string]int, deps map[string][]string) []string {
	var start string
	for n, d := range indegree {
		if d > 0 && (start == "" || n < start) {
			start = n
		}
	}
	// Every file left waits on another file left, so walking the
	// dependencies that are left must come back to a name already seen.
	at := map[string]int{}
	var walkPath []string
	for n := start; ; {
		if i, ok := at[n]; ok {
			return append(walkPath[i:], n)
		}
		at[n] = len(walkPath)
		walkPath = append(walkPath, n)
		for _, d := range deps[n] {
			if indegree[d] > 0 {
				n = d
				break
			}
		}
	}
}
