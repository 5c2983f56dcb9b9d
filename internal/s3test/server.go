// Package s3test runs a real S3-compatible server (versitygw, posix backend)
// for tests, so the publish stage is exercised against real S3 semantics
// (SigV4, conditional writes, XML errors) instead of a hand-written fake.
// It also offers a fault-injecting proxy (see NewFaultyProxy).
//
// Tests skip when versitygw is not installed, except in CI (CI non-empty),
// where a missing binary is a failure. Install it with:
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
package s3test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const (
	binaryName  = "versitygw"
	installHint = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

	accessKey = "s3test-access"
	secretKey = "s3test-secret-0123456789"
	region    = "us-east-1"

	// startTimeout bounds how long Start waits for the server to listen.
	startTimeout = 10 * time.Second
	pollInterval = 20 * time.Millisecond
	// startAttempts retries on a lost port race (another process took the
	// port between our probe and versitygw's bind).
	startAttempts = 3
)

// Server is a running versitygw instance, killed when the test ends.
type Server struct {
	t         testing.TB // reports access-log read errors
	endpoint  string
	root      string
	accessLog string
	cmd       *exec.Cmd
	done      chan struct{} // closed when the process has exited
	output    *syncBuffer   // versitygw's stdout and stderr
}

// Start launches versitygw on a free 127.0.0.1 port with a fresh root
// directory and waits until it accepts connections.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := findBinary()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("s3test: %v (CI must install it: %s)", err, installHint)
		}
		t.Skipf("s3test: %v; install it with: %s", err, installHint)
	}
	var lastErr error
	for range startAttempts {
		s, err := start(t, bin)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("s3test: %v", lastErr)
	return nil
}

// findBinary looks where `go install` puts binaries when they are not on
// PATH, because test processes often run without GOPATH/bin on PATH.
func findBinary() (string, error) {
	if p, err := exec.LookPath(binaryName); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, p := range filepath.SplitList(strings.TrimSpace(string(out))) {
			if p != "" {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, binaryName)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH, in $GOBIN or in $(go env GOPATH)/bin", binaryName)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("probe free port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("close port probe: %w", err)
	}
	return addr, nil
}

func start(t testing.TB, bin string) (*Server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return nil, fmt.Errorf("create root: %w", err)
	}
	s := &Server{
		t:         t,
		endpoint:  "http://" + addr,
		root:      root,
		accessLog: filepath.Join(dir, "access.log"),
		done:      make(chan struct{}),
		output:    &syncBuffer{},
	}
	// --quiet: the per-request stdout log would duplicate the access log.
	s.cmd = exec.Command(bin,
		"--port", addr,
		"--access", accessKey,
		"--secret", secretKey,
		"--region", region,
		"--access-log", s.accessLog,
		"--quiet",
		"posix", root)
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	// Keep the caller's ROOT_*/VGW_* variables from overriding our flags.
	s.cmd.Env = cleanEnv(os.Environ())
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(addr); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\nversitygw output:\n%s", err, s.output.String())
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", s.output.String())
		}
	})
	return s, nil
}

func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "VGW_") || strings.HasPrefix(kv, "ROOT_") || strings.HasPrefix(kv, "LOGFILE=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (s *Server) waitReady(addr string) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("versitygw exited before listening on %s: %v", addr, s.cmd.ProcessState)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		time.Sleep(pollInterval)
	}
	return fmt.Errorf("versitygw not listening on %s after %v", addr, startTimeout)
}

func (s *Server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(startTimeout):
	}
}

// Endpoint is the server's base URL, http://127.0.0.1:PORT.
func (s *Server) Endpoint() string { return s.endpoint }

// Root is the posix root directory; each subdirectory is a bucket.
func (s *Server) Root() string { return s.root }

// AccessKey is the root user's access key ID.
func (s *Server) AccessKey() string { return accessKey }

// SecretKey is the root user's secret access key.
func (s *Server) SecretKey() string { return secretKey }

// Region is the region the server signs for.
func (s *Server) Region() string { return region }

// Client returns an S3 client for the server, configured like the product's:
// path-style addressing and checksums only when an operation requires them
// (the SDK's default aws-chunked trailing checksums are not what the publish
// stage sends). Options (WithEndpoint, WithRetry, ...) apply in order.
func (s *Server) Client(optFns ...func(*s3.Options)) *s3.Client {
	opts := s3.Options{
		Region:                     region,
		BaseEndpoint:               aws.String(s.endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	for _, fn := range optFns {
		fn(&opts)
	}
	return s3.New(opts)
}

// WithEndpoint points a client elsewhere, e.g. at a Proxy in front of the
// server; credentials stay the server's.
func WithEndpoint(endpoint string) func(*s3.Options) {
	return func(o *s3.Options) { o.BaseEndpoint = aws.String(endpoint) }
}

// WithRetry sets the SDK's standard retryer with maxAttempts attempts and
// backoff capped at maxBackoff, so fault-injection tests finish quickly.
func WithRetry(maxAttempts int, maxBackoff time.Duration) func(*s3.Options) {
	return func(o *s3.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = maxAttempts
			so.MaxBackoff = maxBackoff
		})
	}
}

// CreateBucket creates a bucket, failing the test on error.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("s3test: create bucket %q: %v", name, err)
	}
}

// Env returns environment variables (KEY=value) that point an AWS SDK
// program, such as the CLI run as a subprocess, at this server. Shared
// config files are pointed at nonexistent paths so a developer's ~/.aws
// cannot change the outcome.
func (s *Server) Env() []string {
	missing := filepath.Join(filepath.Dir(s.root), "no-aws-config")
	return []string{
		"AWS_ACCESS_KEY_ID=" + accessKey,
		"AWS_SECRET_ACCESS_KEY=" + secretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
		"AWS_ENDPOINT_URL=" + s.endpoint,
		"AWS_ENDPOINT_URL_S3=" + s.endpoint,
		"AWS_CONFIG_FILE=" + missing,
		"AWS_SHARED_CREDENTIALS_FILE=" + missing,
		"AWS_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// syncBuffer is written by exec's copying goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
