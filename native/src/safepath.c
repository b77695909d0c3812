#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int path_clean(char *path, int allow_absolute) {
  char *out = path, *in = path;

  if (*in == '/' && !allow_absolute)
    return -1;
  while (*in == '/')
    in++;
  while (*in != '\0') {
    char *end = strchrnul(in, '/');
    size_t len = (size_t)(end - in);
    if (len == 2 && in[0] == '.' && in[1] == '.')
      return -1;
    if (len > 0 && !(len == 1 && in[0] == '.')) {
      if (out != path)
        *out++ = '/';
      memmove(out, in, len);
      out += len;
    }
    in = *end ? end + 1 : end;
  }
  if (out == path)
    *out++ = '.';
  *out = '\0';
  return 0;
}

int open_in_root(int rootfd, const char *path, int flags, int mode) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .mode = (flags & O_CREAT) ? (unsigned long long)mode : 0,
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

const char *path_split(const char *path, char *parent, size_t size) {
  const char *slash = strrchr(path, '/');

  if (slash == NULL) {
    snprintf(parent, size, ".");
    return path;
  }
  snprintf(parent, size, "%.*s", (int)(slash - path), path);
  if (parent[0] == '\0')
    snprintf(parent, size, "/");
  return slash + 1;
}

static int append(char *prefix, size_t *n, const char *name, size_t len) {
  if (*n + len + 2 > 4096 || len > 255) {
    errno = ENAMETOOLONG;
    return -1;
  }
  prefix[(*n)++] = '/';
  memcpy(prefix + *n, name, len);
  *n += len;
  prefix[*n] = '\0';
  return 0;
}

int mkdirs_in_root(int rootfd, const char *path) {
  char prefix[4096] = "", name[256];
  size_t n = 0;
  int cur = open_in_root(rootfd, ".", O_PATH | O_DIRECTORY, 0);

  while (cur >= 0 && *path != '\0') {
    const char *end = strchrnul(path, '/');
    size_t len = (size_t)(end - path);
    int next = -1;
    /* mkdirat only creates the last component relative to a parent already resolved inside
     * the root; the re-open resolves whatever is there (a symlink too) inside the root. */
    if (len > 0 && append(prefix, &n, path, len) == 0) {
      snprintf(name, sizeof name, "%.*s", (int)len, path);
      if (mkdirat(cur, name, 0755) == 0 || errno == EEXIST)
        next = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
    } else if (len == 0) {
      next = dup(cur);
    }
    close(cur);
    cur = next;
    path = *end ? end + 1 : end;
  }
  return cur;
}

const char *fd_path(int fd, char *buf, size_t size) {
  snprintf(buf, size, "/proc/self/fd/%d", fd);
  return buf;
}
