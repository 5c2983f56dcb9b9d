package build

import (
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/muejam/assetpipe/internal/fileio"
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
// manifest was written. Every file of the output then has a ctime at or
// before that mtime. seal returns only once the kernel's (coarse) clock
// has moved past it, so that any change made after the build gets a later
// ctime. A failure only makes the next build do more work.
func seal(dir string) {
	p := filepath.Join(dir, manifest.FileName)
	now := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	if unix.UtimesNanoAt(unix.AT_FDCWD, p, now, 0) != nil {
		return
	}
	var st unix.Stat_t
	if unix.Stat(p, &st) != nil {
		return
	}
	fileio.WaitPast(st.Mtim.Nano())
}
