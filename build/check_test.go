package build_test

import (
	"strings"
	"testing"

	"github.com/muejam/assetpipe/build"
)

// checkReferencesResolve fails unless every reference in the output
// names a file of the output.
func checkReferencesResolve(t *testing.T, out, prefix string) {
	t.Helper()
	n, broken, err := build.CheckOutput(out, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Fatalf("%d references in the output do not resolve:\n%s", len(broken), strings.Join(broken, "\n"))
	}
	if n == 0 {
		t.Fatal("the output has no references at all: the check checked nothing")
	}
	t.Logf("%d references in the output resolve", n)
}
