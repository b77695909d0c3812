#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int pread_full(int fd, void *buf, size_t len, off_t offset) {
  char *p = buf;

  while (len > 0) {
    ssize_t n = pread(fd, p, len, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0) {
      errno = EIO;
      return -1;
    }
    p += n, len -= (size_t)n, offset += n;
  }
  return 0;
}

int write_full(int fd, const void *buf, size_t len) {
  const char *p = buf;

  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    p += n, len -= (size_t)n;
  }
  return 0;
}

static char *grow(char *buf, size_t *cap, size_t max) {
  size_t next = *cap * 2 > max + 1 ? max + 1 : *cap * 2;
  char *grown = realloc(buf, next);

  if (grown == NULL)
    free(buf);
  *cap = next;
  return grown;
}

int read_small_file(int dirfd, const char *path, size_t max, char **out, size_t *len) {
  int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  size_t used = 0, cap;
  char *buf;

  if (fd < 0)
    return -1;
  /* Sized from fstat, but bounded by max and tolerant of files that grow or lie (procfs). */
  cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
  cap = cap > max + 1 ? max + 1 : cap;
  buf = malloc(cap);
  while (buf != NULL) {
    ssize_t n;
    if (used + 1 == cap && (cap == max + 1 || (buf = grow(buf, &cap, max)) == NULL))
      break;
    n = read(fd, buf + used, cap - 1 - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    used += (size_t)n;
  }
  close(fd);
  if (buf == NULL)
    return -1;
  buf[used] = '\0';
  *out = buf;
  if (len != NULL)
    *len = used;
  return 0;
}

int write_file_atomic(int dirfd, const char *path, const void *buf, size_t len, int mode) {
  char tmp[4200];
  int fd;

  snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
  fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return -1;
  /* No fsync: a cache index lost in a crash fails its check and the layer is extracted
   * again, and the other callers write per-run files. */
  if (write_full(fd, buf, len) < 0) {
    close(fd);
    unlinkat(dirfd, tmp, 0);
    return -1;
  }
  close(fd);
  return renameat(dirfd, tmp, dirfd, path);
}
