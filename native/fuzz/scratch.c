#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The directories from the base down to the root, each of which must hold only the next. */
static const char *const chain[] = {"a", "b", "root"};
#define CHAIN_LEN 3

static char base[4096];
static int levels[CHAIN_LEN + 1]; /* fds: base, a, b, root */

static void die(const char *what, const char *name) {
  fprintf(stderr, "fuzz-tar: %s: %s (%s)\n", what, name, strerror(errno));
  abort();
}

static void empty_dir(int dirfd);

static void remove_base(void) {
  empty_dir(levels[0]);
  if (rmdir(base) < 0)
    fprintf(stderr, "fuzz-tar: could not remove %s: %s\n", base, strerror(errno));
}

int scratch_init(void) {
  const char *parent = getenv("CHEFER_FUZZ_SCRATCH");

  /* A crash skips the atexit cleanup; a caller that sets the parent can remove it then. */
  snprintf(base, sizeof base, "%s/chefer-fuzz-tar-XXXXXX", parent ? parent : "/tmp");
  if (mkdtemp(base) == NULL)
    die("create scratch directory", base);
  atexit(remove_base);
  levels[0] = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < CHAIN_LEN; i++) {
    if (mkdirat(levels[i], chain[i], 0755) < 0)
      die("create scratch directory", chain[i]);
    levels[i + 1] = openat(levels[i], chain[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (levels[i + 1] < 0)
      die("open scratch directory", chain[i]);
  }
  if (mkdir(SCRATCH_CANARY, 0755) < 0 && errno != EEXIST)
    die("create canary", SCRATCH_CANARY);
  return levels[CHAIN_LEN];
}

/* Opens a child directory to empty it, making it searchable first: an entry may have left it
 * with mode 0, which stops a non-root user from listing it. */
static int open_child_dir(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat(dirfd, name, 0700, 0) == 0)
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd;
}

static void empty_dir(int dirfd) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *d;

  if (dir == NULL)
    die("list scratch directory", ".");
  fchmod(dirfd, 0700);
  while ((d = readdir(dir)) != NULL) {
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
      continue;
    if (unlinkat(dirfd, d->d_name, 0) == 0)
      continue;
    int child = open_child_dir(dirfd, d->d_name);
    if (child < 0)
      die("open scratch entry", d->d_name);
    empty_dir(child);
    close(child);
    if (unlinkat(dirfd, d->d_name, AT_REMOVEDIR) < 0)
      die("remove scratch entry", d->d_name);
  }
  closedir(dir);
}

void scratch_reset(void) {
  int root = levels[CHAIN_LEN];

  empty_dir(root);
  fchmod(root, 0755);
  fremovexattr(root, "user.overlay.opaque");
}

/* Aborts unless the directory holds exactly `only` (or nothing, when only is NULL). */
static void expect_only(int dirfd, const char *only, const char *where) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *d;

  if (dir == NULL)
    die("list", where);
  while ((d = readdir(dir)) != NULL) {
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
      continue;
    if (only != NULL && strcmp(d->d_name, only) == 0)
      continue;
    fprintf(stderr, "fuzz-tar: extraction wrote \"%s\" outside the root, in %s\n", d->d_name,
            where);
    abort();
  }
  closedir(dir);
}

/* Walks the extracted tree without following symlinks, refusing device nodes. */
static void check_tree(int dirfd) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *d;
  struct stat st;

  if (dir == NULL)
    return; /* a directory left unreadable by its mode; scratch_reset opens it */
  while ((d = readdir(dir)) != NULL) {
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
      continue;
    if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      die("stat extracted entry", d->d_name);
    if (S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && st.st_rdev != makedev(0, 0))) {
      fprintf(stderr, "fuzz-tar: extraction created the device node \"%s\"\n", d->d_name);
      abort();
    }
    if (S_ISDIR(st.st_mode)) {
      int child = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0)
        check_tree(child), close(child);
    }
  }
  closedir(dir);
}

void scratch_check(void) {
  int canary = open(SCRATCH_CANARY, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  for (int i = 0; i < CHAIN_LEN; i++)
    expect_only(levels[i], chain[i], i == 0 ? base : chain[i - 1]);
  if (canary < 0)
    die("open canary", SCRATCH_CANARY);
  expect_only(canary, NULL, SCRATCH_CANARY);
  close(canary);
  check_tree(levels[CHAIN_LEN]);
}
