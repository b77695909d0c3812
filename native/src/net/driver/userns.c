#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
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

/* Maps the caller's own uid and gid to root in a new user namespace, the one line any user
 * may write; root gets "0 0 1" and so stays root, but only inside the namespace. */
int enter_userns(struct net_err *err) {
  char map[64];
  uid_t uid = geteuid();
  gid_t gid = getegid();

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
