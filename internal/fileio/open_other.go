//go:build !unix

package fileio

import "os"

// OpenRead opens name for reading.
func OpenRead(name string) (*os.File, error) { return os.Open(name) }

// CreateNew creates name, which must not exist, mode 0644 before the umask.
func CreateNew(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
