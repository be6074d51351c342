/* SPDX-License-Identifier: MIT */
/* One agent per state file and per pin directory: a second one would program the same
 * maps again, or from another state, under the first one's feet. */
#ifndef XL_EXCLUSIVE_H
#define XL_EXCLUSIVE_H

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

/* Takes an exclusive flock(2) on PATH (a file or a directory), held while the returned
 * descriptor stays open: the kernel drops it when the process ends, even by kill -9.
 * Returns -1 with errno EWOULDBLOCK when another process holds it. */
static inline int hold_exclusive(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

#endif
