#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "blob.h"
#include "events.h"
#include "exit-codes.h"
#include "io.h"
#include "log.h"
#include "paths.h"
#include "tar.h"

#define CACHE_FIX "remove the cache directory named above (or run with --no-cache)"
#define SPACE_FIX                                                                                  \
  "free space on that disk, or set XDG_CACHE_HOME to a directory on a disk with room"
#define MAX_DEPTH 512
/* What a run writes in the cache before its services do (/etc/hosts, resolv.conf, baked
 * files): with less free, it would fail half-way with a message about one of those files. */
#define RUN_ROOM (1u << 20)

struct record {
  uint64_t ino, ctime_s, ctime_ns, size;
  uint32_t mode, uid, gid, namelen;
};

typedef int (*visit_fn)(void *ctx, const struct record *r, const char *path);

static int open_sub(int dirfd, const char *name) {
  if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
    return -1;
  return openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int cache_open(const char *path, struct cache *c) {
  snprintf(c->path, sizeof c->path, "%s", path);
  if (make_dirs(path, 0700) < 0)
    return fail_errno(EXIT_ENVIRONMENT, "set XDG_CACHE_HOME to a writable directory",
                      "create cache %s", path);
  c->dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->dir < 0)
    return fail_errno(EXIT_ENVIRONMENT, "set XDG_CACHE_HOME to a writable directory",
                      "open cache %s", path);
  c->layers = open_sub(c->dir, "layers");
  c->run = open_sub(c->dir, "run");
  if (c->layers < 0 || c->run < 0)
    return fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "open cache %s", path);
  return 0;
}

int cache_check_room(const struct cache *c) {
  struct statvfs vfs;

  if (fstatvfs(c->dir, &vfs) < 0 || (uint64_t)vfs.f_bavail * vfs.f_frsize >= RUN_ROOM)
    return 0;
  return fail(EXIT_ENVIRONMENT, SPACE_FIX,
              "prepare the run directory in cache %s: the disk is full (ENOSPC, %llu KiB free)",
              c->path, (unsigned long long)(((uint64_t)vfs.f_bavail * vfs.f_frsize) >> 10));
}

pid_t cache_run_pid(const char *name) {
  const char *last = strrchr(name, '-'), *p;
  long pid = 0;

  if (last == NULL || strlen(last + 1) != 8 || last == name)
    return 0;
  for (p = last - 1; p > name && *p >= '0' && *p <= '9'; p--)
    ;
  if (*p != '-' || p + 1 == last)
    return 0;
  pid = strtol(p + 1, NULL, 10);
  return pid > 0 && pid < (1L << 22) ? (pid_t)pid : 0;
}

void remove_stale_runs(int run, const char *own) {
  int fd = openat(run, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;

  /* A run directory whose runtime is gone was left by a SIGKILL. Its mount points hold
   * nothing in this namespace (the binds lived in the dead sandbox's), but our own run
   * directory may still hold binds here, so it is never touched. */
  while (d != NULL && (de = readdir(d)) != NULL) {
    pid_t pid = cache_run_pid(de->d_name);
    if (pid > 0 && strcmp(de->d_name, own) != 0 && kill(pid, 0) < 0 && errno == ESRCH)
      remove_tree(run, de->d_name);
  }
  if (d != NULL)
    closedir(d);
}

int cache_reopen(struct cache *c) {
  close(c->dir), close(c->layers), close(c->run);
  c->dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  c->layers = open("layers", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  c->run = open("run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->dir < 0 || c->layers < 0 || c->run < 0)
    return fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "open cache in the sandbox");
  return 0;
}

static int walk(int dirfd, char *path, size_t plen, int depth, visit_fn fn, void *ctx);

static int visit(int dirfd, const char *name, char *path, size_t plen, int depth, visit_fn fn,
                 void *ctx) {
  struct stat st;
  struct record r;
  size_t nlen = strlen(name);
  int sub, rc;

  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (plen + nlen + 2 >= 4096)
    return errno = ENAMETOOLONG, -1;
  path[plen] = '/';
  memcpy(path + plen + 1, name, nlen + 1);
  r = (struct record){(uint64_t)st.st_ino,
                      (uint64_t)st.st_ctim.tv_sec,
                      (uint64_t)st.st_ctim.tv_nsec,
                      (uint64_t)st.st_size,
                      st.st_mode,
                      st.st_uid,
                      st.st_gid,
                      (uint32_t)(plen + nlen + 1)};
  if (fn(ctx, &r, path) < 0)
    return -1;
  if (!S_ISDIR(st.st_mode))
    return 0;
  if (depth >= MAX_DEPTH)
    return errno = ELOOP, -1;
  sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0)
    return -1;
  rc = walk(sub, path, plen + nlen + 1, depth + 1, fn, ctx);
  close(sub);
  return rc;
}

static int walk(int dirfd, char *path, size_t plen, int depth, visit_fn fn, void *ctx) {
  int fd = dup(dirfd), rc = 0;
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;

  if (d == NULL)
    return fd >= 0 ? close(fd), -1 : -1;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    rc = visit(dirfd, de->d_name, path, plen, depth, fn, ctx);
  }
  closedir(d);
  return rc;
}

