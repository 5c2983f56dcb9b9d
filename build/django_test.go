package build_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muejam/assetpipe/build"
	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/manifest"
)

// requireCI fails in CI, where every dependency must be there, and skips
// elsewhere.
func requireCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// djangoPython finds an interpreter that can import Django: Debian's
// python3-django is visible to /usr/bin/python3, not to a pyenv python3
// that may come first on PATH.
func djangoPython(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, py := range candidates {
		if exec.Command(py, "-c", "import django").Run() == nil {
			return py
		}
	}
	requireCI(t, "no python3 that can import django (apt-get install python3-django)")
	return ""
}

// checkWithDjango has Django's ManifestStaticFilesStorage resolve every
// entry of the built staticfiles.json, and checks that each URL names a
// file of the output.
func checkWithDjango(t *testing.T, out string) {
	t.Helper()
	py := djangoPython(t)
	cmd := exec.Command(py, "testdata/django_check.py", out)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("django_check.py: %v", err)
	}
	var got struct {
		Django  string            `json:"django"`
		Loaded  int               `json:"loaded"`
		Hash    *string           `json:"hash"`
		URLs    map[string]string `json:"urls"`
		Missing string            `json:"missing"`
	}
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("django_check.py output: %v\n%s", err, stdout)
	}
	m, err := manifest.ReadFile(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if got.Loaded != len(m.Files) || len(got.URLs) != len(m.Files) {
		t.Fatalf("Django %s loaded %d entries and rendered %d; the build has %d files", got.Django, got.Loaded, len(got.URLs), len(m.Files))
	}
	for name, e := range m.Files {
		url := got.URLs[name]
		if url != "/static/"+e.Path {
			t.Errorf("{%% static %q %%} = %q, want /static/%s", name, url, e.Path)
			continue
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(url, "/static/")))); err != nil {
			t.Errorf("{%% static %q %%} = %q: %v", name, url, err)
		}
	}
	if !strings.Contains(got.Missing, "Missing staticfiles manifest entry") {
		t.Errorf("a missing name should raise ValueError, got %q", got.Missing)
	}
	if got.Hash != nil && *got.Hash != manifest.DjangoHash(m.Paths()) {
		t.Errorf("Django %s read manifest hash %q, want %q", got.Django, *got.Hash, manifest.DjangoHash(m.Paths()))
	}
	t.Logf("Django %s resolved all %d entries", got.Django, len(got.URLs))
}

// exampleConfig is the repository's assetpipe.yaml with the output in a
// temporary directory.
func exampleConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load("../assetpipe.yaml", "..")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Out = filepath.Join(t.TempDir(), "dist")
	cfg.CacheDir = t.TempDir()
	return cfg
}

func TestDjangoReadsTheManifest(t *testing.T) {
	cfg := exampleConfig(t)
	if _, err := build.Build(context.Background(), cfg, build.Options{}); err != nil {
		t.Fatal(err)
	}
	checkWithDjango(t, cfg.Out)
}
