package fileio

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ChangeTime is the file's ctime in nanoseconds: the time of the last
// change to its content or its inode (a write, rename, link or chmod),
// which, unlike mtime, no tool can set back.
func ChangeTime(fi os.FileInfo) (int64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Ctim.Nano(), true
}

// Now is the kernel's coarse clock, the one that stamps file times.
func Now() int64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_REALTIME_COARSE, &ts) != nil {
		return time.Now().UnixNano()
	}
	return ts.Nano()
}

// WaitPast returns once the kernel's coarse clock is past t (ns): a file
// changed after that gets a later ctime than t. A tick is at most 10 ms.
func WaitPast(t int64) {
	for range 100 {
		if Now() > t {
			return
		}
		time.Sleep(500 * time.Microsecond)
	}
}
