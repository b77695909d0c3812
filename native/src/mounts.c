#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "blob.h"
#include "exit-codes.h"
#include "gui.h"
#include "io.h"
#include "log.h"
#include "rootfs.h"
#include "safepath.h"

static int read_only(int target);

static int mount_fd(const char *source, const char *fstype, int target, unsigned long flags,
                    const char *data) {
  char at[64];
  return mount(source, fd_path(target, at, sizeof at), fstype, flags, data);
}

static int bind_fd(int source, int target, int recursive) {
  char from[64];
  return mount_fd(fd_path(source, from, sizeof from), NULL, target,
                  MS_BIND | (recursive ? MS_REC : 0), NULL);
}

/* Opens (creating when missing) a mount target inside the root: a directory (file 0), or a
 * file (1); with 2, a dangling symlink at the target is replaced by an empty file. */
static int target_in_root(int root, const char *path, int file) {
  char parent[4096];
  const char *base;
  int dir, fd;

  if (!file)
    return mkdirs_in_root(root, path);
  base = path_split(path, parent, sizeof parent);
  dir = mkdirs_in_root(root, parent);
  if (dir < 0)
    return -1;
  fd = open_in_root(dir, base, O_PATH, 0);
  if (fd < 0 && errno == ENOENT && file == 2)
    unlinkat(dir, base, 0); /* a dangling symlink where the runtime puts its own file */
  if (fd < 0 && errno == ENOENT) {
    int made = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (made >= 0)
      close(made);
    fd = open_in_root(dir, base, O_PATH, 0);
  }
  close(dir);
  return fd;
}

static int mount_proc(int root) {
  int target = target_in_root(root, "/proc", 0), rc;

  if (target < 0)
    return fail_errno(EXIT_START, NULL, "create /proc in the root filesystem");
  rc = mount_fd("proc", "proc", target, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  /* Inside another container the kernel refuses a fresh proc when the outer one has masked
   * paths ("mount too revealing"); the host's /proc, bound recursively, is what remains. */
  if (rc < 0 && (errno == EPERM || errno == EBUSY)) {
    int host = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    log_debug("mount proc refused (%s); binding the host /proc", strerror(errno));
    rc = host < 0 ? -1 : bind_fd(host, target, 1);
    if (host >= 0)
      close(host);
  }
  close(target);
  return rc < 0 ? fail_errno(EXIT_START, NULL, "mount /proc") : 0;
}

static int dev_node(int dev, const char *name) {
  char host[64];
  int src, dst, fd, rc;

  fd = openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    return -1;
  close(fd);
  snprintf(host, sizeof host, "/dev/%s", name);
  src = open(host, O_PATH | O_CLOEXEC);
  dst = openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  rc = src < 0 || dst < 0 ? -1 : bind_fd(src, dst, 0);
  if (rc < 0)
    log_debug("bind /dev/%s: %s", name, strerror(errno));
  if (src >= 0)
    close(src);
  if (dst >= 0)
    close(dst);
  return 0; /* a missing host node (no tty) is not fatal */
}

static int dev_links(int dev) {
  static const char *const links[][2] = {
      {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},         {"core", "/proc/kcore"}};
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlinkat(links[i][1], dev, links[i][0]) < 0)
      return -1;
  return 0;
}

