/* Resolving paths inside a root directory that an image controls. Every lookup goes through
 * openat2(RESOLVE_IN_ROOT): absolute symlinks and ".." stop at the root, so a layer or an
 * image can never make the runtime touch a host path. */
#ifndef CHEFER_SAFEPATH_H
#define CHEFER_SAFEPATH_H

#include <stddef.h>

/* Cleans an archive or image path in place: drops "./" and repeated slashes and a trailing
 * slash. Fails (returns -1) on ".." components, NUL-free but empty results are "." */
int path_clean(char *path, int allow_absolute);

/* Opens path (relative to root, '/'-rooted or not) inside root with the given open flags.
 * Symlinks resolve inside root. Returns an fd or -1 with errno. */
int open_in_root(int rootfd, const char *path, int flags, int mode);

/* Creates every missing directory of path inside root (mode 0755, owned by the caller) and
 * returns an O_PATH fd of the last one, or -1 with errno. */
int mkdirs_in_root(int rootfd, const char *path);

/* Splits "a/b/c" into the parent "a/b" (or ".") and the base "c"; buf holds the parent. */
const char *path_split(const char *path, char *parent, size_t size);

/* "/proc/self/fd/N" for mount(2) and overlay options. */
const char *fd_path(int fd, char *buf, size_t size);

#endif
