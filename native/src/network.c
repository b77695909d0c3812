#include "network.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "exit-codes.h"
#include "io.h"
#include "log.h"
#include "net/fdpass.h"
#include "net/hosts.h"
#include "net/resolv.h"
#include "net/topology.h"

#define ETC_TEXT_MAX 65536

static int net_error(int code, const char *fix, const struct net_err *err) {
  return fail(code, fix, "%s", err->msg);
}

/* pasta runs with the user's own host identity, so its launcher starts before the sandbox. */
static int prepare_outbound(struct network *n) {
  char path[512];
  struct net_err err;

  if (n->store.plan.mode != NET_BRIDGE)
    return 0;
  if (pasta_check(path, sizeof path, &err) < 0) {
    log_warn("%s", err.msg);
    return 0;
  }
  if (pasta_launcher_open(path, &n->launcher, &err) < 0) {
    log_warn("outbound traffic is off: %s", err.msg);
    return 0;
  }
  n->outbound = 1;
  return 0;
}

int network_host_prepare(struct network *n, const struct manifest *m) {
  struct net_err err;

  n->launcher = (struct pasta_launcher){.pid = -1, .fd = -1};
  n->app = (struct net_app){.holder = -1, .netns_fd = -1, .factory_fd = -1};
  n->forwarder = -1;
  n->pastas = calloc(m->service_count, sizeof *n->pastas);
  if (n->pastas == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  for (size_t i = 0; i < m->service_count; i++)
    n->pastas[i].pid = -1;
  if (net_plan_from_manifest(m->root, &n->store, &err) < 0)
    return net_error(EXIT_DAMAGED, "rebuild the app with `chefer build`", &err);
  if (net_plan_check(&n->store.plan, &err) < 0)
    return net_error(EXIT_USER, "change the recipe's services or ports and rebuild", &err);
  n->fwd = portfwd_open(&n->store.plan, &err);
  if (n->fwd == NULL)
    return net_error(EXIT_USER, NULL, &err);
  return prepare_outbound(n);
}

void network_host_release(struct network *n) {
  if (n->fwd != NULL)
    portfwd_close(n->fwd);
  n->fwd = NULL;
}

static int render_files(struct network *n) {
  const struct net_plan *plan = &n->store.plan;
  char *host = NULL;
  struct net_err err;

  n->hosts = calloc(plan->n_services, sizeof *n->hosts);
  n->resolv = calloc(plan->n_services, sizeof *n->resolv);
  if (n->hosts == NULL || n->resolv == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  /* A machine without /etc/resolv.conf gives services an empty one, as Docker does. */
  if (read_small_file(AT_FDCWD, "/etc/resolv.conf", ETC_TEXT_MAX, &host, NULL) < 0)
    error_clear();
  for (size_t i = 0; i < plan->n_services; i++) {
    n->hosts[i] = malloc(ETC_TEXT_MAX);
    n->resolv[i] = malloc(ETC_TEXT_MAX);
    if (n->hosts[i] == NULL || n->resolv[i] == NULL ||
        net_hosts_render(plan, i, n->hosts[i], ETC_TEXT_MAX, &err) < 0 ||
        net_resolv_render(plan->mode, n->outbound, host ? host : "", n->resolv[i], ETC_TEXT_MAX,
                          &err) < 0)
      return free(host), net_error(EXIT_USER, "give the app fewer names or shorter ones", &err);
  }
  free(host);
  return 0;
}

static void forwarder_log(void *ctx, const char *msg) {
  (void)ctx;
  log_debug("%s", msg);
}

/* The forwarder's own process: the supervisor's loop has no room for its descriptors. */
static void forwarder_main(struct network *n) {
  sigset_t none;
  struct net_err err;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGTERM, SIG_DFL);
  events_close();
  portfwd_set_logger(n->fwd, forwarder_log, NULL);
  if (n->app.factory_fd >= 0)
    portfwd_attach(n->fwd, n->app.factory_fd);
  while (portfwd_dispatch(n->fwd, -1, &err) == 0)
    ;
  log_error("published ports stopped: %s", err.msg);
  _exit(EXIT_ENVIRONMENT);
}

static void port_event(void *ctx, const struct portfwd_info *p) {
  (void)ctx;
  event_port(p->service, p->host_ip, p->host_port, p->container_port, p->protocol);
}

int network_start(struct network *n) {
  struct net_err err;

  if (net_app_create(&n->store.plan, &n->app, &err) < 0)
    return net_error(EXIT_ENVIRONMENT, "run `chefer doctor`, or use `network: shared`", &err);
  if (render_files(n) < 0)
    return -1;
  if (portfwd_listen(n->fwd, &err) < 0)
    return net_error(EXIT_ENVIRONMENT, "stop what uses the port, or publish another one", &err);
  n->forwarder = fork();
  if (n->forwarder < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "start the port forwarder");
  if (n->forwarder == 0)
    forwarder_main(n);
  portfwd_each(n->fwd, port_event, NULL);
  network_host_release(n);
  return 0;
}

/* A restarted service comes back at its address with a new MAC, while the app netns may still
 * hold a valid neighbour entry for the old one: connections to it would vanish until that
 * entry expires (15-45 s). Any datagram to the bridge makes the service ask ARP for the
 * bridge's MAC, and an ARP request overrides the asker's entry on the receiving side.
 * TODO(limitation): belongs in net_service_join (or a MAC derived from the address). */
static void announce(const struct network *n) {
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
  int fd;

  if (n->store.plan.mode == NET_SHARED)
    return;
  to.sin_addr = net_bridge_addr(&n->store.plan);
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0)
    (void)!sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to), close(fd);
}

