#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cache.h"
#include "exit-codes.h"
#include "log.h"
#include "safepath.h"

/* Overlay options must fit in one page. TODO(limitation): an image with so many layers that
 * their names overflow it (about 50) gets the merged copy instead of overlayfs. */
#define OPTIONS_MAX 4000

static int build_options(char *const *names, size_t count, int upper, int work, int empty,
                         char *out) {
  size_t n = (size_t)snprintf(out, OPTIONS_MAX, "userxattr,lowerdir=");

  for (size_t i = count; i-- > 0;) {
    n += (size_t)snprintf(out + n, n < OPTIONS_MAX ? OPTIONS_MAX - n : 0, "%s/root%s", names[i],
                          i ? ":" : "");
  }
  if (count == 0)
    n +=
        (size_t)snprintf(out + n, n < OPTIONS_MAX ? OPTIONS_MAX - n : 0, "/proc/self/fd/%d", empty);
  n += (size_t)snprintf(out + n, n < OPTIONS_MAX ? OPTIONS_MAX - n : 0,
                        ",upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d", upper, work);
  return n < OPTIONS_MAX ? 0 : -1;
}

static int open_dir(int dirfd, const char *name) {
  if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int try_overlay(int layers, char *const *names, size_t count, int svcdir, int target) {
  char options[OPTIONS_MAX], at[64];
  int upper = open_dir(svcdir, "upper"), work = open_dir(svcdir, "work"), rc = -1;
  int empty = open_dir(svcdir, "empty");

  /* Lower dirs are named relative to the layer directory, which keeps the options short. */
  if (upper >= 0 && work >= 0 && fchdir(layers) == 0 &&
      build_options(names, count, upper, work, empty, options) == 0)
    rc = mount("overlay", fd_path(target, at, sizeof at), "overlay", 0, options);
  if (rc < 0)
    log_debug("overlayfs mount refused (%s); using a merged copy", strerror(errno));
  if (upper >= 0)
    close(upper);
  if (work >= 0)
    close(work);
  if (empty >= 0)
    close(empty);
  return rc;
}

/* TODO(limitation): the merged copy (used where overlayfs is refused) copies every layer on
 * every start and turns hard links into separate copies. */
static int merge_copy(int layers, char *const *names, size_t count, int target) {
  char at[64], path[300];

  for (size_t i = 0; i < count; i++) {
    int src;
    snprintf(path, sizeof path, "%s/root", names[i]);
    src = openat(layers, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0 || copy_tree(src, target, 1) < 0)
      return fail_errno(EXIT_ENVIRONMENT, "free some disk space and run the app again",
                        "copy layer %.12s into the root filesystem", names[i]);
    close(src);
  }
  /* pivot_root needs a mount point: bind the copy onto itself. */
  if (mount(fd_path(target, at, sizeof at), fd_path(target, at, sizeof at), NULL, MS_BIND, NULL))
    return fail_errno(EXIT_ENVIRONMENT, NULL, "bind the merged root filesystem");
  return 0;
}

int rootfs_assemble(int layers, char *const *names, size_t count, int svcdir) {
  int target = open_dir(svcdir, "rootfs"), root;

  if (target < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create root filesystem directory");
  if (getenv("CHEFER_NO_OVERLAY") != NULL ||
      try_overlay(layers, names, count, svcdir, target) < 0) {
    if (merge_copy(layers, names, count, target) < 0)
      return close(target), -1;
  }
  close(target);
  root = openat(svcdir, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "open root filesystem");
  return root;
}

static int copy_data(int src, const char *name, int dst, const struct stat *st) {
  int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out, rc = 0;
  off_t left = st->st_size;

  if (in < 0)
    return -1;
  out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return close(in), -1;
  while (rc == 0 && left > 0) {
    ssize_t n = sendfile(out, in, NULL, (size_t)left);
    rc = n <= 0 ? -1 : 0;
    left -= n > 0 ? n : 0;
  }
  if (rc == 0 && fchown(out, st->st_uid, st->st_gid) == 0)
    fchmod(out, st->st_mode & 07777);
  close(in);
  close(out);
  return rc;
}

static int copy_entry(int src, int dst, const char *name, int whiteouts);

static int copy_dir(int src, int dst, const char *name, const struct stat *st, int whiteouts) {
  char v;
  int from, to, rc;

  if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST)
    return -1;
  from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  rc = from < 0 || to < 0 ? -1 : 0;
  if (rc == 0 && whiteouts && fgetxattr(from, "user.overlay.opaque", &v, 1) == 1 && v == 'y') {
    /* An opaque directory hides everything the layers below put there. */
    close(to);
    remove_tree(dst, name);
    mkdirat(dst, name, 0700);
    to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    rc = to < 0 ? -1 : 0;
  }
  if (rc == 0)
    rc = copy_tree(from, to, whiteouts);
  if (rc == 0 && fchown(to, st->st_uid, st->st_gid) == 0)
    fchmod(to, st->st_mode & 07777);
  if (from >= 0)
    close(from);
  if (to >= 0)
    close(to);
  return rc;
}

static int copy_entry(int src, int dst, const char *name, int whiteouts) {
  struct stat st, old;
  char link[4097];
  ssize_t n;

  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (fstatat(dst, name, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
      !(S_ISDIR(old.st_mode) && S_ISDIR(st.st_mode)))
    remove_tree(dst, name);
  if (S_ISDIR(st.st_mode))
    return copy_dir(src, dst, name, &st, whiteouts);
  if (S_ISREG(st.st_mode))
    return copy_data(src, name, dst, &st);
  if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) && whiteouts)
    return 0; /* a whiteout: the entry below is gone, and so it stays */
  if (S_ISLNK(st.st_mode)) {
    n = readlinkat(src, name, link, sizeof link - 1);
    if (n < 0)
      return -1;
    link[n] = '\0';
    if (symlinkat(link, dst, name) < 0)
      return -1;
    return fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW), 0;
  }
  if (S_ISFIFO(st.st_mode) && mknodat(dst, name, S_IFIFO | (st.st_mode & 07777), 0) < 0)
    return -1;
  return 0;
}

int copy_tree(int src, int dst, int whiteouts) {
  int fd = dup(src), rc = 0;
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;

  if (d == NULL)
    return -1;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    rc = copy_entry(src, dst, de->d_name, whiteouts);
  }
  closedir(d);
  return rc;
}
