package cffake

import (
	"encoding/xml"
	"errors"
	"fmt"
	"time"
)

const xmlns = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

var errNoDistribution = errors.New("no such distribution")

// apiError is an error response in CloudFront's REST-XML shape.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// The SDK reads Code and Message from <ErrorResponse><Error>…</Error>
// <RequestId/></ErrorResponse> and maps Code to a typed error.
type xmlErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// Request body of CreateInvalidation. Quantity is a string so a malformed
// number can be reported as InvalidArgument rather than a decode failure.
type xmlInvalidationBatch struct {
	XMLName         xml.Name `xml:"InvalidationBatch"`
	CallerReference string   `xml:"CallerReference"`
	Quantity        string   `xml:"Paths>Quantity"`
	Items           []string `xml:"Paths>Items>Path"`
}

type xmlPaths struct {
	Quantity int       `xml:"Quantity"`
	Items    *xmlItems `xml:"Items,omitempty"`
}

type xmlItems struct {
	Path []string `xml:"Path"`
}

type xmlBatchOut struct {
	Paths           xmlPaths `xml:"Paths"`
	CallerReference string   `xml:"CallerReference"`
}

type xmlInvalidation struct {
	XMLName           xml.Name    `xml:"Invalidation"`
	Xmlns             string      `xml:"xmlns,attr"`
	ID                string      `xml:"Id"`
	Status            string      `xml:"Status"`
	CreateTime        string      `xml:"CreateTime"`
	InvalidationBatch xmlBatchOut `xml:"InvalidationBatch"`
}

type xmlSummary struct {
	ID         string `xml:"Id"`
	CreateTime string `xml:"CreateTime"`
	Status     string `xml:"Status"`
}

type xmlSummaries struct {
	Summary []xmlSummary `xml:"InvalidationSummary"`
}

type xmlInvalidationList struct {
	XMLName     xml.Name      `xml:"InvalidationList"`
	Xmlns       string        `xml:"xmlns,attr"`
	Marker      string        `xml:"Marker"`
	NextMarker  string        `xml:"NextMarker,omitempty"`
	MaxItems    int           `xml:"MaxItems"`
	IsTruncated bool          `xml:"IsTruncated"`
	Quantity    int           `xml:"Quantity"`
	Items       *xmlSummaries `xml:"Items,omitempty"`
}

// formatTime uses the ISO 8601 form CloudFront returns and the SDK parses.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func toXMLInvalidation(inv Invalidation, status string) xmlInvalidation {
	out := xmlInvalidation{
		Xmlns:      xmlns,
		ID:         inv.ID,
		Status:     status,
		CreateTime: formatTime(inv.CreateTime),
		InvalidationBatch: xmlBatchOut{
			Paths:           xmlPaths{Quantity: len(inv.Paths)},
			CallerReference: inv.CallerReference,
		},
	}
	if len(inv.Paths) > 0 {
		out.InvalidationBatch.Paths.Items = &xmlItems{Path: inv.Paths}
	}
	return out
}

// encodeXML renders v as a complete XML document.
func encodeXML(v any) ([]byte, error) {
	body, err := xml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cffake: marshal %T: %w", v, err)
	}
	return append([]byte(xml.Header), body...), nil
}

// errorDocument renders e as CloudFront's ErrorResponse document.
func errorDocument(requestID string, e *apiError) []byte {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	body, err := encodeXML(xmlErrorResponse{
		Xmlns:     xmlns,
		Type:      typ,
		Code:      e.code,
		Message:   e.message,
		RequestID: requestID,
	})
	if err != nil {
		// Only fixed string fields are marshalled; keep the status regardless.
		return nil
	}
	return body
}
