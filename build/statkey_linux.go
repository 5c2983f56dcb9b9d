package build

import (
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/muejam/assetpipe/manifest"
)

// keyOf is what the source index keys a file by.
func keyOf(fi os.FileInfo) (statKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statKey{}, false
	}
	return statKey{
		dev: uint64(st.Dev), ino: st.Ino, size: st.Size,
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}, true
}

// seal marks the output at dir as finished, once the output it replaced
// is gone, by setting its manifest's mtime to the kernel's clock: removing
// that output changed the ctime of the files the two shared, after the
// manifest was written. The kernel's own (coarse) clock, not time.Now,
// so that any later change to a file gets a ctime at or after it. A
// failure only makes the next build link fewer files.
func seal(dir string) {
	now := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(dir, manifest.FileName), now, 0)
}