static int dev_mounts(int dev) {
  int pts, shm, rc = 0;

  if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
    return -1;
  pts = openat(dev, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
  shm = openat(dev, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pts < 0 || shm < 0 ||
      mount_fd("devpts", "devpts", pts, MS_NOSUID | MS_NOEXEC,
               "newinstance,ptmxmode=0666,mode=0620") ||
      mount_fd("shm", "tmpfs", shm, MS_NOSUID | MS_NODEV, "mode=1777,size=65536k"))
    rc = -1;
  if (pts >= 0)
    close(pts);
  if (shm >= 0)
    close(shm);
  return rc;
}

static int mount_dev(int root) {
  static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  int target = target_in_root(root, "/dev", 0), dev = -1, rc = -1;

  if (target >= 0 &&
      mount_fd("tmpfs", "tmpfs", target, MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536k") == 0)
    dev = open_in_root(root, "/dev", O_RDONLY | O_DIRECTORY, 0);
  if (dev >= 0) {
    rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof nodes / sizeof nodes[0]; i++)
      rc = dev_node(dev, nodes[i]);
    rc = rc < 0 ? rc : dev_links(dev);
    rc = rc < 0 ? rc : dev_mounts(dev);
    close(dev);
  }
  if (target >= 0)
    close(target);
  return rc < 0 ? fail_errno(EXIT_START, NULL, "set up /dev") : 0;
}

/* The descriptor of a target opened before mounting names what is underneath; open the
 * path again to reach the new mount itself. */
static int remount_read_only(int root, const char *path) {
  int fd = open_in_root(root, path, O_PATH, 0), rc;

  if (fd < 0)
    return -1;
  rc = read_only(fd);
  close(fd);
  return rc;
}

/* TODO(limitation): /sys is the host's, read-only, even for a service with a network namespace
 * of its own (bridge and internal mode): a fresh sysfs is not mounted, so /sys/class/net lists
 * the host's interfaces. In shared mode sysfs could not be mounted fresh at all. */
static int mount_sys(int root) {
  int target = target_in_root(root, "/sys", 0), host = open("/sys", O_PATH | O_CLOEXEC), rc;

  rc = target < 0 || host < 0 ? -1 : bind_fd(host, target, 1);
  /* Bind the host's, then make the top read-only (locked submounts keep their own flags). */
  if (rc == 0)
    rc = remount_read_only(root, "/sys");
  if (rc < 0)
    log_debug("read-only /sys: %s", strerror(errno));
  if (target >= 0)
    close(target);
  if (host >= 0)
    close(host);
  return 0;
}

static int write_etc_file(int svcdir, const char *name, const char *text, int root) {
  char path[64];
  int src, dst, rc;

  if (write_file_atomic(svcdir, name, text, strlen(text), 0644) < 0)
    return fail_errno(EXIT_START, NULL, "write %s", name);
  snprintf(path, sizeof path, "/etc/%s", name);
  src = openat(svcdir, name, O_PATH | O_CLOEXEC);
  dst = target_in_root(root, path, 2);
  rc = src < 0 || dst < 0 ? -1 : bind_fd(src, dst, 0);
  if (src >= 0)
    close(src);
  if (dst >= 0)
    close(dst);
  return rc < 0 ? fail_errno(EXIT_START, NULL, "mount %s", path) : 0;
}

static char *host_resolv_conf(void) {
  char *text = NULL, *line, *save = NULL;
  size_t used = 0, cap = 4096;
  char *out = calloc(1, cap);

  if (out == NULL || read_small_file(AT_FDCWD, "/etc/resolv.conf", 65536, &text, NULL) < 0)
    return out;
  /* A loopback resolver (systemd-resolved, dnsmasq) is reachable only while the service shares
   * the host's network, which it does in this part; keep every line. */
  for (line = strtok_r(text, "\n", &save); line && used + strlen(line) + 2 < cap;
       line = strtok_r(NULL, "\n", &save))
    used += (size_t)snprintf(out + used, cap - used, "%s\n", line);
  free(text);
  return out;
}

static int etc_files(const struct service *s, const struct mount_env *env) {
  char hosts[8192], hostname[80];
  char *resolv = env->resolv ? strdup(env->resolv) : host_resolv_conf();
  size_t n;
  int rc;

  n = (size_t)snprintf(hosts, sizeof hosts,
                       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                       "127.0.1.1\t%s %s\n",
                       s->hostname, s->name);
  for (size_t i = 0; i < s->extra_host_count && n < sizeof hosts; i++)
    n += (size_t)snprintf(hosts + n, sizeof hosts - n, "%s\t%s\n", s->extra_host_ips[i],
                          s->extra_host_names[i]);
  snprintf(hostname, sizeof hostname, "%s\n", s->hostname);
  if (env->resolv == NULL && resolv != NULL && resolv[0] == '\0')
    snprintf(resolv, 4096, "nameserver 1.1.1.1\nnameserver 8.8.8.8\n");
  rc = write_etc_file(env->svcdir, "hosts", env->hosts ? env->hosts : hosts, env->root);
  rc = rc < 0 ? rc : write_etc_file(env->svcdir, "hostname", hostname, env->root);
  rc = rc < 0 ? rc : write_etc_file(env->svcdir, "resolv.conf", resolv ? resolv : "", env->root);
  free(resolv);
  return rc;
}

/* Docker fills an empty new volume with what the image has at its target. */
static void seed_volume(int root, const char *target, int vol) {
  int src = open_in_root(root, target, O_RDONLY | O_DIRECTORY, 0), dst;

  if (src < 0)
    return;
  dst = openat(vol, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dst >= 0 && copy_tree(src, dst, 0) < 0)
    log_warn("volume at %s: copying the image's content failed (%s); it starts empty", target,
             strerror(errno));
  if (dst >= 0)
    close(dst);
  close(src);
}

static int volume_source(const struct mount_spec *mt, const struct mount_env *env, int *fresh) {
  char path[300];
  int fd;

  snprintf(path, sizeof path, "data/%s", mt->source);
  if (mkdirat(env->data, "data", 0700) < 0 && errno != EEXIST)
    return -1;
  *fresh = mkdirat(env->data, path, 0755) == 0;
  fd = openat(env->data, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd;
}

/* A bind cannot be made read-only in the same call: remount it, repeating the flags it has,
 * because in a user namespace the kernel refuses to clear flags locked by the host. */
static int read_only(int target) {
  static const struct {
    unsigned long st, ms;
  } keep[] = {{ST_NOSUID, MS_NOSUID},   {ST_NODEV, MS_NODEV},           {ST_NOEXEC, MS_NOEXEC},
              {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME}};
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  struct statvfs vfs;

  if (fstatvfs(target, &vfs) == 0)
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
      flags |= (vfs.f_flag & keep[i].st) ? keep[i].ms : 0;
  return mount_fd(NULL, NULL, target, flags, NULL);
}

static int user_mount(const struct mount_spec *mt, const struct mount_env *env, int bind_src) {
  char data[64];
  int src = -1, dst, fresh = 0, rc, file = 0;
  struct stat st;

  if (mt->type == MOUNT_VOLUME)
    src = volume_source(mt, env, &fresh);
  else if (mt->type == MOUNT_BIND)
    src = bind_src;
  if (mt->type != MOUNT_TMPFS && src < 0)
    return fail_errno(EXIT_START, NULL, "open source of mount at %s", mt->target);
  if (mt->type == MOUNT_BIND && fstat(src, &st) == 0 && !S_ISDIR(st.st_mode))
    file = 1;
  dst = target_in_root(env->root, mt->target, file);
  if (dst < 0)
    return fail_errno(EXIT_START,
                      "point the mount at a path that is a directory (or nothing) in the image",
                      "create mount target %s", mt->target);
  if (fresh)
    seed_volume(env->root, mt->target, src);
  snprintf(data, sizeof data, "size=%lldk,mode=%o",
           mt->size > 0 ? (long long)(mt->size + 1023) / 1024 : 65536LL,
           mt->mode >= 0 ? mt->mode : 01777);
  rc = mt->type == MOUNT_TMPFS ? mount_fd("tmpfs", "tmpfs", dst, MS_NOSUID | MS_NODEV, data)
                               : bind_fd(src, dst, 1);
  if (rc == 0 && mt->read_only)
    rc = remount_read_only(env->root, mt->target);
  if (mt->type == MOUNT_VOLUME)
    close(src);
  close(dst);
  return rc < 0 ? fail_errno(EXIT_START, NULL, "mount %s", mt->target) : 0;
}

static int write_sink(void *ctx, const uint8_t *data, size_t len) {
  return write_full(*(int *)ctx, data, len) < 0 ? fail_errno(EXIT_START, NULL, "write baked file")
                                                : 0;
}

static int baked_file(const struct baked_file *f, const struct mount_env *env) {
  char parent[4096];
  const char *base = path_split(f->target, parent, sizeof parent);
  int dir = mkdirs_in_root(env->root, parent), fd = -1, rc = -1;

  if (dir >= 0) {
    unlinkat(dir, base, 0);
    fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  }
  if (fd >= 0)
    rc = blob_read(env->exe, env->payload_offset, f->blob, write_sink, &fd);
  if (rc == 0 && (fchown(fd, f->uid, f->gid) < 0 || fchmod(fd, (mode_t)f->mode) < 0))
    rc = fail_errno(EXIT_START, "add a range for this user in /etc/subuid and /etc/subgid",
                    "set owner of baked file %s", f->target);
  if (fd < 0)
    fail_errno(EXIT_START, NULL, "create baked file %s", f->target);
  if (dir >= 0)
    close(dir);
  if (fd >= 0)
    close(fd);
  return rc;
}

int mounts_read_only_at(int root, const char *path) {
  return remount_read_only(root, path);
}

int mounts_setup(const struct service *s, const struct mount_env *env) {
  for (size_t i = 0; i < s->file_count; i++)
    if (baked_file(&s->files[i], env) < 0)
      return -1;
  if (etc_files(s, env) < 0)
    return -1;
  for (size_t i = 0; i < s->mount_count; i++)
    if (user_mount(&s->mounts[i], env, env->bind_fds ? env->bind_fds[i] : -1) < 0)
      return -1;
  gui_mount(s, env->root);
  /* Last, so no target above is ever resolved through the host's /proc or /sys. */
  return mount_proc(env->root) < 0 || mount_dev(env->root) < 0 || mount_sys(env->root) < 0 ? -1 : 0;
}

int mounts_enter_root(int root) {
  if (fchdir(root) < 0)
    return fail_errno(EXIT_START, NULL, "enter the root filesystem");
  /* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only
   * the service's tree visible. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return fail_errno(EXIT_START, NULL, "pivot into the root filesystem");
  if (umount2(".", MNT_DETACH) < 0)
    return fail_errno(EXIT_START, NULL, "detach the host root");
  return chdir("/") < 0 ? fail_errno(EXIT_START, NULL, "chdir /") : 0;
}
