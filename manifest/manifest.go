// Package manifest holds the record of a fingerprinting run and the files
// written from it: assetpipe's own manifest (assetpipe.json), Django's
// staticfiles.json as ManifestStaticFilesStorage writes it, and Vite's
// .vite/manifest.json as django-vite reads it. It also holds the project's
// Content-Type table and an atomic file writer, so that a manifest rewritten
// in place is never seen half written.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// FileName is the name of assetpipe's own manifest in the output root.
const FileName = "assetpipe.json"

// FormatVersion is the version of assetpipe.json that this package writes
// and the only one it reads.
const FormatVersion = 1

// integrityPrefix names the SRI algorithm; SHA-384 is what the SRI spec and
// browsers recommend.
const integrityPrefix = "sha384-"

// Entry describes one output file.
type Entry struct {
	Path        string `json:"path"`         // output path relative to the output root, forward slashes
	Size        int64  `json:"size"`         // bytes
	SHA256      string `json:"sha256"`       // lowercase hex
	Integrity   string `json:"integrity"`    // SRI: "sha384-" + std base64 of the SHA-384
	ContentType string `json:"content_type"` // from ContentType(Path)
	Versioned   bool   `json:"versioned"`    // whether Path carries a content hash
	// Variants are the precompressed siblings kept for the file, by
	// Content-Encoding ("br", "gzip"); the compress stage adds them.
	Variants map[string]Variant `json:"variants,omitempty"`
}

// Variant is one precompressed sibling of an output file: same
// Content-Type, served with Content-Encoding set to its key.
type Variant struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Encoder names the encoder and settings that made it ("br-q11"), so
	// that a variant made otherwise is made again.
	Encoder string `json:"encoder"`
}

// Manifest is assetpipe.json: every logical (source) name and the output
// file it became.
type Manifest struct {
	Version   int              `json:"version"`    // FormatVersion
	URLPrefix string           `json:"url_prefix"` // e.g. "/static/"
	Files     map[string]Entry `json:"files"`      // logical name → entry
}

// New returns an empty manifest of the current format version.
func New(urlPrefix string) *Manifest {
	return &Manifest{Version: FormatVersion, URLPrefix: urlPrefix, Files: map[string]Entry{}}
}

// NewEntry describes the output file at outPath with the given contents,
// computing its size, hashes and Content-Type.
func NewEntry(outPath string, data []byte, versioned bool) Entry {
	s256 := sha256.Sum256(data)
	s384 := sha512.Sum384(data)
	return EntryOf(outPath, int64(len(data)), s256[:], s384[:], versioned)
}

// EntryOf describes the output file at outPath from digests computed while
// it was written, for callers that stream files rather than hold them.
func EntryOf(outPath string, size int64, sha256Sum, sha384Sum []byte, versioned bool) Entry {
	return Entry{
		Path:        outPath,
		Size:        size,
		SHA256:      hex.EncodeToString(sha256Sum),
		Integrity:   integrityPrefix + base64.StdEncoding.EncodeToString(sha384Sum),
		ContentType: ContentType(outPath),
		Versioned:   versioned,
	}
}

// Marshal encodes the manifest as indented JSON with sorted keys and a
// trailing newline. It validates first, so that whatever it writes Parse
// reads back.
func (m *Manifest) Marshal() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return marshalManifest(m), nil
}

