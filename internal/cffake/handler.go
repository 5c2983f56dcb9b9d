package cffake

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const (
	apiPrefix = "/2020-05-31/distribution/"
	// maxBody fits a full batch (3,000 paths of 4,000 characters) with room
	// for XML overhead, while bounding memory for a misbehaving client.
	maxBody = 32 << 20
	// defaultMaxItems is the page size when MaxItems is absent (the fake's
	// choice; the API reference does not state a default).
	defaultMaxItems = 100
)

// response is computed under f.mu and written after it is released, so a
// slow client cannot stall other requests.
type response struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))

	f.mu.Lock()
	f.reqSeq++
	reqID := fmt.Sprintf("cffake-%08d", f.reqSeq)
	call := Call{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	resp, apiErr := f.dispatch(r, body, readErr, &call)
	if apiErr != nil {
		resp = &response{status: apiErr.status, body: errorDocument(reqID, apiErr)}
		call.ErrorCode = apiErr.code
	}
	call.StatusCode = resp.status
	f.calls = append(f.calls, call)
	f.mu.Unlock()

	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("x-amzn-RequestId", reqID)
	if len(resp.body) > 0 {
		h.Set("Content-Type", "text/xml")
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// dispatch routes a request. Callers hold f.mu.
func (f *Fake) dispatch(r *http.Request, body []byte, readErr error, call *Call) (*response, *apiError) {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	parts := strings.Split(rest, "/")
	if !ok || len(parts) < 2 || parts[0] == "" {
		return nil, errorf(http.StatusNotFound, "NotFound", "no route for %s %s", r.Method, r.URL.Path)
	}
	call.DistributionID = parts[0]
	switch {
	case len(parts) == 2 && parts[1] == "invalidation" && r.Method == http.MethodPost:
		call.Operation = OpCreateInvalidation
		return f.create(r, body, readErr, call)
	case len(parts) == 2 && parts[1] == "invalidation" && r.Method == http.MethodGet:
		call.Operation = OpListInvalidations
		return f.list(r, call.DistributionID)
	case len(parts) == 3 && parts[1] == "invalidation" && parts[2] != "" && r.Method == http.MethodGet:
		call.Operation = OpGetInvalidation
		return f.get(call.DistributionID, parts[2])
	case len(parts) == 2 && parts[1] == "config" && r.Method == http.MethodGet:
		call.Operation = OpGetDistributionConfig
		return f.config(call.DistributionID)
	}
	return nil, errorf(http.StatusNotFound, "NotFound", "no route for %s %s", r.Method, r.URL.Path)
}

func (f *Fake) distribution(id string) (*distribution, *apiError) {
	d := f.dists[id]
	if d == nil {
		return nil, errorf(http.StatusNotFound, "NoSuchDistribution", "The specified distribution does not exist: %s", id)
	}
	return d, nil
}

func (f *Fake) create(r *http.Request, body []byte, readErr error, call *Call) (*response, *apiError) {
	var batch *Batch
	var parseErr *apiError
	if readErr != nil {
		parseErr = errorf(http.StatusBadRequest, "InvalidArgument", "reading body: %v", readErr)
	} else {
		batch, parseErr = parseBatch(body)
	}
	// Record the batch even when failing, so retry tests can see each attempt.
	call.Batch = batch

	if len(f.createFaults) > 0 {
		fail := f.createFaults[0]
		f.createFaults = f.createFaults[1:]
		msg := fail.Message
		if msg == "" {
			msg = "injected failure"
		}
		return nil, &apiError{status: fail.StatusCode, code: fail.Code, message: msg}
	}

	d, apiErr := f.distribution(call.DistributionID)
	if apiErr != nil {
		return nil, apiErr
	}
	if parseErr != nil {
		return nil, parseErr
	}
	if batch == nil {
		return nil, errorf(http.StatusBadRequest, "MissingBody",
			"This operation requires a body. Ensure that the body is present and the Content-Type header is set.")
	}
	if apiErr := validateBatch(batch); apiErr != nil {
		return nil, apiErr
	}

	if prev := d.byCallerRef[batch.CallerReference]; prev != nil {
		if !samePaths(prev.inv.Paths, batch.Paths) {
			return nil, errorf(http.StatusConflict, "InvalidationBatchAlreadyExists",
				"CallerReference %q was already used with different paths (invalidation %s)",
				batch.CallerReference, prev.inv.ID)
		}
		// CloudFront answers a resubmission with the original invalidation
		// rather than creating another one.
		return f.created(r, prev)
	}

	if apiErr := checkLimits(d, batch); apiErr != nil {
		return nil, apiErr
	}

	f.seq++
	rec := &record{inv: Invalidation{
		ID:              fmt.Sprintf("IFAKE%09d", f.seq),
		DistributionID:  call.DistributionID,
		CallerReference: batch.CallerReference,
		Paths:           append([]string(nil), batch.Paths...),
		CreateTime:      f.now().UTC(),
		Status:          StatusInProgress,
	}}
	d.invalidations = append(d.invalidations, rec)
	d.byCallerRef[batch.CallerReference] = rec
	f.byID[rec.inv.ID] = rec
	return f.created(r, rec)
}

// created renders the 201 answer of CreateInvalidation. It is not an
// observation: the status shown is whatever the record currently has.
func (f *Fake) created(r *http.Request, rec *record) (*response, *apiError) {
	body, err := encodeXML(toXMLInvalidation(rec.inv, rec.inv.Status))
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	loc := fmt.Sprintf("%s://%s%s%s/invalidation/%s", scheme, r.Host, apiPrefix, rec.inv.DistributionID, rec.inv.ID)
	return &response{
		status: http.StatusCreated,
		header: http.Header{"Location": {loc}},
		body:   body,
	}, nil
}

func (f *Fake) get(distID, id string) (*response, *apiError) {
	if _, apiErr := f.distribution(distID); apiErr != nil {
		return nil, apiErr
	}
	rec := f.byID[id]
	if rec == nil || rec.inv.DistributionID != distID {
		return nil, errorf(http.StatusNotFound, "NoSuchInvalidation", "The specified invalidation does not exist: %s", id)
	}
	status := f.observe(rec)
	body, err := encodeXML(toXMLInvalidation(rec.inv, status))
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	return &response{status: http.StatusOK, body: body}, nil
}

func (f *Fake) list(r *http.Request, distID string) (*response, *apiError) {
	d, apiErr := f.distribution(distID)
	if apiErr != nil {
		return nil, apiErr
	}
	q := r.URL.Query()
	maxItems := defaultMaxItems
	if s := q.Get("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "invalid MaxItems %q", s)
		}
		maxItems = n
	}
	marker := q.Get("Marker")

	// Newest first, as CloudFront lists them; Marker is the Id of the last
	// invalidation of the previous page.
	n := len(d.invalidations)
	start := 0
	if marker != "" {
		start = -1
		for i := range n {
			if d.invalidations[n-1-i].inv.ID == marker {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "invalid Marker %q", marker)
		}
	}
	end := min(start+maxItems, n)

	out := xmlInvalidationList{
		Xmlns:       xmlns,
		Marker:      marker,
		MaxItems:    maxItems,
		IsTruncated: end < n,
		Quantity:    end - start,
	}
	if end > start {
		out.Items = &xmlSummaries{}
	}
	for i := start; i < end; i++ {
		rec := d.invalidations[n-1-i]
		out.Items.Summary = append(out.Items.Summary, xmlSummary{
			ID:         rec.inv.ID,
			CreateTime: formatTime(rec.inv.CreateTime),
			Status:     f.observe(rec),
		})
		if out.IsTruncated {
			out.NextMarker = rec.inv.ID
		}
	}
	body, err := encodeXML(out)
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "InternalError", "%v", err)
	}
	return &response{status: http.StatusOK, body: body}, nil
}

// defaultConfig is the smallest DistributionConfig the SDK decodes; tests
// that audit configuration set their own with SetDistributionConfig.
const defaultConfig = `<DistributionConfig xmlns="` + xmlns + `">` +
	`<CallerReference>cffake</CallerReference><Comment></Comment><Enabled>true</Enabled>` +
	`</DistributionConfig>`

func (f *Fake) config(distID string) (*response, *apiError) {
	d, apiErr := f.distribution(distID)
	if apiErr != nil {
		return nil, apiErr
	}
	doc := d.configXML
	if doc == "" {
		doc = defaultConfig
	}
	return &response{
		status: http.StatusOK,
		header: http.Header{"Etag": {fmt.Sprintf("EFAKE%s%d", distID, d.etagSeq)}},
		body:   []byte(doc),
	}, nil
}