int network_join(const struct network *n, size_t index, int sock) {
  struct net_err err = {""};
  int netns = -1;
  int rc = net_service_join(&n->app, &n->store.plan, index, &netns, &err);

  if (rc == 0)
    announce(n);

  /* The message is the error, or empty; the netns goes along for pasta. */
  if (fdpass_send(sock, err.msg, strlen(err.msg) + 1, &netns, netns >= 0) < 0 && rc == 0)
    rc = -1;
  if (netns >= 0)
    close(netns);
  return rc;
}

int network_joined(struct network *n, size_t index, int sock) {
  char msg[NET_ERR_MAX] = "";
  int netns = -1, rc = 0;
  struct net_err err;
  const char *name = n->store.plan.services[index].name;
  ssize_t got = fdpass_recv(sock, msg, sizeof msg - 1, &netns, 1);

  if (got <= 0)
    rc = fail(EXIT_START, "see the error above", "join service %s to the app network", name);
  else if (msg[0] != '\0')
    rc = fail(EXIT_START, "run `chefer doctor`, or use `network: shared`", "service %s: %s", name,
              msg);
  else if (n->outbound) {
    pasta_stop(&n->launcher, &n->pastas[index]);
    if (pasta_start(&n->launcher, netns, &n->pastas[index], &err) < 0)
      log_warn("outbound traffic of service %s is off: %s", name, err.msg);
  }
  if (netns >= 0)
    close(netns);
  return rc;
}

void network_service_exited(struct network *n, size_t index) {
  if (n->pastas != NULL)
    pasta_stop(&n->launcher, &n->pastas[index]);
}

void network_wait_outbound(const struct network *n) {
  struct net_err err;

  if (n->outbound && pasta_wait_route(5000, &err) < 0)
    log_warn("%s", err.msg);
}

void network_stop(struct network *n) {
  for (size_t i = 0; n->pastas != NULL && i < n->store.plan.n_services; i++)
    pasta_stop(&n->launcher, &n->pastas[i]);
  pasta_launcher_close(&n->launcher);
  if (n->forwarder > 0)
    kill(n->forwarder, SIGKILL), waitpid(n->forwarder, NULL, 0);
  n->forwarder = -1;
  net_app_destroy(&n->app);
}
