#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "portfwd_int.h"
#include "sockfactory.h"

#define MAX_EVENTS 64
#define SWEEP_MS 1000

int64_t pf_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pf_log(struct portfwd *pf, const char *fmt, ...) {
  char msg[NET_ERR_MAX];
  va_list ap;
  if (!pf->log)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pf->log(pf->log_ctx, msg);
}

/* TODO(limitation): one synchronous round trip to the helper per upstream socket bounds the
 * rate of new connections. */
int pf_upstream_socket(struct portfwd *pf, int type) {
  struct net_err err;
  int fd;

  if (pf->factory_fd < 0)
    fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  else
    fd = sockfactory_socket(pf->factory_fd, AF_INET, type | SOCK_NONBLOCK, &err);
  if (fd < 0)
    pf_log(pf, "%s", pf->factory_fd < 0 ? strerror(errno) : err.msg);
  return fd;
}

static size_t count_listeners(const struct net_plan *plan) {
  size_t n = 0;
  for (size_t i = 0; i < plan->n_services; i++)
    for (size_t j = 0; j < plan->services[i].n_ports; j++) {
      const struct net_port *p = &plan->services[i].ports[j];
      n += (size_t)(p->host_end - p->host_start) + 1;
    }
  return n;
}

static int parse_host(const char *ip, unsigned port, struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

  memset(ss, 0, sizeof *ss);
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return 0;
  }
  return -1;
}

static const char *proto_name(enum net_proto p) {
  return p == NET_TCP ? "tcp" : "udp";
}

/* TODO(limitation): ports below 1024 need the host process's privileges (root, or a lowered
 * net.ipv4.ip_unprivileged_port_start). */
static int bind_error(const struct pf_listener *l, struct net_err *err) {
  if (errno == EADDRINUSE)
    return net_failx(err,
                     "host port %s:%u/%s of service %s is already in use; stop what listens "
                     "there or publish another host port",
                     l->host_ip, l->host_port, proto_name(l->proto), l->service);
  if (errno == EACCES)
    return net_failx(err,
                     "host port %s:%u/%s of service %s needs privileges (ports below %s); "
                     "publish a port of 1024 or above, or lower "
                     "net.ipv4.ip_unprivileged_port_start",
                     l->host_ip, l->host_port, proto_name(l->proto), l->service, "1024");
  return net_fail(err, "listen on host port %s:%u/%s of service %s", l->host_ip, l->host_port,
                  proto_name(l->proto), l->service);
}

/* Opens one listener; IPv6 wildcard listeners stay IPv6-only so 0.0.0.0 can coexist. */
static int open_listener(struct pf_listener *l, struct net_err *err) {
  struct sockaddr_storage ss;
  socklen_t len;
  int one = 1;
  int type = l->proto == NET_TCP ? SOCK_STREAM : SOCK_DGRAM;

  if (parse_host(l->host_ip, l->host_port, &ss, &len))
    return net_failx(err, "host ip %s of service %s is not an address", l->host_ip, l->service);
  l->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (l->fd < 0)
    return net_fail(err, "create a listener for service %s", l->service);

  if (ss.ss_family == AF_INET6)
    setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (l->proto == NET_TCP)
    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l->fd, (struct sockaddr *)&ss, len) < 0)
    return bind_error(l, err);

  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = l};
  if (epoll_ctl(l->pf->epfd, EPOLL_CTL_ADD, l->fd, &ev) < 0)
    return net_fail(err, "watch host port %u", l->host_port);
  return 0;
}

/* Shared mode: the service binds the host netns itself, so equal ports need no relay.
 * TODO(limitation): such a port cannot be checked for being busy before the service starts. */
static int needs_relay(const struct net_plan *plan, const struct pf_listener *l) {
  return plan->mode != NET_SHARED || l->host_port != l->container_port;
}

static void fill_listener(struct portfwd *pf, struct pf_listener *l, const struct net_plan *plan,
                          size_t svc, const struct net_port *p, unsigned k) {
  l->h.kind = p->proto == NET_TCP ? PF_TCP_LISTENER : PF_UDP_LISTENER;
  l->fd = -1;
  l->pf = pf;
  l->service = plan->services[svc].name;
  snprintf(l->host_ip, sizeof l->host_ip, "%s", p->host_ip);
  l->host_port = p->host_start + k;
  l->container_port = p->container_start + k;
  l->proto = p->proto;
  l->target.sin_family = AF_INET;
  l->target.sin_addr = net_service_addr(plan, svc);
  l->target.sin_port = htons((uint16_t)l->container_port);
}

