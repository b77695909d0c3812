#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"
#include "manifest.h"
#include "safepath.h"

#define BLOCK 512
#define HOSTILE "the layer is damaged or hostile; rebuild the app from a trusted image"

enum state { HEADER, DATA, PADDING, END };

/* What the pax and GNU long-name records say about the next entry. */
struct pending {
  char *path;
  char *linkpath;
  int64_t size; /* -1 when not overridden */
};

struct entry {
  char type;
  char path[TAR_MAX_NAME + 1];
  char link[TAR_MAX_NAME + 1];
  uint64_t size;
  int mode;
  int64_t uid, gid;
  int64_t mtime;
};

struct tar_extract {
  int root;
  char label[80];
  enum state state;
  uint8_t header[BLOCK];
  size_t header_used;
  uint64_t remaining; /* data bytes left in the current entry */
  uint64_t padding;   /* padding bytes left after it */
  int zero_blocks;
  struct entry e;
  struct pending next;
  int out;          /* file being written, or -1 */
  char *meta;       /* pax or long-name record being collected */
  size_t meta_used; /* bytes of meta collected */
  struct tar_stats stats;
};

static int hostile(struct tar_extract *t, const char *what, const char *name) {
  return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: entry \"%.200s\" %s", t->label, name, what);
}

struct tar_extract *tar_begin(int rootfd, const char *label) {
  struct tar_extract *t = calloc(1, sizeof *t);

  if (t == NULL)
    return NULL;
  t->root = rootfd;
  t->out = -1;
  t->next.size = -1;
  snprintf(t->label, sizeof t->label, "%s", label);
  return t;
}

static void clear_pending(struct pending *p) {
  free(p->path);
  free(p->linkpath);
  p->path = p->linkpath = NULL;
  p->size = -1;
}

void tar_free(struct tar_extract *t) {
  if (t == NULL)
    return;
  if (t->out >= 0)
    close(t->out);
  clear_pending(&t->next);
  free(t->meta);
  free(t);
}

void tar_get_stats(const struct tar_extract *t, struct tar_stats *out) {
  *out = t->stats;
}

/* Octal, or GNU base-256 when the high bit of the first byte is set. */
static int number(const uint8_t *field, size_t len, int64_t *out) {
  uint64_t v = 0;
  size_t i = 0;

  if (field[0] & 0x80) {
    if (field[0] & 0x40)
      return -1; /* negative */
    v = field[0] & 0x3F;
    for (i = 1; i < len; i++) {
      if (v >> 55)
        return -1;
      v = v << 8 | field[i];
    }
    *out = (int64_t)v;
    return 0;
  }
  while (i < len && (field[i] == ' ' || field[i] == '\0'))
    i++;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
    if (v >> 60)
      return -1;
    v = v << 3 | (uint64_t)(field[i] - '0');
  }
  for (; i < len; i++)
    if (field[i] != ' ' && field[i] != '\0')
      return -1;
  *out = (int64_t)v;
  return 0;
}

static int checksum_ok(const uint8_t *h) {
  int64_t stored;
  uint64_t sum = 0;

  if (number(h + 148, 8, &stored) < 0)
    return 0;
  for (int i = 0; i < BLOCK; i++)
    sum += (i >= 148 && i < 156) ? ' ' : h[i];
  return (int64_t)sum == stored;
}

static void header_name(const uint8_t *h, char *out) {
  int ustar = memcmp(h + 257, "ustar", 5) == 0;
  if (ustar && h[345] != '\0')
    snprintf(out, TAR_MAX_NAME + 1, "%.155s/%.100s", (const char *)h + 345, (const char *)h);
  else
    snprintf(out, TAR_MAX_NAME + 1, "%.100s", (const char *)h);
}

static int parse_header(struct tar_extract *t) {
  const uint8_t *h = t->header;
  int64_t size, mode;
  struct entry *e = &t->e;

  if (!checksum_ok(h))
    return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: bad tar header checksum", t->label);
  if (number(h + 124, 12, &size) < 0 || number(h + 100, 8, &mode) < 0 ||
      number(h + 108, 8, &e->uid) < 0 || number(h + 116, 8, &e->gid) < 0 ||
      number(h + 136, 12, &e->mtime) < 0)
    return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: bad number in tar header", t->label);
  e->type = (char)h[156];
  e->mode = (int)(mode & 07777);
  e->size = (uint64_t)(t->next.size >= 0 ? t->next.size : size);
  header_name(h, e->path);
  snprintf(e->link, sizeof e->link, "%.100s", (const char *)h + 157);
  if (t->next.path)
    snprintf(e->path, sizeof e->path, "%s", t->next.path);
  if (t->next.linkpath)
    snprintf(e->link, sizeof e->link, "%s", t->next.linkpath);
  return 0;
}

