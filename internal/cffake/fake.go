// Package cffake is an in-process fake of the CloudFront invalidation REST-XML
// API (version 2020-05-31). A *Fake is an http.Handler meant to sit behind an
// httptest.Server so tests can drive it with the real aws-sdk-go-v2 CloudFront
// client and assert on what a deploy tool sent.
//
// Implemented operations: CreateInvalidation, GetInvalidation,
// ListInvalidations and GetDistributionConfig. Request signatures are not
// verified. The service rules enforced are documented on Fake.
package cffake

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Operation names recorded in Call.Operation.
const (
	OpCreateInvalidation    = "CreateInvalidation"
	OpGetInvalidation       = "GetInvalidation"
	OpListInvalidations     = "ListInvalidations"
	OpGetDistributionConfig = "GetDistributionConfig"
)

// Invalidation statuses as reported by CloudFront.
const (
	StatusInProgress = "InProgress"
	StatusCompleted  = "Completed"
)

// Limits from the CloudFront developer guide ("Concurrent invalidation request
// maximum") and the CreateInvalidation API reference.
const (
	MaxInProgressPaths    = 3000 // non-wildcard paths in progress per distribution
	MaxInProgressWildcard = 15   // wildcard paths in progress per distribution
	MaxPathLength         = 4000
)

// Options configures a Fake.
type Options struct {
	// DistributionIDs lists the distributions that exist; any other id gets
	// NoSuchDistribution.
	DistributionIDs []string
	// PollsToComplete is how many observations (a GetInvalidation of the
	// invalidation, or a ListInvalidations page containing it) still report
	// InProgress; the next observation reports Completed. Zero means 2.
	PollsToComplete int
	// Now supplies CreateTime; nil means time.Now.
	Now func() time.Time
}

// Invalidation is a snapshot of one stored invalidation.
type Invalidation struct {
	ID              string
	DistributionID  string
	CallerReference string
	Paths           []string
	CreateTime      time.Time
	Status          string
}

// Batch is an InvalidationBatch as parsed from a request body.
type Batch struct {
	CallerReference string
	Quantity        int
	Paths           []string
}

// Call records one HTTP request the fake received.
type Call struct {
	Method         string
	Path           string // URL path, unescaped
	RawQuery       string
	Operation      string // one of the Op* constants, or "" if unrouted
	DistributionID string
	Batch          *Batch // parsed CreateInvalidation body, if any
	StatusCode     int    // HTTP status the fake answered with
	ErrorCode      string // error code answered with, "" on success
}

// Failure is an error response to inject into upcoming CreateInvalidation
// calls, e.g. {503, "ServiceUnavailable", ...} or
// {400, "TooManyInvalidationsInProgress", ...}.
type Failure struct {
	StatusCode int
	Code       string
	Message    string
}

// Fake implements the CloudFront invalidation API in memory.
//
// Rules enforced on CreateInvalidation, in this order:
//   - unknown distribution: 404 NoSuchDistribution;
//   - empty body: 400 MissingBody; unparsable XML or empty CallerReference:
//     400 InvalidArgument;
//   - Quantity differs from the number of Items: 400 InconsistentQuantities
//     (the error the API reference lists for exactly this case);
//   - no paths, a path not starting with "/", a "*" anywhere but at the end,
//     or a path longer than MaxPathLength: 400 InvalidArgument;
//   - CallerReference already used on this distribution: same paths (in any
//     order) return the existing invalidation with 201 and create nothing;
//     different paths give 409 InvalidationBatchAlreadyExists;
//   - a batch that alone exceeds MaxInProgressPaths or MaxInProgressWildcard:
//     413 BatchTooLarge; a batch that only exceeds them together with the
//     distribution's InProgress invalidations: 400
//     TooManyInvalidationsInProgress.
type Fake struct {
	mu           sync.Mutex
	pollsNeeded  int
	now          func() time.Time
	dists        map[string]*distribution
	byID         map[string]*record // invalidation id -> record
	seq          int                // last invalidation sequence number
	reqSeq       int                // last request id number
	calls        []Call
	createFaults []Failure
}

type distribution struct {
	invalidations []*record // creation order, oldest first
	byCallerRef   map[string]*record
	configXML     string
	etagSeq       int
}

type record struct {
	inv          Invalidation
	observations int
}

// New returns a Fake holding the distributions in opts.DistributionIDs.
func New(opts Options) *Fake {
	f := &Fake{
		pollsNeeded: opts.PollsToComplete,
		now:         opts.Now,
		dists:       make(map[string]*distribution),
		byID:        make(map[string]*record),
	}
	if f.pollsNeeded <= 0 {
		f.pollsNeeded = 2
	}
	if f.now == nil {
		f.now = time.Now
	}
	for _, id := range opts.DistributionIDs {
		f.dists[id] = &distribution{byCallerRef: make(map[string]*record), etagSeq: 1}
	}
	return f
}

// Invalidations returns snapshots of the distribution's invalidations in
// creation order (oldest first). Reading them does not count as a poll.
func (f *Fake) Invalidations(distID string) []Invalidation {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.dists[distID]
	if d == nil {
		return nil
	}
	out := make([]Invalidation, 0, len(d.invalidations))
	for _, r := range d.invalidations {
		out = append(out, r.snapshot())
	}
	return out
}

// Calls returns every request received so far, in arrival order.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Call, len(f.calls))
	for i, c := range f.calls {
		if c.Batch != nil {
			b := *c.Batch
			b.Paths = slices.Clone(b.Paths)
			c.Batch = &b
		}
		out[i] = c
	}
	return out
}

// FailNextCreates makes the next n CreateInvalidation requests (after any
// failures already queued) answer with fail instead of being processed. The
// requests are still recorded in Calls.
func (f *Fake) FailNextCreates(n int, fail Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.createFaults = append(f.createFaults, fail)
	}
}

// SetDistributionConfig sets the DistributionConfig XML document (including
// its root element) returned by GetDistributionConfig, and changes the ETag
// as CloudFront does on every config update.
func (f *Fake) SetDistributionConfig(distID, configXML string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.dists[distID]
	if d == nil {
		return fmt.Errorf("cffake: set config of %q: %w", distID, errNoDistribution)
	}
	d.configXML = configXML
	d.etagSeq++
	return nil
}

func (r *record) snapshot() Invalidation {
	inv := r.inv
	inv.Paths = slices.Clone(inv.Paths)
	return inv
}

// observe counts one client observation and returns the status that
// observation reports. Callers hold f.mu.
func (f *Fake) observe(r *record) string {
	if r.inv.Status == StatusInProgress {
		if r.observations >= f.pollsNeeded {
			r.inv.Status = StatusCompleted
		}
		r.observations++
	}
	return r.inv.Status
}
