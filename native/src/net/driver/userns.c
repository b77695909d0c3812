#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *text, struct net_err *err) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return net_fail(err, "open %s", path);
  ssize_t n = write(fd, text, strlen(text));
  int saved = errno;
  close(fd);
  errno = saved;
  if (n != (ssize_t)strlen(text))
    return net_fail(err, "write %s", path);
  return 0;
}

/* Root's container root as the runtime maps it: an unprivileged host range (userns.h). */
#define RANGE_START 1879048192u
#define RANGE_COUNT 65536u

/* Only a process outside the new namespace may write a map of many ids, so a child writes
 * the parent's once the parent has unshared. */
static int map_range(struct net_err *err) {
  int go[2];
  pid_t parent = getpid();
  if (pipe(go) < 0)
    return net_fail(err, "create a pipe");

  pid_t child = fork();
  if (child == 0) {
    char path[64], map[64], byte;
    close(go[1]);
    if (read(go[0], &byte, 1) != 1)
      _exit(1);
    snprintf(map, sizeof map, "0 %u %u\n", RANGE_START, RANGE_COUNT);
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)parent);
    if (write_file(path, map, NULL))
      _exit(1);
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)parent);
    _exit(write_file(path, map, NULL) ? 1 : 0);
  }

  int status = 1;
  int rc = unshare(CLONE_NEWUSER);
  close(go[0]);
  if (write(go[1], "x", 1) != 1 || rc < 0)
    rc = -1;
  close(go[1]);
  waitpid(child, &status, 0);
  if (rc < 0 || status != 0)
    return net_failx(err, "map root to the range %u+%u", RANGE_START, RANGE_COUNT);
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
    return net_fail(err, "become root of the user namespace");
  return 0;
}

/* Maps the caller's own uid and gid to root in a new user namespace, the one line any user
 * may write; root gets "0 0 1" and so stays root, but only inside the namespace. With
 * CHEFER_NET_DRIVER_IDMAP=range root maps to an unprivileged range instead, as the runtime
 * does, so container root is not host root. */
uid_t container_root_uid(void) {
  const char *idmap = getenv("CHEFER_NET_DRIVER_IDMAP");
  if (geteuid() == 0 && idmap && strcmp(idmap, "range") == 0)
    return RANGE_START;
  return geteuid();
}

int enter_userns(struct net_err *err) {
  char map[64];
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (container_root_uid() != uid)
    return map_range(err);
  if (unshare(CLONE_NEWUSER) < 0)
    return net_fail(err, "create a user namespace");
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
  if (write_file("/proc/self/uid_map", map, err))
    return -1;
  if (write_file("/proc/self/setgroups", "deny\n", err))
    return -1;
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
  return write_file("/proc/self/gid_map", map, err);
}
