/* The launcher's side: a loop that starts and stops pasta processes on request. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "pasta.h"
#include "pasta_proto.h"
#include "resolv.h"

/* As root pasta would switch to nobody before joining the namespaces and then fail; it
 * stays root instead. Any other user owns the app's user namespace, so pasta joins it. */
static void exec_pasta(const char *path, int netns, int userns) {
  char ns[48], user[48];
  snprintf(ns, sizeof ns, "/proc/self/fd/%d", netns);
  snprintf(user, sizeof user, "/proc/self/fd/%d", userns);
  fcntl(netns, F_SETFD, 0);
  fcntl(userns, F_SETFD, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);

  const char *as_root[] = {"--runas", "0:0", NULL};
  const char *as_user[] = {"--userns", user, NULL};
  const char **who = geteuid() == 0 ? as_root : as_user;
  execl(path, "pasta", "--foreground", "--quiet", "--config-net", "--netns", ns, who[0], who[1],
        "--ns-ifname", PASTA_IFNAME, "--dns-forward", NET_DNS_FORWARD, "--tcp-ports", "none",
        "--udp-ports", "none", "--tcp-ns", "none", "--udp-ns", "none", (char *)NULL);
  _exit(127);
}

static pid_t spawn_pasta(const char *path, int netns, int userns) {
  pid_t pid = fork();
  if (pid == 0)
    exec_pasta(path, netns, userns);
  return pid;
}

static struct pasta_reply handle(const char *path, const struct pasta_req *req, int fds[2]) {
  struct pasta_reply reply = {0, -1};

  if (req->op == PASTA_OP_START && (fds[0] < 0 || fds[1] < 0)) {
    reply.error = EBADF;
  } else if (req->op == PASTA_OP_START) {
    reply.pid = spawn_pasta(path, fds[0], fds[1]);
    reply.error = reply.pid < 0 ? errno : 0;
  } else if (req->op == PASTA_OP_STOP && req->pid > 0) {
    kill(req->pid, SIGTERM);
    waitpid(req->pid, NULL, 0);
  }
  return reply;
}

void pasta_launcher_serve(const char *path, int fd) {
  signal(SIGPIPE, SIG_DFL);
  for (;;) {
    struct pasta_req req;
    int fds[2];
    ssize_t n = fdpass_recv(fd, &req, sizeof req, fds, 2);
    if (n != sizeof req || req.op == PASTA_OP_EXIT)
      return;

    struct pasta_reply reply = handle(path, &req, fds);
    for (int i = 0; i < 2; i++)
      if (fds[i] >= 0)
        close(fds[i]);
    if (send(fd, &reply, sizeof reply, MSG_NOSIGNAL) != sizeof reply)
      return;
  }
}
