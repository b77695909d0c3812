#include "pasta.h"
#include "fdpass.h"
#include "pasta_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int find_in_path(const char *name, char *out, size_t size) {
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

  while (*path) {
    size_t len = strcspn(path, ":");
    snprintf(out, size, "%.*s/%s", (int)len, path, name);
    if (len && access(out, X_OK) == 0)
      return 0;
    path += len + (path[len] == ':');
  }
  return -1;
}

/* TODO(limitation): without /dev/net/tun or pasta, bridge mode runs with no outbound traffic. */
static int tun_check(struct net_err *err) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  if (errno == ENOENT)
    return net_failx(err, "outbound traffic is off: /dev/net/tun is missing; load the tun "
                          "module (modprobe tun) or use network: internal");
  return net_fail(err, "outbound traffic is off: cannot open /dev/net/tun (make it mode 0666, "
                       "as most distributions ship it, or use network: internal)");
}

int pasta_check(char *path, size_t size, struct net_err *err) {
  const char *env = getenv("CHEFER_PASTA");

  if (env && *env) {
    snprintf(path, size, "%s", env);
    if (access(path, X_OK) < 0)
      return net_fail(err, "run pasta from CHEFER_PASTA=%s", env);
  } else if (find_in_path("pasta", path, size) < 0) {
    return net_failx(err, "outbound traffic is off: pasta is not installed (install the passt "
                          "package, set CHEFER_PASTA, or use network: internal)");
  }
  return tun_check(err);
}

int pasta_launcher_open(const char *path, struct pasta_launcher *pl, struct net_err *err) {
  int pair[2];
  *pl = (struct pasta_launcher){.pid = -1, .fd = -1};
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return net_fail(err, "create the pasta launcher's channel");

  pl->pid = fork();
  if (pl->pid < 0)
    return net_fail(err, "fork the pasta launcher");
  if (pl->pid == 0) {
    close(pair[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    fdpass_close_others(pair[1]);
    pasta_launcher_serve(path, pair[1]);
    _exit(0);
  }
  close(pair[1]);
  pl->fd = pair[0];
  return 0;
}

static int send_start(int fd, int netns_fd, int userns_fd) {
  struct pasta_req req = {.op = PASTA_OP_START};
  int fds[2] = {netns_fd, userns_fd};
  return fdpass_send(fd, &req, sizeof req, fds, 2) == sizeof req ? 0 : -1;
}

int pasta_start(const struct pasta_launcher *pl, int netns_fd, struct pasta *p,
                struct net_err *err) {
  struct pasta_reply reply;
  p->pid = -1;
  int userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  if (userns < 0)
    return net_fail(err, "open the app's user namespace");

  int rc = send_start(pl->fd, netns_fd, userns);
  close(userns);
  if (rc < 0 || recv(pl->fd, &reply, sizeof reply, 0) != sizeof reply)
    return net_fail(err, "ask the pasta launcher to start pasta");
  if (reply.error) {
    errno = reply.error;
    return net_fail(err, "start pasta");
  }
  p->pid = reply.pid;
  return 0;
}

void pasta_stop(const struct pasta_launcher *pl, struct pasta *p) {
  struct pasta_req req = {.op = PASTA_OP_STOP, .pid = p->pid};
  struct pasta_reply reply;
  if (p->pid <= 0 || pl->fd < 0)
    return;

  if (send(pl->fd, &req, sizeof req, MSG_NOSIGNAL) == sizeof req)
    (void)recv(pl->fd, &reply, sizeof reply, 0);
  p->pid = -1;
}

/* The launcher is told to exit rather than sent EOF, since processes forked after it (the
 * app network's helper, services) share the channel, and rather than killed, since it may
 * run as a user the caller no longer is. Its pastas get SIGTERM as it dies. */
void pasta_launcher_close(struct pasta_launcher *pl) {
  struct pasta_req req = {.op = PASTA_OP_EXIT};
  if (pl->fd >= 0) {
    (void)send(pl->fd, &req, sizeof req, MSG_NOSIGNAL);
    close(pl->fd);
  }
  if (pl->pid > 0)
    waitpid(pl->pid, NULL, 0);
  *pl = (struct pasta_launcher){.pid = -1, .fd = -1};
}

static int has_default_route(void) {
  char line[256];
  FILE *f = fopen("/proc/thread-self/net/route", "re");
  int found = 0;
  if (!f)
    return 0;

  while (!found && fgets(line, sizeof line, f)) {
    char iface[32];
    unsigned long dest;
    if (sscanf(line, "%31s %lx", iface, &dest) == 2 && dest == 0)
      found = 1;
  }
  fclose(f);
  return found;
}

int pasta_wait_route(int timeout_ms, struct net_err *err) {
  const struct timespec step = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};

  for (int waited = 0; waited <= timeout_ms; waited += 5) {
    if (has_default_route())
      return 0;
    nanosleep(&step, NULL);
  }
  return net_failx(err,
                   "outbound traffic is off: pasta did not configure the service's "
                   "network within %d ms",
                   timeout_ms);
}