static int walk_root(int dirfd, visit_fn fn, void *ctx) {
  char path[4096] = "";
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

  if (fd < 0)
    return -1;
  rc = visit(fd, ".", path, 0, 0, fn, ctx);
  close(fd);
  return rc;
}

struct builder {
  uint8_t *buf;
  size_t len, cap;
};

static int add_record(void *ctx, const struct record *r, const char *path) {
  struct builder *b = ctx;
  size_t need = sizeof *r + r->namelen;

  if (b->len + need > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 65536) + need;
    uint8_t *grown = realloc(b->buf, cap);
    if (grown == NULL)
      return errno = ENOMEM, -1;
    b->buf = grown, b->cap = cap;
  }
  memcpy(b->buf + b->len, r, sizeof *r);
  memcpy(b->buf + b->len + sizeof *r, path, r->namelen);
  b->len += need;
  return 0;
}

int index_build(int dirfd, uint8_t **out, size_t *len) {
  struct builder b = {0};

  if (walk_root(dirfd, add_record, &b) < 0) {
    free(b.buf);
    return -1;
  }
  *out = b.buf, *len = b.len;
  return 0;
}

struct checker {
  const uint8_t *index;
  size_t len, at;
};

static int compare_record(void *ctx, const struct record *r, const char *path) {
  struct checker *c = ctx;
  size_t need = sizeof *r + r->namelen;

  /* The walk stops at the first difference: a changed inode, ctime, size, mode or owner,
   * an entry added, removed or renamed. */
  if (c->at + need > c->len || memcmp(c->index + c->at, r, sizeof *r) != 0 ||
      memcmp(c->index + c->at + sizeof *r, path, r->namelen) != 0)
    return errno = ESTALE, -1;
  c->at += need;
  return 0;
}

int index_check(int dirfd, const uint8_t *index, size_t len) {
  struct checker c = {index, len, 0};

  if (walk_root(dirfd, compare_record, &c) < 0)
    return errno == ESTALE || errno == ENOENT ? 0 : -1;
  return c.at == c.len;
}

static int remove_entries(int fd, int depth) {
  int dfd = dup(fd), rc = 0;
  DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
  struct dirent *de;

  if (d == NULL)
    return -1;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (unlinkat(fd, de->d_name, 0) == 0 || (errno != EISDIR && errno != EPERM))
      continue;
    if (depth < MAX_DEPTH) {
      int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0)
        remove_entries(sub, depth + 1), close(sub);
    }
    if (unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
      rc = -1;
  }
  closedir(d);
  return rc;
}

