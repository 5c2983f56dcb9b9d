package cffake

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// parseBatch decodes a CreateInvalidation body. It returns a nil batch and
// no error for an empty body so the caller can answer MissingBody.
func parseBatch(body []byte) (*Batch, *apiError) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, nil
	}
	var in xmlInvalidationBatch
	if err := xml.Unmarshal(body, &in); err != nil {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "malformed InvalidationBatch: %v", err)
	}
	b := &Batch{CallerReference: in.CallerReference, Paths: in.Items, Quantity: -1}
	if q := strings.TrimSpace(in.Quantity); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 {
			return b, errorf(http.StatusBadRequest, "InvalidArgument", "invalid Paths/Quantity %q", q)
		}
		b.Quantity = n
	}
	return b, nil
}

// validateBatch applies the per-request rules that do not depend on state.
func validateBatch(b *Batch) *apiError {
	if b.CallerReference == "" {
		return errorf(http.StatusBadRequest, "InvalidArgument", "CallerReference is required")
	}
	if b.Quantity < 0 {
		return errorf(http.StatusBadRequest, "InvalidArgument", "Paths/Quantity is required")
	}
	if b.Quantity != len(b.Paths) {
		return errorf(http.StatusBadRequest, "InconsistentQuantities",
			"Quantity %d does not match the %d Items given", b.Quantity, len(b.Paths))
	}
	if len(b.Paths) == 0 {
		return errorf(http.StatusBadRequest, "InvalidArgument", "at least one path is required")
	}
	for _, p := range b.Paths {
		if err := validatePath(p); err != nil {
			return err
		}
	}
	return nil
}

func validatePath(p string) *apiError {
	switch {
	case len(p) > MaxPathLength:
		return errorf(http.StatusBadRequest, "InvalidArgument",
			"path of %d characters exceeds the %d character maximum", len(p), MaxPathLength)
	case !strings.HasPrefix(p, "/"):
		return errorf(http.StatusBadRequest, "InvalidArgument", "path %q must begin with a slash", p)
	case strings.Contains(strings.TrimSuffix(p, "*"), "*"):
		return errorf(http.StatusBadRequest, "InvalidArgument", "path %q: * is only allowed as the last character", p)
	}
	return nil
}

// countPaths splits paths into non-wildcard and wildcard counts, which
// CloudFront limits independently.
func countPaths(paths []string) (plain, wild int) {
	for _, p := range paths {
		if strings.HasSuffix(p, "*") {
			wild++
		} else {
			plain++
		}
	}
	return plain, wild
}

// checkLimits enforces the in-progress maximums. A batch that could never be
// accepted, even with nothing else in progress, is BatchTooLarge (413,
// "Invalidation batch specified is too large"); one that only collides with
// other in-progress work is TooManyInvalidationsInProgress (400), which a
// caller can retry later. The API reference does not say which error a single
// oversized batch gets; this split is the fake's reading. Callers hold f.mu.
func checkLimits(d *distribution, b *Batch) *apiError {
	plain, wild := countPaths(b.Paths)
	if plain > MaxInProgressPaths || wild > MaxInProgressWildcard {
		return errorf(http.StatusRequestEntityTooLarge, "BatchTooLarge",
			"batch has %d paths and %d wildcard paths; the maximums are %d and %d",
			plain, wild, MaxInProgressPaths, MaxInProgressWildcard)
	}
	var busyPlain, busyWild int
	for _, r := range d.invalidations {
		if r.inv.Status != StatusInProgress {
			continue
		}
		p, w := countPaths(r.inv.Paths)
		busyPlain += p
		busyWild += w
	}
	if busyPlain+plain > MaxInProgressPaths || busyWild+wild > MaxInProgressWildcard {
		return errorf(http.StatusBadRequest, "TooManyInvalidationsInProgress",
			"%d paths and %d wildcard paths already in progress", busyPlain, busyWild)
	}
	return nil
}

// samePaths compares path lists ignoring order, since CloudFront treats a
// batch as a set of paths.
func samePaths(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
