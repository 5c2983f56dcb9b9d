//go:build !unix

package build

import "os"

func openRead(name string) (*os.File, error) { return os.Open(name) }

// createNew creates name, which must not exist.
func createNew(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