static int open_all(struct portfwd *pf, const struct net_plan *plan, struct net_err *err) {
  for (size_t i = 0; i < plan->n_services; i++)
    for (size_t j = 0; j < plan->services[i].n_ports; j++) {
      const struct net_port *p = &plan->services[i].ports[j];
      for (unsigned k = 0; k + p->host_start <= p->host_end; k++) {
        struct pf_listener *l = &pf->listeners[pf->n_listeners++];
        fill_listener(pf, l, plan, i, p, k);
        if (needs_relay(plan, l) && open_listener(l, err))
          return -1;
      }
    }
  return 0;
}

struct portfwd *portfwd_open(const struct net_plan *plan, struct net_err *err) {
  if (net_plan_check(plan, err))
    return NULL;

  struct portfwd *pf = calloc(1, sizeof *pf);
  size_t n = count_listeners(plan);
  if (pf)
    pf->listeners = calloc(n ? n : 1, sizeof *pf->listeners);
  if (!pf || !pf->listeners) {
    free(pf);
    net_fail(err, "allocate the port forwarder");
    return NULL;
  }
  pf->factory_fd = -1;
  /* splice(2) into a socket whose peer has gone raises SIGPIPE and has no MSG_NOSIGNAL. */
  signal(SIGPIPE, SIG_IGN);
  pf->udp_idle_ms = PORTFWD_UDP_IDLE_MS;
  pf->last_sweep_ms = pf_now_ms();

  pf->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (pf->epfd < 0 || open_all(pf, plan, err)) {
    if (pf->epfd < 0)
      net_fail(err, "create the port forwarder's epoll");
    portfwd_close(pf);
    return NULL;
  }
  return pf;
}

int portfwd_listen(struct portfwd *pf, struct net_err *err) {
  for (size_t i = 0; i < pf->n_listeners; i++) {
    struct pf_listener *l = &pf->listeners[i];
    if (l->fd >= 0 && l->proto == NET_TCP && listen(l->fd, SOMAXCONN) < 0)
      return bind_error(l, err);
  }
  return 0;
}

void portfwd_each(const struct portfwd *pf, void (*fn)(void *ctx, const struct portfwd_info *),
                  void *ctx) {
  for (size_t i = 0; i < pf->n_listeners; i++) {
    const struct pf_listener *l = &pf->listeners[i];
    struct portfwd_info info = {l->service,        l->host_ip,           l->host_port,
                                l->container_port, proto_name(l->proto), l->fd >= 0};
    fn(ctx, &info);
  }
}

void portfwd_set_logger(struct portfwd *pf, void (*fn)(void *ctx, const char *msg), void *ctx) {
  pf->log = fn;
  pf->log_ctx = ctx;
}

void portfwd_attach(struct portfwd *pf, int factory_fd) {
  pf->factory_fd = factory_fd;
}

void portfwd_set_udp_idle(struct portfwd *pf, int idle_ms) {
  pf->udp_idle_ms = idle_ms;
}

int portfwd_fd(const struct portfwd *pf) {
  return pf->epfd;
}

static void handle(struct pf_handle *h, uint32_t events) {
  switch (h->kind) {
  case PF_TCP_LISTENER:
    pf_tcp_accept((struct pf_listener *)h);
    break;
  case PF_UDP_LISTENER:
    pf_udp_from_client((struct pf_listener *)h);
    break;
  case PF_TCP_SIDE:
    pf_tcp_event((struct pf_side *)h, events);
    break;
  case PF_UDP_SESSION:
    pf_udp_from_service((struct pf_session *)h);
    break;
  }
}

int portfwd_dispatch(struct portfwd *pf, int timeout_ms, struct net_err *err) {
  struct epoll_event events[MAX_EVENTS];

  if (timeout_ms < 0 || timeout_ms > SWEEP_MS)
    timeout_ms = SWEEP_MS;
  int n = epoll_wait(pf->epfd, events, MAX_EVENTS, timeout_ms);
  if (n < 0 && errno != EINTR)
    return net_fail(err, "wait for port forwarding events");

  for (int i = 0; i < n; i++)
    handle(events[i].data.ptr, events[i].events);

  int64_t now = pf_now_ms();
  if (now - pf->last_sweep_ms >= SWEEP_MS) {
    pf_udp_sweep(pf, now);
    pf->last_sweep_ms = now;
  }

  /* Freed only now: a later event of the same batch may still point at them. */
  pf_tcp_reap(pf);
  pf_udp_reap(pf);
  return 0;
}

void portfwd_close(struct portfwd *pf) {
  if (!pf)
    return;
  pf_tcp_close_all(pf);
  for (size_t i = 0; i < pf->n_listeners; i++) {
    pf_udp_close_all(&pf->listeners[i]);
    if (pf->listeners[i].fd >= 0)
      close(pf->listeners[i].fd);
  }
  pf_tcp_reap(pf);
  pf_udp_reap(pf);
  if (pf->epfd >= 0)
    close(pf->epfd);
  free(pf->listeners);
  free(pf);
}
