#include "pasta.h"
#include "resolv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

/* Port forwarding stays with chefer's own forwarder, so every pasta forward is off. */
static void exec_pasta(const char *path, int netns_fd) {
  char ns[48];
  snprintf(ns, sizeof ns, "/proc/self/fd/%d", netns_fd);
  fcntl(netns_fd, F_SETFD, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  /* The forwarder ignores SIGPIPE, and pasta refuses to start with an ignored signal
   * ("Couldn't install signal handlers", passt 2023-03). */
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  execl(path, "pasta", "--foreground", "--quiet", "--config-net", "--netns", ns, "--ns-ifname",
        PASTA_IFNAME, "--dns-forward", NET_DNS_FORWARD, "--runas", "0:0", "--tcp-ports", "none",
        "--udp-ports", "none", "--tcp-ns", "none", "--udp-ns", "none", (char *)NULL);
  _exit(127);
}

int pasta_start(const char *path, int netns_fd, struct pasta *p, struct net_err *err) {
  p->pid = fork();
  if (p->pid < 0)
    return net_fail(err, "start pasta");
  if (p->pid == 0)
    exec_pasta(path, netns_fd);
  return 0;
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

void pasta_stop(struct pasta *p) {
  if (p->pid <= 0)
    return;
  kill(p->pid, SIGTERM);
  waitpid(p->pid, NULL, 0);
  p->pid = -1;
}
