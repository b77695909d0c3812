#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../fdpass.h"
#include "../hosts.h"
#include "../pasta.h"
#include "../portfwd.h"
#include "../resolv.h"
#include "../topology.h"
#include "driver.h"

struct run {
  struct plan_file pf;
  struct net_app app;
  struct portfwd *fwd;
  char workdir[64];
  char pasta_path[512];
  int outbound;
  pid_t pids[PF_MAX_SERVICES];
  struct pasta pastas[PF_MAX_SERVICES];
  struct pasta_launcher launcher;
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig) {
  (void)sig;
  stopping = 1;
}

static void on_child(int sig) {
  (void)sig;
}

static void forward_debug(void *ctx, const char *msg) {
  (void)ctx;
  const char *level = getenv("CHEFER_LOG");
  if (level && strcmp(level, "debug") == 0)
    fprintf(stderr, "net-driver: debug: %s\n", msg);
}

/* The service's view of names: its own mount namespace with the generated files over
 * /etc/hosts and /etc/resolv.conf, and its own UTS namespace with its hostname. */
static int isolate_names(struct run *r, size_t i, struct net_err *err) {
  const struct net_service *s = &r->pf.plan.services[i];
  char hosts[128], resolv[128];

  snprintf(hosts, sizeof hosts, "%s/hosts-%zu", r->workdir, i);
  snprintf(resolv, sizeof resolv, "%s/resolv-%zu", r->workdir, i);
  if (net_hosts_write(&r->pf.plan, i, hosts, err) ||
      net_resolv_write(r->pf.plan.mode, r->outbound, "/etc/resolv.conf", resolv, err))
    return -1;
  if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
    return net_fail(err, "unshare mount and uts");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return net_fail(err, "make / private");
  if (mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) < 0)
    return net_fail(err, "bind /etc/hosts");
  if (mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0)
    return net_fail(err, "bind /etc/resolv.conf");

  const char *host = s->hostname ? s->hostname : s->name;
  if (sethostname(host, strlen(host)) < 0)
    return net_fail(err, "set hostname %s", host);
  return 0;
}

/* The service runs as pid 1 of its own pid namespace, so everything it starts (busybox
 * httpd daemonizes) dies with it; this process waits for it and passes on its status. */
static void exec_service(struct run *r, size_t i) {
  struct net_err err;
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) < 0)
    _exit(1);
  pid_t pid = fork();
  if (pid > 0) {
    int status = 0;
    fdpass_close_others(alive[1]);
    waitpid(pid, &status, 0);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }

  /* The parent may have been killed before the death signal was armed; its end of the
   * pipe tells (getppid() is 0 for pid 1 of a new pid namespace). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  close(alive[1]);
  struct pollfd gone = {.fd = alive[0], .events = POLLIN};
  if (poll(&gone, 1, 0) > 0)
    _exit(1);
  if (r->outbound && pasta_wait_route(5000, &err))
    fprintf(stderr, "net-driver: warning: %s\n", err.msg);
  char **argv = r->pf.services[i].argv;
  execvp(argv[0], argv);
  fprintf(stderr, "net-driver: error: run %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

/* The service child: names, network, a word to the parent, then the service itself. */
static void run_service(struct run *r, size_t i, int status_fd) {
  struct net_err err = {""};
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL); /* ignored by the forwarder; services expect the default */

  int netns = -1;
  int rc = isolate_names(r, i, &err);
  if (!rc)
    rc = net_service_join(&r->app, &r->pf.plan, i, &netns, &err);
  if (!rc && unshare(CLONE_NEWPID) < 0)
    rc = net_fail(&err, "create a pid namespace");

  /* The netns goes to the parent for pasta, with the status. */
  const char *msg = rc ? err.msg : "";
  if (fdpass_send(status_fd, msg, strlen(msg) + 1, &netns, netns >= 0) < 0 || rc)
    _exit(1);
  close(status_fd);
  if (netns >= 0)
    close(netns);
  exec_service(r, i);
}

static int start_service(struct run *r, size_t i, struct net_err *err) {
  int status[2], netns = -1;
  char msg[NET_ERR_MAX] = "";
  const char *name = r->pf.plan.services[i].name;

  if (r->pf.services[i].argc == 0)
    return net_failx(err, "service %zu has no arg lines", i);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, status) < 0)
    return net_fail(err, "create a status channel");
  r->pids[i] = fork();
  if (r->pids[i] == 0)
    run_service(r, i, status[1]);
  close(status[1]);

  ssize_t n = fdpass_recv(status[0], msg, sizeof msg - 1, &netns, 1);
  close(status[0]);
  int rc = 0;
  if (n <= 0)
    rc = net_failx(err, "service %s died while joining the network", name);
  else if (msg[0])
    rc = net_failx(err, "service %s: %s", name, msg);
  else if (r->outbound)
    rc = pasta_start(&r->launcher, netns, &r->pastas[i], err);
  if (netns >= 0)
    close(netns);
  return rc;
}

static void print_port(void *ctx, const struct portfwd_info *p) {
  (void)ctx;
  printf("port %s %s %s %u %u %s\n", p->service, p->protocol, p->host_ip, p->host_port,
         p->container_port, p->forwarded ? "forwarded" : "direct");
}

