package build

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// kernelCopy copies size bytes from in to w inside the kernel (a reflink
// on file systems that share blocks). It reports false, having copied
// nothing, when the two files' file systems do not allow it.
func kernelCopy(w, in *os.File, size int64) (n int64, ok bool, err error) {
	for n < size {
		c, err := unix.CopyFileRange(int(in.Fd()), nil, int(w.Fd()), nil, int(size-n), 0)
		if err != nil {
			if n == 0 && (errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EINVAL) ||
				errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP)) {
				return 0, false, nil
			}
			return n, true, err
		}
		if c == 0 {
			break // the file shrank; the caller notices
		}
		n += int64(c)
	}
	return n, true, nil
}