// Parse decodes assetpipe.json and validates it.
func Parse(data []byte) (*Manifest, error) {
	var m Manifest
	err := json.Unmarshal(data, &m)
	if err != nil || m.Version != FormatVersion {
		// A future format may change the shape of the rest, so an error
		// is about the version when the version is not this one.
		var probe struct {
			Version *int `json:"version"`
		}
		switch perr := json.Unmarshal(data, &probe); {
		case perr != nil:
			return nil, fmt.Errorf("parse manifest: %w", perr)
		case probe.Version == nil:
			return nil, errors.New("parse manifest: no \"version\" field")
		case *probe.Version != FormatVersion:
			return nil, fmt.Errorf("parse manifest: unsupported version %d (this build reads version %d)", *probe.Version, FormatVersion)
		}
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	if m.Files == nil {
		m.Files = map[string]Entry{}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	return &m, nil
}

// Validate reports the first problem that would make the manifest unsafe or
// useless to later stages: an unknown version, a logical name or output path
// that could leave the output root, or a malformed hash.
func (m *Manifest) Validate() error {
	if m.Version != FormatVersion {
		return fmt.Errorf("unsupported manifest version %d (want %d)", m.Version, FormatVersion)
	}
	// Sorted so that the error reported is the same on every run.
	names := make([]string, 0, len(m.Files))
	for name := range m.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := ValidatePath(name); err != nil {
			return fmt.Errorf("logical name %q: %w", name, err)
		}
		if err := m.Files[name].validate(); err != nil {
			return fmt.Errorf("file %q: %w", name, err)
		}
	}
	return nil
}

func (e Entry) validate() error {
	if err := ValidatePath(e.Path); err != nil {
		return fmt.Errorf("path %q: %w", e.Path, err)
	}
	if e.Size < 0 {
		return fmt.Errorf("negative size %d", e.Size)
	}
	if err := checkSHA256(e.SHA256); err != nil {
		return err
	}
	b64, ok := strings.CutPrefix(e.Integrity, integrityPrefix)
	if !ok {
		return fmt.Errorf("integrity %q does not start with %q", e.Integrity, integrityPrefix)
	}
	sum, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		return fmt.Errorf("integrity %q: %w", e.Integrity, err)
	}
	if len(sum) != sha512.Size384 {
		return fmt.Errorf("integrity %q holds %d bytes, want %d", e.Integrity, len(sum), sha512.Size384)
	}
	for enc, v := range e.Variants {
		if enc == "" {
			return errors.New("variant without an encoding")
		}
		if err := ValidatePath(v.Path); err != nil {
			return fmt.Errorf("%s variant path %q: %w", enc, v.Path, err)
		}
		if v.Size < 0 {
			return fmt.Errorf("%s variant: negative size %d", enc, v.Size)
		}
		if err := checkSHA256(v.SHA256); err != nil {
			return fmt.Errorf("%s variant: %w", enc, err)
		}
	}
	return nil
}

func checkSHA256(s string) error {
	if len(s) != 2*sha256.Size || strings.ToLower(s) != s {
		return fmt.Errorf("sha256 %q is not %d lowercase hex digits", s, 2*sha256.Size)
	}
	if _, err := hex.DecodeString(s); err != nil {
		return fmt.Errorf("sha256 %q: %w", s, err)
	}
	return nil
}

// ValidatePath checks that p is a clean, relative, forward-slash path that
// stays inside its root: not empty, no leading or trailing "/", no "." or
// ".." element, no empty element, valid UTF-8. Backslashes and NUL are
// refused too: on Windows a backslash is a separator, so `..\x` would escape.
func ValidatePath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.HasPrefix(p, "/"):
		return errors.New("absolute path (leading /)")
	case strings.ContainsAny(p, "\\\x00"):
		return errors.New("backslash or NUL in path")
	case !fs.ValidPath(p) || p == ".":
		return errors.New("not a clean relative path (empty, \".\" or \"..\" element, trailing / or invalid UTF-8)")
	}
	return nil
}

// Paths returns logical name → output path, the shape of Django's "paths".
func (m *Manifest) Paths() map[string]string {
	paths := make(map[string]string, len(m.Files))
	for name, e := range m.Files {
		paths[name] = e.Path
	}
	return paths
}

// WriteFile marshals the manifest and writes it atomically to path, mode 0644.
func (m *Manifest) WriteFile(path string) error {
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("write manifest %s: %w", path, err)
	}
	if err := WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// ReadFile reads and parses the manifest at path.
func ReadFile(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err) // the *PathError names the file
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// encodeJSON is json.MarshalIndent without HTML escaping: paths may contain
// <>& and nothing here is embedded in HTML. Map keys come out sorted.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil { // Encode adds the trailing newline
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return buf.Bytes(), nil
}