/* Parses "len key=value\n" records; keeps path, linkpath and size. */
static int parse_pax(struct tar_extract *t, char *rec, size_t len) {
  char *p = rec, *end = rec + len;

  while (p < end) {
    char *sp, *eq, *stop;
    unsigned long n = strtoul(p, &sp, 10);
    if (sp == p || *sp != ' ' || n == 0 || n > (size_t)(end - p) || p[n - 1] != '\n')
      return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: malformed pax record", t->label);
    stop = p + n - 1;
    *stop = '\0';
    eq = strchr(sp + 1, '=');
    if (eq == NULL)
      return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: malformed pax record", t->label);
    *eq = '\0';
    if ((strcmp(sp + 1, "path") == 0 || strcmp(sp + 1, "linkpath") == 0) &&
        strlen(eq + 1) > TAR_MAX_NAME)
      return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: pax %s longer than %d bytes", t->label,
                  sp + 1, TAR_MAX_NAME);
    if (strcmp(sp + 1, "path") == 0 && (free(t->next.path), 1))
      t->next.path = strndup(eq + 1, TAR_MAX_NAME);
    else if (strcmp(sp + 1, "linkpath") == 0 && (free(t->next.linkpath), 1))
      t->next.linkpath = strndup(eq + 1, TAR_MAX_NAME);
    else if (strcmp(sp + 1, "size") == 0)
      t->next.size = strtoll(eq + 1, NULL, 10);
    p += n;
  }
  return 0;
}

static int finish_meta(struct tar_extract *t) {
  char *text = t->meta;
  int rc = 0;

  text[t->meta_used] = '\0';
  if (t->e.type == 'x')
    rc = parse_pax(t, text, t->meta_used);
  else if (t->e.type == 'L' && (free(t->next.path), 1))
    t->next.path = strndup(text, TAR_MAX_NAME);
  else if (t->e.type == 'K' && (free(t->next.linkpath), 1))
    t->next.linkpath = strndup(text, TAR_MAX_NAME);
  free(t->meta);
  t->meta = NULL;
  return rc;
}

static int remove_existing(int dirfd, const char *name, int keep_dir) {
  struct stat st;

  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -1;
  if (S_ISDIR(st.st_mode))
    return keep_dir ? 0 : unlinkat(dirfd, name, AT_REMOVEDIR);
  return unlinkat(dirfd, name, 0);
}

static void set_owner(struct tar_extract *t, int dirfd, const char *name, int fd) {
  int rc = fd >= 0 ? fchown(fd, (uid_t)t->e.uid, (gid_t)t->e.gid)
                   : fchownat(dirfd, name, (uid_t)t->e.uid, (gid_t)t->e.gid, AT_SYMLINK_NOFOLLOW);
  /* EINVAL: the id has no mapping in this user namespace (rootless without subordinate ids);
   * the entry keeps the extracting user as owner, which is the best a single mapping allows. */
  if (rc < 0 && (errno == EINVAL || errno == EPERM) && (t->e.uid != 0 || t->e.gid != 0))
    t->stats.lost_owners++;
}

