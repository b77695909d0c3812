/* Small I/O helpers: full reads and writes that retry on EINTR and short counts. */
#ifndef CHEFER_IO_H
#define CHEFER_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Returns 0, or -1 with errno set (EIO for an unexpected end of file). */
int pread_full(int fd, void *buf, size_t len, off_t offset);
int write_full(int fd, const void *buf, size_t len);
/* Reads a whole small file (at most max bytes) relative to dirfd; NUL-terminates it. */
int read_small_file(int dirfd, const char *path, size_t max, char **out, size_t *len);
/* Writes len bytes to a new file path (mode), replacing it atomically via a temp name. */
int write_file_atomic(int dirfd, const char *path, const void *buf, size_t len, int mode);

#endif
