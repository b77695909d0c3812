#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"
#include "sha256.h"

#define USERNS_FIX                                                                                 \
  "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "               \
  "kernel.apparmor_restrict_unprivileged_userns=0, user.max_user_namespaces>0); "                  \
  "`chefer doctor` checks this machine"

/* Finds "name:start:count" or "uid:start:count" for this user in an /etc/sub?id file. */
static int subid_range(const char *file, const char *name, uid_t id, uint32_t *start,
                       uint32_t *count) {
  char *text, *save = NULL, idtext[16];

  if (read_small_file(AT_FDCWD, file, 1u << 20, &text, NULL) < 0)
    return -1;
  snprintf(idtext, sizeof idtext, "%u", (unsigned)id);
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char who[256];
    unsigned long s, c;
    if (sscanf(line, "%255[^:]:%lu:%lu", who, &s, &c) != 3 || c == 0 || s + c > UINT32_MAX)
      continue;
    if ((name && strcmp(who, name) == 0) || strcmp(who, idtext) == 0) {
      *start = (uint32_t)s, *count = (uint32_t)(c > 65536 ? 65536 : c);
      free(text);
      return 0;
    }
  }
  free(text);
  return -1;
}

/* The user's name from /etc/passwd, read directly: a static binary has no NSS modules. */
static int user_name(uid_t uid, char *out, size_t size) {
  char *text, *save = NULL;
  int found = -1;

  if (read_small_file(AT_FDCWD, "/etc/passwd", 4u << 20, &text, NULL) < 0)
    return -1;
  for (char *line = strtok_r(text, "\n", &save); line && found < 0;
       line = strtok_r(NULL, "\n", &save)) {
    char name[256];
    unsigned long id;
    if (sscanf(line, "%255[^:]:%*[^:]:%lu:", name, &id) == 2 && id == uid)
      found = snprintf(out, size, "%s", name) > 0 ? 0 : -1;
  }
  free(text);
  return found;
}

static int have_helpers(void) {
  return access("/usr/bin/newuidmap", X_OK) == 0 && access("/usr/bin/newgidmap", X_OK) == 0;
}

static void make_key(struct idmap *m) {
  char text[128], hex[SHA256_HEX_LEN + 1];
  uint8_t d[SHA256_LEN];

  snprintf(text, sizeof text, "%u:%u:%u:%u:%u:%u", m->uid0, m->gid0, m->uid_start, m->uid_count,
           m->gid_start, m->gid_count);
  sha256_once(text, strlen(text), d);
  sha256_hex(d, hex);
  snprintf(m->key, sizeof m->key, "%.12s", hex);
}

static void choose_single(struct idmap *m, const char *why) {
  m->uid_start = m->uid_count = m->gid_start = m->gid_count = 0;
  m->helpers = 0;
  snprintf(m->why_single, sizeof m->why_single, "%s", why);
  make_key(m);
}

static void choose_root(struct idmap *m) {
  uint32_t s, c, gs, gc;

  if (subid_range("/etc/subuid", "root", 0, &s, &c) < 0 || c < 2 ||
      subid_range("/etc/subgid", "root", 0, &gs, &gc) < 0 || gc < 2)
    s = gs = ROOT_RANGE_START, c = gc = ROOT_RANGE_COUNT;
  m->uid0 = s, m->gid0 = gs;
  m->uid_start = s + 1, m->uid_count = c - 1;
  m->gid_start = gs + 1, m->gid_count = gc - 1;
  m->helpers = 0;
  make_key(m);
}

int idmap_choose(struct idmap *m) {
  const char *force = getenv("CHEFER_IDMAP");
  char buf[256];
  const char *name = user_name(getuid(), buf, sizeof buf) == 0 ? buf : NULL;

  memset(m, 0, sizeof *m);
  m->uid0 = getuid(), m->gid0 = getgid();
  if (getuid() == 0 && !(force && strcmp(force, "single") == 0))
    return choose_root(m), 0;
  if (force && strcmp(force, "single") == 0)
    return choose_single(m, "CHEFER_IDMAP=single is set"), 0;
  if (subid_range("/etc/subuid", name, getuid(), &m->uid_start, &m->uid_count) < 0 ||
      subid_range("/etc/subgid", name, getuid(), &m->gid_start, &m->gid_count) < 0)
    return choose_single(m, "this user has no range in /etc/subuid and /etc/subgid"), 0;
  if (!have_helpers())
    return choose_single(m, "newuidmap and newgidmap are not installed (package uidmap)"), 0;
  m->helpers = 1;
  make_key(m);
  return 0;
}

uid_t idmap_host_uid(const struct idmap *m, uint32_t container_uid) {
  if (container_uid == 0)
    return m->uid0;
  if (container_uid - 1 < m->uid_count)
    return m->uid_start + container_uid - 1;
  return (uid_t)-1;
}

static int run_helper(const char *helper, pid_t pid, uint32_t id0, uint32_t start, uint32_t n) {
  char a[5][16];
  pid_t child;
  int status;

  snprintf(a[0], 16, "%d", (int)pid);
  snprintf(a[1], 16, "%u", id0);
  snprintf(a[2], 16, "%u", start);
  snprintf(a[3], 16, "%u", n);
  child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (log_level() < LOG_DEBUG && null >= 0)
      dup2(null, STDERR_FILENO);
    execl(helper, helper, a[0], "0", a[1], "1", "1", a[2], a[3], (char *)NULL);
    _exit(127);
  }
  if (child < 0 || waitpid(child, &status, 0) < 0)
    return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int write_proc(pid_t pid, const char *file, const char *text) {
  char path[64];
  int fd, rc;

  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  rc = write_full(fd, text, strlen(text));
  close(fd);
  return rc;
}

