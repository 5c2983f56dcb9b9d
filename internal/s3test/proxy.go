package s3test

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Fault is a kind of failure the Proxy injects.
type Fault int

const (
	// FaultSlowDown answers 503 with the S3 error code SlowDown, without
	// forwarding (the SDK treats it as throttling).
	FaultSlowDown Fault = iota
	// FaultInternalError answers 500 InternalError, without forwarding.
	FaultInternalError
	// FaultDropRequest closes the connection without forwarding or
	// answering.
	FaultDropRequest
	// FaultDropResponse forwards the request, so the server acts on it,
	// then closes the connection partway through the response: the client
	// cannot tell whether the write happened. A truncated body of a
	// streaming output (GetObject) surfaces to its reader, which the SDK
	// does not retry.
	FaultDropResponse
	numFaults
)

func (f Fault) String() string {
	switch f {
	case FaultSlowDown:
		return "SlowDown"
	case FaultInternalError:
		return "InternalError"
	case FaultDropRequest:
		return "DropRequest"
	case FaultDropResponse:
		return "DropResponse"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Proxy is a reverse proxy on 127.0.0.1 in front of an S3 endpoint that
// injects faults into a pseudo-random fraction of requests.
//
// Requests are forwarded byte for byte: same method, raw URI, headers
// (Authorization, x-amz-*) and Host. The Host must stay the one the client
// signed, the proxy's own: versitygw checks SigV4 against the Host it
// receives, and rewriting it to the target fails with
// SignatureDoesNotMatch (TestProxyHostMustBePreserved).
type Proxy struct {
	srv       *httptest.Server
	target    string // scheme://host of the real endpoint, no trailing slash
	transport *http.Transport

	mu        sync.Mutex
	rng       *rand.Rand
	rate      float64
	requests  int
	faults    [numFaults]int
	requestID int
}

// NewFaultyProxy starts a proxy to target (e.g. (*Server).Endpoint()) that
// injects a fault, chosen evenly among the Fault kinds, into about rate of
// the requests. The choice is a pure function of seed and request order, so
// a sequential test sees the same faults on every run.
func NewFaultyProxy(t testing.TB, target string, rate float64, seed uint64) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		t.Fatalf("s3test: proxy target %q: want scheme://host (%v)", target, err)
	}
	p := &Proxy{
		target: u.Scheme + "://" + u.Host,
		// No Proxy func: never route test traffic through an environment proxy.
		transport: &http.Transport{},
		rng:       rand.New(rand.NewPCG(seed, 0x5337e57)),
		rate:      rate,
	}
	p.srv = httptest.NewServer(p)
	t.Cleanup(func() {
		p.srv.Close()
		p.transport.CloseIdleConnections()
	})
	return p
}

// Endpoint is the proxy's base URL, http://127.0.0.1:PORT.
func (p *Proxy) Endpoint() string { return p.srv.URL }

// Requests is the number of requests the proxy has received.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Faults returns how many faults of each kind were injected.
func (p *Proxy) Faults() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[Fault]int, numFaults)
	for f, n := range p.faults {
		m[Fault(f)] = n
	}
	return m
}

// FaultCount is the total number of injected faults.
func (p *Proxy) FaultCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.faults {
		n += c
	}
	return n
}

// pick decides this request's fate; -1 means forward normally.
func (p *Proxy) pick() (Fault, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	p.requestID++
	if p.rng.Float64() >= p.rate {
		return -1, p.requestID
	}
	f := Fault(p.rng.IntN(int(numFaults)))
	p.faults[f]++
	return f, p.requestID
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault, id := p.pick()
	switch fault {
	case FaultSlowDown:
		_, _ = io.Copy(io.Discard, r.Body)
		writeS3Error(w, r, id, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case FaultInternalError:
		_, _ = io.Copy(io.Discard, r.Body)
		writeS3Error(w, r, id, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	case FaultDropRequest:
		hijackClose(w, nil)
	case FaultDropResponse:
		resp, err := p.forward(r)
		if err != nil {
			hijackClose(w, nil)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		hijackClose(w, func(bw *bufio.Writer) { writePartial(bw, resp, body) })
	default:
		resp, err := p.forward(r)
		if err != nil {
			http.Error(w, fmt.Sprintf("s3test proxy: %v", err), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		copyHeader(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}
}

// delHopHeaders removes the per-connection headers; everything else is
// forwarded unchanged.
func delHopHeaders(h http.Header) {
	for _, k := range [...]string{
		"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
	} {
		h.Del(k)
	}
}

func (p *Proxy) forward(r *http.Request) (*http.Response, error) {
	// Parse the raw RequestURI rather than reusing r.URL so the path keeps
	// the client's exact escaping, which its signature covers.
	u, err := url.Parse(p.target + r.RequestURI)
	if err != nil {
		return nil, fmt.Errorf("parse request URI %q: %w", r.RequestURI, err)
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL = u
	out.Host = r.Host
	out.Close = false
	delHopHeaders(out.Header)
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		return nil, fmt.Errorf("forward %s %s: %w", r.Method, r.RequestURI, err)
	}
	return resp, nil
}

func copyHeader(dst, src http.Header) {
	for k, vv := range src {
		dst[k] = append([]string(nil), vv...)
	}
	delHopHeaders(dst)
}

func writeS3Error(w http.ResponseWriter, r *http.Request, id, status int, code, msg string) {
	reqID := fmt.Sprintf("S3TESTFAULT%05d", id)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", reqID)
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId></Error>`,
		code, html.EscapeString(msg), html.EscapeString(r.URL.Path), reqID)
}

// hijackClose takes over the connection, lets write put raw bytes on it,
// and closes it, so the client sees no (or an incomplete) response.
func hijackClose(w http.ResponseWriter, write func(*bufio.Writer)) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// Not reachable with httptest's HTTP/1.1 server; abort is the
		// closest equivalent.
		panic(http.ErrAbortHandler)
	}
	conn, bufrw, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if write != nil {
		write(bufrw.Writer)
		_ = bufrw.Flush()
	}
	_ = conn.Close()
}

// writePartial writes the status line and headers, then half the body; with
// no body it stops before the blank line that ends the headers. Either way
// the client is left mid-response.
func writePartial(bw *bufio.Writer, resp *http.Response, body []byte) {
	fmt.Fprintf(bw, "HTTP/1.1 %s\r\n", resp.Status)
	h := resp.Header.Clone()
	delHopHeaders(h)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	_ = h.Write(bw)
	if len(body) == 0 {
		return
	}
	bw.WriteString("\r\n")
	bw.Write(body[:len(body)/2])
}

// String summarises the proxy's traffic, for test logs.
func (p *Proxy) String() string {
	m := p.Faults()
	var b strings.Builder
	fmt.Fprintf(&b, "requests=%d", p.Requests())
	for f := range numFaults {
		fmt.Fprintf(&b, " %s=%d", f, m[f])
	}
	return b.String()
}
