package build

import (
	"fmt"
	"path"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/internal/fileio"
	"github.com/muejam/assetpipe/manifest"
)

// writeManifests writes assetpipe.json and the configured other manifests,
// after every file, so that a manifest never names a file not yet written.
// They are encoded at once, each on its own core.
func (x *executor) writeManifests(m *manifest.Manifest, cfg config.Manifests, entries map[string][]string) error {
	type output struct {
		name   string
		encode func() ([]byte, error)
		data   []byte
	}
	outs := []*output{{name: manifest.FileName, encode: m.Marshal}}
	if cfg.Django.Enabled {
		outs = append(outs, &output{name: cfg.Django.Path, encode: func() ([]byte, error) {
			return manifest.Django(m.Paths(), cfg.Django.Version)
		}})
	}
	if cfg.Vite.Enabled {
		outs = append(outs, &output{name: cfg.Vite.Path, encode: func() ([]byte, error) {
			return manifest.Vite(viteChunks(m, entries))
		}})
	}
	var g errgroup.Group
	for _, o := range outs {
		g.Go(func() (err error) {
			o.data, err = o.encode()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, o := range outs {
		if err := x.writeManifest(o.name, o.data); err != nil {
			return err
		}
	}
	return nil
}

func (x *executor) writeManifest(name string, data []byte) error {
	name = path.Clean(name)
	if err := x.claim(name, "the manifest"); err != nil {
		return err
	}
	if err := x.mkdir(path.Dir(name)); err != nil {
		return err
	}
	if err := fileio.WriteNew(filepath.Join(x.dir, filepath.FromSlash(name)), data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	x.mu.Lock()
	x.outputs[name] = int64(len(data))
	x.mu.Unlock()
	return nil
}

// viteChunks describes the build in Vite's manifest shape: each bundle
// entry under its source name, with the CSS esbuild split off it, and
// every other file as a plain asset so that django-vite can look it up too.
func viteChunks(m *manifest.Manifest, entries map[string][]string) map[string]manifest.ViteChunk {
	chunks := make(map[string]manifest.ViteChunk, len(m.Files))
	produced := map[string]bool{}
	for src, names := range entries {
		c := manifest.ViteChunk{File: m.Files[names[0]].Path, Src: src, IsEntry: true}
		for _, css := range names[1:] {
			c.CSS = append(c.CSS, m.Files[css].Path)
		}
		chunks[src] = c
		for _, n := range names {
			produced[n] = true
		}
	}
	for name, e := range m.Files {
		if produced[name] || path.Ext(name) == ".map" {
			continue
		}
		if _, ok := chunks[name]; !ok {
			chunks[name] = manifest.ViteChunk{File: e.Path, Src: name}
		}
	}
	return chunks
}