static int write_maps_direct(pid_t pid, const struct idmap *m) {
  char uids[96], gids[96];

  snprintf(uids, sizeof uids, "0 %u 1\n", m->uid0);
  snprintf(gids, sizeof gids, "0 %u 1\n", m->gid0);
  if (m->uid_count > 0)
    snprintf(uids + strlen(uids), 48, "1 %u %u\n", m->uid_start, m->uid_count);
  if (m->gid_count > 0)
    snprintf(gids + strlen(gids), 48, "1 %u %u\n", m->gid_start, m->gid_count);
  /* Unprivileged, the kernel wants setgroups denied before a gid_map is written. */
  if (getuid() != 0 && write_proc(pid, "setgroups", "deny") < 0)
    return -1;
  return write_proc(pid, "uid_map", uids) < 0 || write_proc(pid, "gid_map", gids) < 0 ? -1 : 0;
}

static int write_maps(pid_t pid, struct idmap *m) {
  if (!m->helpers)
    return write_maps_direct(pid, m);
  /* gid first, as newgidmap needs setgroups still allowed in the child's namespace. */
  if (run_helper("/usr/bin/newgidmap", pid, m->gid0, m->gid_start, m->gid_count) == 0 &&
      run_helper("/usr/bin/newuidmap", pid, m->uid0, m->uid_start, m->uid_count) == 0)
    return 0;
  log_warn("newuidmap refused the range in /etc/subuid; running with a single id, so images "
           "that switch users may fail (fix: check the user's /etc/subuid and /etc/subgid)");
  choose_single(m, "newuidmap failed");
  return write_maps_direct(pid, m);
}

static int private_mounts(void) {
  /* Nothing mounted from here on may leak back to the host. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "make mounts private");
  return 0;
}

/* As real root: a mount namespace of our own first, staged, then the user namespace. */
static int enter_as_root(sandbox_stage stage, void *ctx) {
  if (unshare(CLONE_NEWNS) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create mount namespace");
  if (private_mounts() < 0 || stage(ctx) < 0)
    return -1;
  if (unshare(CLONE_NEWUSER) < 0)
    return fail_errno(EXIT_ENVIRONMENT, USERNS_FIX, "create user namespace");
  return 0;
}

/* Changing the effective uid clears the parent-death signal (as root, container root is
 * another host id), so it is set again after; a parent that died in between is caught by
 * getppid, which then names whoever adopted us. */
static void rearm_death_signal(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(EXIT_ENVIRONMENT);
}

static int child_enter(int ready, int go, struct idmap *m, sandbox_stage stage, void *ctx,
                       pid_t parent) {
  char ok = 0;
  int rc, was_root = getuid() == 0;

  rearm_death_signal(parent);
  rc = getuid() == 0 ? enter_as_root(stage, ctx) : unshare(CLONE_NEWUSER | CLONE_NEWNS);
  if (rc < 0) {
    if (getuid() != 0)
      fail_errno(EXIT_ENVIRONMENT, USERNS_FIX, "create user namespace");
    (void)!write(ready, "E", 1);
    return -1;
  }
  (void)!write(ready, "R", 1);
  if (read(go, &ok, 1) != 1 || ok == 'F')
    _exit(EXIT_ENVIRONMENT); /* the parent reports why */
  if (ok != 'G' || read(go, m, sizeof *m) != sizeof *m)
    return fail(EXIT_ENVIRONMENT, USERNS_FIX, "write user namespace id map: refused");
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
    return fail_errno(EXIT_ENVIRONMENT, USERNS_FIX, "become root in the user namespace");
  rearm_death_signal(parent);
  if (m->gid_count > 0)
    setgroups(0, NULL);
  return was_root ? 0 : private_mounts() < 0 ? -1 : stage(ctx);
}

static pid_t parent_map(pid_t pid, int ready, int go, struct idmap *m) {
  char state = 0;
  int status;

  if (read(ready, &state, 1) != 1 || state != 'R') {
    /* The child printed why. */
    waitpid(pid, &status, 0);
    return fail(EXIT_ENVIRONMENT, USERNS_FIX, "start the sandbox: it could not be created");
  }
  if (write_maps(pid, m) < 0) {
    int saved = errno;
    (void)!write(go, "F", 1);
    waitpid(pid, &status, 0);
    errno = saved;
    return fail_errno(EXIT_ENVIRONMENT, USERNS_FIX, "write user namespace id map");
  }
  if (write_full(go, "G", 1) < 0 || write_full(go, m, sizeof *m) < 0)
    return fail_errno(EXIT_BUG, NULL, "signal the sandbox");
  return pid;
}

pid_t sandbox_fork(struct idmap *m, sandbox_stage stage, void *ctx) {
  int ready[2], go[2];
  pid_t pid, parent = getpid();

  if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create pipe");
  pid = fork();
  if (pid < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "fork sandbox");
  if (pid == 0) {
    close(ready[0]), close(go[1]);
    if (child_enter(ready[1], go[0], m, stage, ctx, parent) < 0)
      _exit(error_report());
    close(ready[1]), close(go[0]);
    return 0;
  }
  close(ready[1]), close(go[0]);
  pid = parent_map(pid, ready[0], go[1], m);
  close(ready[0]), close(go[1]);
  return pid;
}