int remove_tree(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return errno == ENOENT ? 0 : unlinkat(dirfd, name, 0);
  remove_entries(fd, 0);
  close(fd);
  return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* 1 when layers/<name> is complete and matches its index. */
static int entry_intact(int layers, const char *name) {
  char path[256];
  uint8_t *index;
  size_t len;
  int root, ok;

  snprintf(path, sizeof path, "%s/index", name);
  if (read_small_file(layers, path, 1u << 30, (char **)&index, &len) < 0)
    return 0;
  snprintf(path, sizeof path, "%s/root", name);
  root = openat(layers, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  ok = root >= 0 && index_check(root, index, len) == 1;
  if (root >= 0)
    close(root);
  free(index);
  return ok;
}

/* The tar extractor as the blob's sink; it keeps the errno of a failed write, so that a full
 * disk can be told apart from a hostile layer. */
struct feeding {
  struct tar_extract *tar;
  int err;
};

static int feed(void *ctx, const uint8_t *data, size_t len) {
  struct feeding *f = ctx;

  if (tar_feed(f->tar, data, len) == 0)
    return 0;
  f->err = errno;
  return -1;
}

static int check_space(const struct cache *c, int dirfd, const struct blob *layer) {
  struct statvfs vfs;

  if (fstatvfs(dirfd, &vfs) < 0)
    return 0;
  if ((uint64_t)vfs.f_bavail * vfs.f_frsize >= layer->usize)
    return 0;
  return fail(EXIT_ENVIRONMENT, SPACE_FIX,
              "extract layer %.12s into cache %s: needs %llu MB, only %llu MB free", layer->hex,
              c->path, (unsigned long long)(layer->usize >> 20),
              (unsigned long long)(((uint64_t)vfs.f_bavail * vfs.f_frsize) >> 20));
}

/* The free-space check counts the layer's bytes; a file system may need more (a page per
 * small file on tmpfs, a block per file on ext4), so a full disk can still stop extraction. */
static int out_of_space(const struct cache *c, const struct blob *layer, int err) {
  errno = err;
  return fail_errno(EXIT_ENVIRONMENT, SPACE_FIX,
                    "extract layer %.12s into cache %s: the disk is full (%s)", layer->hex, c->path,
                    err == EDQUOT ? "EDQUOT" : "ENOSPC");
}

static void warn_lost_owners(const struct cache *c, const struct tar_extract *t,
                             const struct blob *layer) {
  struct tar_stats st;

  tar_get_stats(t, &st);
  if (st.lost_owners == 0)
    return;
  log_warn("layer %.12s: %llu entries belong to users this machine cannot map (%s); they belong "
           "to root in the container (fix: give this user a range in /etc/subuid and "
           "/etc/subgid and install uidmap)",
           layer->hex, (unsigned long long)st.lost_owners, c->single ? c->single : "no range");
}

/* Extracts layer into dirfd/<name>/root and writes dirfd/<name>/index; *err is the errno of
 * a failed write, or 0. */
static int extract_files(struct cache *c, const struct blob *layer, int dirfd, const char *name,
                         int *err) {
  char sub[300];
  struct feeding f = {0};
  uint8_t *index = NULL;
  size_t len = 0;
  int root, rc;

  snprintf(sub, sizeof sub, "%s/root", name);
  if (mkdirat(dirfd, name, 0700) < 0 || mkdirat(dirfd, sub, 0755) < 0)
    return *err = errno, fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "create layer directory %s", name);
  root = openat(dirfd, sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  f.tar = root < 0 ? NULL : tar_begin(root, layer->hex + 0);
  if (f.tar == NULL)
    return fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "open layer directory %s", name);
  rc = blob_read(c->exe, c->payload_offset, layer, feed, &f);
  *err = f.err;
  rc = rc < 0 ? rc : tar_finish(f.tar);
  warn_lost_owners(c, f.tar, layer);
  tar_free(f.tar);
  if (rc == 0 && index_build(root, &index, &len) < 0)
    rc = fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "index layer %.12s", layer->hex);
  snprintf(sub, sizeof sub, "%s/index", name);
  if (rc == 0 && write_file_atomic(dirfd, sub, index, len, 0600) < 0)
    *err = errno,
    rc = fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "write index of layer %.12s", layer->hex);
  free(index);
  close(root);
  return rc;
}

