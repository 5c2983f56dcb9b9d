package s3test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// The access log versitygw v1.8.0 writes (--access-log FILE) follows the
// field order of the AWS S3 server access log, one request a line, fields
// separated by single spaces, but NOTHING is quoted or escaped:
//
//	log starts 2026-11-25 22:42:43.749 +0000 UTC m=+0.026     (header line)
//	OWNER BUCKET [02/January/2006:15:04:05 -0700] REMOTE_IP REQUESTER REQUEST_ID
//	s3_OPERATION KEY REQUEST_URI STATUS ERROR_CODE BYTES_SENT OBJECT_SIZE
//	TOTAL_MS TURNAROUND_MS REFERER USER_AGENT VERSION_ID HOST_ID SigV4
//	CIPHER AuthHeader HOST_HEADER TLS_VERSION ACCESS_POINT_ARN ACL_REQUIRED
//
// (wrapped here; one line in the file). For example:
//
//	AK bkt [25/November/2026:22:43:18 +0000] 127.0.0.1 AK 30GZ28U2FEJ3J61N
//	s3_PutObject dir/a b.css /bkt/dir/a%20b.css?x-id=PutObject 200 - 0 5 1 1
//	- aws-sdk-go-v2/1.48.0 ua/2.1 os/linux ... - HOSTID SigV4 - AuthHeader
//	s3.us-east-1.amazonaws.com - arn:aws:s3:::/bkt/dir/a b.css Yes
//
// Quirks the parser handles: the month is spelled out; empty fields are
// "-"; KEY is the unescaped object key and may contain spaces; REQUEST_URI
// is the raw (escaped) URI without the HTTP method or version, so the
// method is inferred from the operation; USER_AGENT contains spaces. Bucket
// and key come from the URL path (path-style), so bucket is "-" for
// ListAllMyBuckets. Requests rejected before routing (bad signature) are
// logged too, with error codes; connections dropped before reaching
// versitygw are not.
//
// versitygw writes each line synchronously while handling the request,
// before the response is sent, so a request is logged by the time its
// response arrives; reads still wait for the file to stop growing, briefly,
// in case a later version buffers.

const (
	logTimeLayout = "02/January/2006:15:04:05 -0700"
	// settleTimeout bounds the wait for the access log to stop growing.
	settleTimeout = time.Second
)

// Request is one parsed access-log entry.
type Request struct {
	Time      time.Time
	Operation string // S3 action without the "s3_" prefix, e.g. "PutObject"
	Method    string // HTTP method inferred from Operation ("" if unknown)
	Bucket    string // "" when the log has "-"
	Key       string // "" when the log has "-"
	URI       string // raw request URI: escaped path and query
	Status    int
	ErrorCode string // S3 error code, "" on success
	RequestID string
}

func (r Request) String() string {
	return fmt.Sprintf("%s %s %s/%s %d %s", r.Method, r.Operation, r.Bucket, r.Key, r.Status, r.ErrorCode)
}

// Mark is a position in the access log; see (*Server).Mark and Since.
type Mark struct{ offset int }

// Requests returns every request logged so far.
func (s *Server) Requests() []Request {
	return s.Since(Mark{})
}

// Mark returns the current end of the access log, so that Since can return
// the requests made after it, e.g. by one operation under test.
func (s *Server) Mark() Mark {
	data, err := s.settledLog()
	if err != nil {
		s.t.Errorf("s3test: %v", err)
	}
	return Mark{offset: completeLen(data)}
}

// Since returns the requests logged after m. Errors are reported with
// t.Errorf (not Fatal, so it is safe from any goroutine) and yield nil.
func (s *Server) Since(m Mark) []Request {
	data, err := s.settledLog()
	if err != nil {
		s.t.Errorf("s3test: %v", err)
		return nil
	}
	if m.offset > len(data) {
		s.t.Errorf("s3test: access log shrank below mark (%d > %d bytes)", m.offset, len(data))
		return nil
	}
	reqs, err := parseAccessLog(data[m.offset:completeLen(data)])
	if err != nil {
		s.t.Errorf("s3test: %v", err)
		return nil
	}
	return reqs
}

// CountOp counts the requests for one operation, e.g. "PutObject".
func CountOp(reqs []Request, op string) int {
	n := 0
	for _, r := range reqs {
		if r.Operation == op {
			n++
		}
	}
	return n
}

