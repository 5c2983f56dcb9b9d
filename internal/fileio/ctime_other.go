//go:build !linux

package fileio

import (
	"os"
	"time"
)

// ChangeTime reports no ctime where it is not at hand; callers then do
// the work rather than trust a file unchanged.
func ChangeTime(os.FileInfo) (int64, bool) { return 0, false }

// Now is the time; without ChangeTime nothing compares file times with it.
func Now() int64 { return time.Now().UnixNano() }

// WaitPast has nothing to wait for without ChangeTime.
func WaitPast(int64) {}
