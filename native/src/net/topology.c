#include "topology.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "netlink.h"
#include "sockfactory.h"

#define PREFIX 24

static int setup_app_netns(const struct net_plan *plan, struct net_err *err) {
  if (unshare(CLONE_NEWNET) < 0)
    return net_fail(err, "create the app network namespace");

  int nl = nl_open(err);
  if (nl < 0)
    return -1;

  int rc = nl_link_up(nl, "lo", NULL, err);
  if (!rc)
    rc = nl_add_bridge(nl, NET_BRIDGE_NAME, err);
  if (!rc)
    rc = nl_add_addr(nl, NET_BRIDGE_NAME, net_bridge_addr(plan), PREFIX, err);
  if (!rc)
    rc = nl_link_up(nl, NET_BRIDGE_NAME, NULL, err);
  close(nl);
  return rc;
}

/* The holder's life: build the app netns, report how that went, then make sockets. */
static void run_holder(const struct net_plan *plan, int sock) {
  struct net_err err = {""};

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  fdpass_close_others(sock);
  int rc = setup_app_netns(plan, &err);
  int netns = rc ? -1 : open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (!rc && netns < 0)
    rc = net_fail(&err, "open the app network namespace");

  /* The holder hands over its netns itself: opening /proc/<pid>/ns/net from outside fails
   * when the process is not dumpable, as after the runtime switches its ids. */
  const char *msg = rc ? err.msg : "";
  if (fdpass_send(sock, msg, strlen(msg) + 1, &netns, rc ? 0 : 1) < 0 || rc)
    _exit(1);
  close(netns);

  sockfactory_serve(sock);
  _exit(0);
}

static int await_holder(struct net_app *app, struct net_err *err) {
  char msg[NET_ERR_MAX];
  ssize_t n = fdpass_recv(app->factory_fd, msg, sizeof msg, &app->netns_fd, 1);
  if (n <= 0)
    return net_fail(err, "start the app network helper");
  msg[sizeof msg - 1] = '\0';
  if (msg[0])
    return net_failx(err, "%s", msg);
  if (app->netns_fd < 0)
    return net_failx(err, "receive the app network namespace from its helper");
  return 0;
}

int net_app_create(const struct net_plan *plan, struct net_app *app, struct net_err *err) {
  int pair[2];
  *app = (struct net_app){.holder = -1, .netns_fd = -1, .factory_fd = -1};
  if (plan->mode == NET_SHARED)
    return 0;

  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return net_fail(err, "create the socket factory channel");

  app->holder = fork();
  if (app->holder < 0)
    return net_fail(err, "fork the app network helper");
  if (app->holder == 0) {
    close(pair[0]);
    run_holder(plan, pair[1]);
  }
  close(pair[1]);
  app->factory_fd = pair[0];

  if (await_holder(app, err)) {
    net_app_destroy(app);
    return -1;
  }
  return 0;
}

/* In the app netns: the host end of the service's veth, attached to the bridge. A stale
 * end left by a previous run of the same service (netns teardown is asynchronous) is
 * removed first. */
static int plug_into_bridge(const char *host_end, int svc_netns, struct net_err *err) {
  int nl = nl_open(err);
  if (nl < 0)
    return -1;

  int rc = nl_add_veth(nl, host_end, NET_SERVICE_IFNAME, svc_netns, err);
  if (rc && errno == EEXIST && nl_del_link(nl, host_end, err) == 0) {
    err->msg[0] = '\0';
    rc = nl_add_veth(nl, host_end, NET_SERVICE_IFNAME, svc_netns, err);
  }
  if (!rc)
    rc = nl_link_up(nl, host_end, NET_BRIDGE_NAME, err);
  close(nl);
  return rc;
}

/* TODO(limitation): IPv4 only; services do not reach each other over IPv6. */
static int configure_service_side(struct in_addr addr, struct net_err *err) {
  int nl = nl_open(err);
  if (nl < 0)
    return -1;

  int rc = nl_link_up(nl, "lo", NULL, err);
  if (!rc)
    rc = nl_add_addr(nl, NET_SERVICE_IFNAME, addr, PREFIX, err);
  if (!rc)
    rc = nl_link_up(nl, NET_SERVICE_IFNAME, NULL, err);
  close(nl);
  return rc;
}

int net_service_join(const struct net_app *app, const struct net_plan *plan, size_t index,
                     int *netns_out, struct net_err *err) {
  char host_end[16];
  if (netns_out)
    *netns_out = -1;
  if (plan->mode == NET_SHARED)
    return 0;

  if (unshare(CLONE_NEWNET) < 0)
    return net_fail(err, "create the network namespace of a service");
  int svc = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (svc < 0)
    return net_fail(err, "open the network namespace of a service");

  snprintf(host_end, sizeof host_end, "vh%zu", index);
  int rc = setns(app->netns_fd, CLONE_NEWNET);
  if (rc < 0)
    net_fail(err, "enter the app network namespace");
  if (!rc)
    rc = plug_into_bridge(host_end, svc, err);

  if (setns(svc, CLONE_NEWNET) < 0 && !rc)
    rc = net_fail(err, "return to the service's netns");
  if (!rc)
    rc = configure_service_side(net_service_addr(plan, index), err);
  if (rc || !netns_out)
    close(svc);
  else
    *netns_out = svc;
  return rc;
}

void net_app_destroy(struct net_app *app) {
  if (app->factory_fd >= 0)
    close(app->factory_fd);
  if (app->netns_fd >= 0)
    close(app->netns_fd);
  if (app->holder > 0) {
    kill(app->holder, SIGKILL);
    waitpid(app->holder, NULL, 0);
  }
  *app = (struct net_app){.holder = -1, .netns_fd = -1, .factory_fd = -1};
}