static int extract_into(struct cache *c, const struct blob *layer, int dirfd, const char *name) {
  int err = 0;

  if (extract_files(c, layer, dirfd, name, &err) == 0)
    return 0;
  return err == ENOSPC || err == EDQUOT ? out_of_space(c, layer, err) : -1;
}

static void temp_name(char *out, size_t size, const char *prefix, const char *name) {
  uint32_t r = 0;

  if (getrandom(&r, sizeof r, 0) != sizeof r)
    r = (uint32_t)getpid() ^ (uint32_t)(uintptr_t)&r;
  snprintf(out, size, "%s%s-%08x", prefix, name, r);
}

int cache_discard(int layers, const char *name) {
  char trash[300];

  temp_name(trash, sizeof trash, ".trash-", name);
  if (renameat(layers, name, layers, trash) < 0)
    return errno == ENOENT ? 0 : -1;
  return remove_tree(layers, trash) < 0 ? -1 : 1;
}

void cache_remove_leftovers(int layers, const char *name) {
  int fd = openat(layers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;
  size_t n = strlen(name);

  while (d != NULL && (de = readdir(d)) != NULL) {
    const char *rest = strncmp(de->d_name, ".tmp-", 5) == 0     ? de->d_name + 5
                       : strncmp(de->d_name, ".trash-", 7) == 0 ? de->d_name + 7
                                                                : NULL;
    if (rest != NULL && strncmp(rest, name, n) == 0 && rest[n] == '-')
      remove_tree(layers, de->d_name);
  }
  if (d != NULL)
    closedir(d);
}

static int replace_entry(struct cache *c, const struct blob *layer, const char *name) {
  char tmp[300];
  int rc;

  cache_remove_leftovers(c->layers, name);
  temp_name(tmp, sizeof tmp, ".tmp-", name);
  if (check_space(c, c->layers, layer) < 0)
    return -1;
  if (!c->quiet) {
    log_info("extracting layers %zu/%zu", c->step, c->steps);
    event_progress("extract", c->step - 1, c->steps, "extracting layers");
  }
  c->extracted++;
  rc = extract_into(c, layer, c->layers, tmp);
  if (rc == 0) {
    /* Move a damaged entry aside first, so the rename below cannot fail on a full dir. */
    cache_discard(c->layers, name);
    if (renameat(c->layers, tmp, c->layers, name) < 0)
      rc = fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "complete cache entry %s", name);
  }
  if (rc < 0)
    remove_tree(c->layers, tmp);
  return rc;
}

static int locked_layer(struct cache *c, const struct blob *layer, const char *name) {
  struct stat st;

  if (entry_intact(c->layers, name)) {
    log_debug("layer %.12s: cache entry intact", layer->hex);
    return 0;
  }
  if (fstatat(c->layers, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    log_warn("cache entry %s does not match its index (modified or damaged); extracting the "
             "layer again from the executable",
             name);
  return replace_entry(c, layer, name);
}

int cache_layer(struct cache *c, const struct blob *layer, int scratch, char *name, size_t size) {
  char lock[300];
  int fd, rc;

  if (c->no_cache) {
    snprintf(name, size, "%s", layer->hex);
    log_debug("extracting layers %zu/%zu", c->step, c->steps);
    return check_space(c, scratch, layer) < 0 ? -1 : extract_into(c, layer, scratch, name);
  }
  snprintf(name, size, "%s-%s", layer->hex, c->mapkey);
  snprintf(lock, sizeof lock, "%s.lock", name);
  fd = openat(c->layers, lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || flock(fd, LOCK_EX) < 0)
    return fail_errno(EXIT_ENVIRONMENT, CACHE_FIX, "lock cache entry %s", name);
  /* The lock's mtime is the entry's last use, which the cache prune goes by. */
  futimens(fd, NULL);
  rc = locked_layer(c, layer, name);
  close(fd);
  return rc;
}
