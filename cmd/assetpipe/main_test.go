package main

import (
	"context"
	"os"
	"strings"
	"testing"

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