static int create_file(struct tar_extract *t, int dirfd, const char *name) {
  if (remove_existing(dirfd, name, 0) < 0)
    return fail_errno(EXIT_DAMAGED, HOSTILE, "extract layer %s: replace %s", t->label, t->e.path);
  t->out = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (t->out < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: create %s", t->label, t->e.path);
  set_owner(t, dirfd, name, t->out);
  /* After chown, which clears set-id bits. */
  if (fchmod(t->out, (mode_t)t->e.mode) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: chmod %s", t->label, t->e.path);
  return 0;
}

static int make_dir(struct tar_extract *t, int dirfd, const char *name) {
  int fd;

  if (remove_existing(dirfd, name, 1) < 0 || (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST))
    return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: mkdir %s", t->label, t->e.path);
  fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail_errno(EXIT_DAMAGED, HOSTILE, "extract layer %s: open %s", t->label, t->e.path);
  set_owner(t, dirfd, name, fd);
  /* The exact mode, even read-only: container root, which extracts, writes into its own
   * directories whatever their mode (GNU tar needs --delay-directory-restore for this). */
  fchmod(fd, (mode_t)t->e.mode);
  close(fd);
  return 0;
}

static int make_symlink(struct tar_extract *t, int dirfd, const char *name) {
  /* The target text is stored as is: it is only ever followed inside the rootfs. */
  if (remove_existing(dirfd, name, 0) < 0 || symlinkat(t->e.link, dirfd, name) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: symlink %s", t->label, t->e.path);
  set_owner(t, dirfd, name, -1);
  return 0;
}

/* TODO(limitation): each layer is extracted on its own (overlayfs needs that), so a hard link
 * to a file that only a lower layer has is refused; Docker's own layers do not contain them. */
static int make_hardlink(struct tar_extract *t, int dirfd, const char *name) {
  char target[TAR_MAX_NAME + 1], parent[TAR_MAX_NAME + 1];
  const char *base;
  int pfd, rc;

  snprintf(target, sizeof target, "%s", t->e.link);
  if (path_clean(target, 0) < 0 || strcmp(target, ".") == 0)
    return hostile(t, "is a hard link pointing outside the layer", t->e.path);
  base = path_split(target, parent, sizeof parent);
  pfd = open_in_root(t->root, parent, O_PATH | O_DIRECTORY, 0);
  if (pfd < 0)
    return hostile(t, "is a hard link to a file not in the layer", t->e.path);
  rc = remove_existing(dirfd, name, 0) < 0 ? -1 : linkat(pfd, base, dirfd, name, 0);
  close(pfd);
  if (rc < 0)
    return fail_errno(EXIT_DAMAGED, HOSTILE, "extract layer %s: hard link %s to %s", t->label,
                      t->e.path, target);
  return 0;
}

static int make_whiteout(struct tar_extract *t, int dirfd, const char *name) {
  if (strcmp(name, ".wh..wh..opq") == 0) {
    /* Opaque directory, in the form overlayfs reads with the userxattr option. */
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : fsetxattr(fd, "user.overlay.opaque", "y", 1, 0);
    if (fd >= 0)
      close(fd);
    if (rc == 0)
      return 0;
    return fail_errno(EXIT_ENVIRONMENT, "put the cache on a file system with user xattrs",
                      "extract layer %s: mark %s opaque", t->label, t->e.path);
  }
  name += 4;
  if (!is_single_component(name))
    return hostile(t, "is a malformed whiteout", t->e.path);
  /* A 0:0 character device is overlayfs's whiteout; the kernel lets an unprivileged user
   * create exactly this device (Linux >= 5.8). */
  if (remove_existing(dirfd, name, 0) < 0 || mknodat(dirfd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: whiteout %s", t->label, t->e.path);
  return 0;
}

static int make_node(struct tar_extract *t, int dirfd, const char *name) {
  char type = t->e.type;

  if (strncmp(name, ".wh.", 4) == 0)
    return make_whiteout(t, dirfd, name);
  switch (type) {
  case '0':
  case '\0':
  case '7':
    return create_file(t, dirfd, name);
  case '5':
    return make_dir(t, dirfd, name);
  case '2':
    return make_symlink(t, dirfd, name);
  case '1':
    return make_hardlink(t, dirfd, name);
  case '6':
    if (remove_existing(dirfd, name, 0) < 0 || mknodat(dirfd, name, S_IFIFO | 0600, 0) < 0)
      return fail_errno(EXIT_ENVIRONMENT, NULL, "extract layer %s: fifo %s", t->label, t->e.path);
    set_owner(t, dirfd, name, -1);
    return fchmodat(dirfd, name, (mode_t)t->e.mode, 0) < 0 ? -1 : 0;
  case '3':
  case '4':
    /* Device nodes are never created: the runtime is unprivileged, and /dev is its own. */
    t->stats.skipped_devices++;
    return 0;
  default:
    return hostile(t, "has an unsupported tar entry type", t->e.path);
  }
}

static int place_entry(struct tar_extract *t) {
  char path[TAR_MAX_NAME + 1], parent[TAR_MAX_NAME + 1];
  const char *base;
  int dirfd, rc;

  snprintf(path, sizeof path, "%s", t->e.path);
  if (path[0] == '/')
    return hostile(t, "has an absolute path", t->e.path);
  if (path_clean(path, 0) < 0)
    return hostile(t, "has a \"..\" component", t->e.path);
  if (strcmp(path, ".") == 0)
    return 0; /* the layer's own root: nothing to create */
  base = path_split(path, parent, sizeof parent);
  dirfd = mkdirs_in_root(t->root, parent);
  if (dirfd < 0)
    return fail_errno(EXIT_DAMAGED, HOSTILE, "extract layer %s: open parent of %s", t->label,
                      t->e.path);
  rc = make_node(t, dirfd, base);
  close(dirfd);
  return rc;
}

static int begin_entry(struct tar_extract *t) {
  char type = t->e.type;
  int meta = type == 'x' || type == 'L' || type == 'K';
  uint64_t limit = type == 'x' ? TAR_MAX_PAX : TAR_MAX_NAME;

  t->remaining =
      (type == '5' || type == '2' || type == '1' || type == '3' || type == '4' || type == '6')
          ? 0
          : t->e.size;
  t->padding = (BLOCK - t->remaining % BLOCK) % BLOCK;
  if (meta && t->e.size > limit)
    return hostile(t, "has an oversized pax or long-name header", t->e.path);
  if (meta)
    return (t->meta = calloc(1, t->e.size + 1)) ? (t->meta_used = 0, 0)
                                                : fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  if (type == 'g')
    return 0; /* global pax header: nothing in it matters for extraction */
  t->stats.entries++;
  if (place_entry(t) < 0)
    return -1;
  clear_pending(&t->next);
  return 0;
}

static int end_entry(struct tar_extract *t) {
  char type = t->e.type;

  if (t->meta != NULL && finish_meta(t) < 0)
    return -1;
  if (t->out >= 0) {
    struct timespec times[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = t->e.mtime}};
    futimens(t->out, times);
    close(t->out);
    t->out = -1;
  }
  (void)type;
  return 0;
}

static int on_header(struct tar_extract *t) {
  static const uint8_t zero[BLOCK];

  if (memcmp(t->header, zero, BLOCK) == 0) {
    if (++t->zero_blocks == 2)
      t->state = END;
    return 0;
  }
  if (t->zero_blocks > 0)
    return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: data after an empty block", t->label);
  if (parse_header(t) < 0 || begin_entry(t) < 0)
    return -1;
  t->state = t->remaining ? DATA : t->padding ? PADDING : HEADER;
  return t->state == HEADER ? end_entry(t) : 0;
}

static int on_data(struct tar_extract *t, const uint8_t *data, size_t n) {
  if (t->meta != NULL) {
    memcpy(t->meta + t->meta_used, data, n);
    t->meta_used += n;
  } else if (t->out >= 0 && write_full(t->out, data, n) < 0) {
    return fail_errno(EXIT_ENVIRONMENT, "free some disk space and run the app again",
                      "extract layer %s: write %s", t->label, t->e.path);
  }
  t->remaining -= n;
  if (t->remaining == 0) {
    t->state = t->padding ? PADDING : HEADER;
    if (t->state == HEADER)
      return end_entry(t);
  }
  return 0;
}

static size_t take_header(struct tar_extract *t, const uint8_t *data, size_t len) {
  size_t n = BLOCK - t->header_used < len ? BLOCK - t->header_used : len;
  memcpy(t->header + t->header_used, data, n);
  t->header_used += n;
  return n;
}

static int feed_one(struct tar_extract *t, const uint8_t *data, size_t len, size_t *used) {
  size_t n;

  switch (t->state) {
  case HEADER:
    *used = take_header(t, data, len);
    if (t->header_used < BLOCK)
      return 0;
    t->header_used = 0;
    return on_header(t);
  case DATA:
    n = t->remaining < len ? (size_t)t->remaining : len;
    *used = n;
    return on_data(t, data, n);
  case PADDING:
    n = t->padding < len ? (size_t)t->padding : len;
    *used = n;
    t->padding -= n;
    return t->padding ? 0 : (t->state = HEADER, end_entry(t));
  case END:
    *used = len; /* trailing zeros after the end marker */
    return 0;
  }
  return 0;
}

int tar_feed(struct tar_extract *t, const uint8_t *data, size_t len) {
  while (len > 0) {
    size_t used = 0;
    if (feed_one(t, data, len, &used) < 0)
      return -1;
    data += used, len -= used;
  }
  return 0;
}

int tar_finish(struct tar_extract *t) {
  /* Some writers omit the end-of-archive blocks; ending between entries is accepted. */
  if ((t->state == HEADER && t->header_used == 0) || t->state == END)
    return 0;
  return fail(EXIT_DAMAGED, HOSTILE, "extract layer %s: truncated tar stream", t->label);
}
