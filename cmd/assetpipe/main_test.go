package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/muejam/assetpipe/internal/s3test"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"assetpipe": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts pins the command line's behaviour: output, errors and exit
// codes, in the txtar files under testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"decodes": cmdDecodes},
	})
}

// cmdDecodes is "decodes VARIANT ORIGINAL": VARIANT (.br or .gz) decodes,
// with a decoder independent of the encoder, to the bytes of ORIGINAL.
func cmdDecodes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: decodes VARIANT ORIGINAL")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var r io.Reader
	switch filepath.Ext(args[0]) {
	case ".br":
		r = brotli.NewReader(bytes.NewReader(data))
	case ".gz":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		ts.Check(err)
		r = zr
	default:
		ts.Fatalf("%s is neither .br nor .gz", args[0])
	}
	got, err := io.ReadAll(r)
	ts.Check(err)
	want, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	if !bytes.Equal(got, want) {
		ts.Fatalf("%s does not decode to %s", args[0], args[1])
	}
}

// TestS3Scripts runs the scripts under testdata/s3script against a real
// S3-compatible server (versitygw), each with its own bucket, named
// after the script, in $ASSETPIPE_BUCKET.
func TestS3Scripts(t *testing.T) {
	srv := s3test.Start(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/s3script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			bucket := "b-" + strings.ToLower(strings.TrimSuffix(filepath.Base(env.WorkDir), filepath.Ext(env.WorkDir)))
			bucket = strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
					return r
				}
				return '-'
			}, bucket)
			srv.CreateBucket(t, bucket)
			for _, kv := range srv.Env() {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			env.Setenv("ASSETPIPE_BUCKET", bucket)
			return nil
		},
	})
}

func TestExitCodes(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(src+"/a.css", []byte("a { background: url(gone.png) }"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"--help"}, exitOK},
		{[]string{"build", "--help"}, exitOK},
		{[]string{"build", "--src", t.TempDir(), "--out", t.TempDir() + "/out"}, exitOK},
		{[]string{"build", "--src", src, "--out", t.TempDir() + "/out"}, exitFailure},
		{[]string{"build", "--src", "/no/such/dir", "--out", t.TempDir() + "/out"}, exitFailure},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"build", "--bogus"}, exitUsage},
		{[]string{"build", "extra"}, exitUsage},
		{[]string{"build", "--src", src, "--url-prefix", "no-slash"}, exitUsage},
	}
	for _, tt := range tests {
		var out, errOut strings.Builder
		if got := run(context.Background(), tt.args, &out, &errOut); got != tt.want {
			t.Errorf("assetpipe %v: exit %d, want %d\nstdout: %s\nstderr: %s", tt.args, got, tt.want, out.String(), errOut.String())
		}
	}
}