/* Before the user namespace: pasta runs with the caller's own host identity. */
static int check_outbound(struct run *r, struct net_err *err) {
  struct net_err why;
  if (r->pf.plan.mode != NET_BRIDGE)
    return 0;
  r->outbound = pasta_check(r->pasta_path, sizeof r->pasta_path, &why) == 0;
  if (r->outbound)
    printf("outbound on\n");
  else
    printf("outbound off: %s\n", why.msg);
  fflush(stdout);
  if (!r->outbound)
    fprintf(stderr, "net-driver: warning: %s\n", why.msg);
  return r->outbound ? pasta_launcher_open(r->pasta_path, &r->launcher, err) : 0;
}

static int setup(struct run *r, struct net_err *err) {
  r->fwd = portfwd_open(&r->pf.plan, err);
  if (!r->fwd || portfwd_listen(r->fwd, err) < 0)
    return -1;
  if (r->pf.udp_idle_ms > 0)
    portfwd_set_udp_idle(r->fwd, r->pf.udp_idle_ms);
  portfwd_set_logger(r->fwd, forward_debug, NULL);

  if (check_outbound(r, err) || enter_userns(err))
    return -1;
  if (net_app_create(&r->pf.plan, &r->app, err))
    return -1;
  portfwd_attach(r->fwd, r->app.factory_fd);

  for (size_t i = 0; i < r->pf.plan.n_services; i++)
    if (start_service(r, i, err))
      return -1;
  return 0;
}

static void report_ready(struct run *r) {
  printf("pid %d\n", (int)getpid());
  for (size_t i = 0; i < r->pf.plan.n_services; i++) {
    char ip[INET_ADDRSTRLEN];
    struct in_addr a = net_service_addr(&r->pf.plan, i);
    printf("address %s %s\n", r->pf.plan.services[i].name, inet_ntop(AF_INET, &a, ip, sizeof ip));
  }
  portfwd_each(r->fwd, print_port, NULL);
  printf("ready\n");
  fflush(stdout);
}

/* A service that exits loses its pasta too (pasta holds the old netns open, so it would
 * not go by itself); a restart joins the app network again, at the same address. */
static void service_exited(struct run *r, size_t i, int status) {
  struct net_err err;
  fprintf(stderr, "net-driver: service %s exited (status %d)\n", r->pf.plan.services[i].name,
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  r->pids[i] = 0;
  pasta_stop(&r->launcher, &r->pastas[i]);

  if (stopping || r->pf.services[i].restarts-- <= 0)
    return;
  if (start_service(r, i, &err))
    fprintf(stderr, "net-driver: error: restart %s: %s\n", r->pf.plan.services[i].name, err.msg);
}

static void reap(struct run *r) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    for (size_t i = 0; i < r->pf.plan.n_services; i++)
      if (r->pids[i] == pid)
        service_exited(r, i, status);
}

static void teardown(struct run *r) {
  for (size_t i = 0; i < r->pf.plan.n_services; i++) {
    if (r->pids[i] > 0)
      kill(r->pids[i], SIGKILL), waitpid(r->pids[i], NULL, 0);
    pasta_stop(&r->launcher, &r->pastas[i]);
  }
  pasta_launcher_close(&r->launcher);
  portfwd_close(r->fwd);
  net_app_destroy(&r->app);
  for (size_t i = 0; i < r->pf.plan.n_services; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/hosts-%zu", r->workdir, i);
    unlink(path);
    snprintf(path, sizeof path, "%s/resolv-%zu", r->workdir, i);
    unlink(path);
  }
  rmdir(r->workdir);
}

int cmd_run(const char *plan_path) {
  static struct run r;
  struct net_err err;
  struct sigaction sa = {.sa_handler = on_stop};

  r.app = (struct net_app){.holder = -1, .netns_fd = -1, .factory_fd = -1};
  r.launcher = (struct pasta_launcher){.pid = -1, .fd = -1};
  for (size_t i = 0; i < PF_MAX_SERVICES; i++)
    r.pastas[i].pid = -1;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  /* A handler (not SIG_IGN) makes SIGCHLD interrupt epoll_wait, so exits are seen at once. */
  struct sigaction chld = {.sa_handler = on_child};
  sigaction(SIGCHLD, &chld, NULL);
  snprintf(r.workdir, sizeof r.workdir, "/tmp/chefer-net-XXXXXX");
  if (plan_file_read(plan_path, &r.pf, &err) || !mkdtemp(r.workdir) ||
      chown(r.workdir, container_root_uid(), (gid_t)-1) < 0) {
    fprintf(stderr, "net-driver: error: %s\n", err.msg);
    return 1;
  }

  int rc = setup(&r, &err);
  if (rc)
    fprintf(stderr, "net-driver: error: %s\n", err.msg);
  else
    report_ready(&r);

  while (!rc && !stopping) {
    if (portfwd_dispatch(r.fwd, 1000, &err))
      break;
    reap(&r);
  }
  teardown(&r);
  return rc ? 1 : 0;
}