// settledLog reads the log until two reads 20 ms apart agree (bounded).
func (s *Server) settledLog() ([]byte, error) {
	deadline := time.Now().Add(settleTimeout)
	prev, err := s.readLog()
	if err != nil {
		return nil, err
	}
	for time.Now().Before(deadline) {
		time.Sleep(pollInterval)
		cur, err := s.readLog()
		if err != nil {
			return nil, err
		}
		if bytes.Equal(cur, prev) {
			return cur, nil
		}
		prev = cur
	}
	return prev, nil
}

func (s *Server) readLog() ([]byte, error) {
	data, err := os.ReadFile(s.accessLog)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read access log: %w", err)
	}
	return data, nil
}

// completeLen is the length of data up to and including its last newline;
// a line still being written is left for a later read.
func completeLen(data []byte) int {
	return bytes.LastIndexByte(data, '\n') + 1
}

func parseAccessLog(data []byte) ([]Request, error) {
	var reqs []Request
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "log starts ") {
			continue
		}
		r, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("access log entry %d %q: %w", i+1, line, err)
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// Field positions before the key; the time takes two tokens.
const (
	fBucket    = 1
	fTime      = 2
	fRequestID = 6
	fOperation = 7
	fKey       = 8
)

func parseLine(line string) (Request, error) {
	tok := strings.Split(line, " ")
	if len(tok) < fKey+4 {
		return Request{}, fmt.Errorf("%d fields, want at least %d", len(tok), fKey+4)
	}
	var r Request
	ts := strings.TrimSuffix(strings.TrimPrefix(tok[fTime]+" "+tok[fTime+1], "["), "]")
	t, err := time.Parse(logTimeLayout, ts)
	if err != nil {
		return Request{}, fmt.Errorf("time: %w", err)
	}
	r.Time = t
	r.Bucket = dash(tok[fBucket])
	r.RequestID = tok[fRequestID]
	r.Operation = strings.TrimPrefix(tok[fOperation], "s3_")
	r.Method = methodOf(r.Operation)

	// The key may contain spaces: the URI is the first token after it that
	// looks like a path followed by a status and whose decoded path agrees
	// with bucket and key; failing agreement, the first that looks right.
	uriAt := -1
	for j := fKey + 1; j+1 < len(tok); j++ {
		if !strings.HasPrefix(tok[j], "/") || !isStatus(tok[j+1]) {
			continue
		}
		if uriAt < 0 {
			uriAt = j
		}
		if pathMatches(tok[j], tok[fBucket], strings.Join(tok[fKey:j], " ")) {
			uriAt = j
			break
		}
	}
	if uriAt < 0 || uriAt+2 >= len(tok) {
		return Request{}, fmt.Errorf("no request URI followed by a status")
	}
	r.Key = dash(strings.Join(tok[fKey:uriAt], " "))
	r.URI = tok[uriAt]
	r.Status, _ = strconv.Atoi(tok[uriAt+1])
	r.ErrorCode = dash(tok[uriAt+2])
	return r, nil
}

func isStatus(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 3 && n >= 100
}

func pathMatches(uri, bucket, key string) bool {
	p, _, _ := strings.Cut(uri, "?")
	dec, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	want := "/" + bucket
	if bucket == "-" {
		want = "/"
	}
	if key != "-" {
		want += "/" + key
	}
	return strings.TrimSuffix(dec, "/") == strings.TrimSuffix(want, "/")
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// methodOf infers the HTTP method, which the log does not record.
func methodOf(op string) string {
	switch op {
	case "HeadObject", "HeadBucket":
		return "HEAD"
	case "DeleteObjects", "CreateMultipartUpload", "CompleteMultipartUpload",
		"RestoreObject", "SelectObjectContent", "PostObject":
		return "POST"
	case "CreateBucket", "CopyObject", "UploadPart", "UploadPartCopy":
		return "PUT"
	case "AbortMultipartUpload":
		return "DELETE"
	case "Options":
		return "OPTIONS"
	}
	switch {
	case strings.HasPrefix(op, "Get"), strings.HasPrefix(op, "List"):
		return "GET"
	case strings.HasPrefix(op, "Put"):
		return "PUT"
	case strings.HasPrefix(op, "Delete"):
		return "DELETE"
	}
	return ""
}
