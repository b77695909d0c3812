#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

static int net_vfail(struct net_err *err, int with_errno, const char *fmt, va_list ap) {
  int saved = errno;
  if (!err)
    return -1;

  int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  if (with_errno && saved && n >= 0 && (size_t)n < sizeof err->msg)
    snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(saved));
  errno = saved;
  return -1;
}

int net_fail(struct net_err *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  net_vfail(err, 1, fmt, ap);
  va_end(ap);
  return -1;
}

int net_failx(struct net_err *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  net_vfail(err, 0, fmt, ap);
  va_end(ap);
  return -1;
}

static uint32_t plan_subnet(const struct net_plan *plan) {
  return plan->subnet ? plan->subnet : NET_DEFAULT_SUBNET;
}

struct in_addr net_service_addr(const struct net_plan *plan, size_t index) {
  struct in_addr a;
  if (plan->mode == NET_SHARED)
    a.s_addr = htonl(INADDR_LOOPBACK);
  else
    a.s_addr = htonl(plan_subnet(plan) + 2 + (uint32_t)index);
  return a;
}

struct in_addr net_bridge_addr(const struct net_plan *plan) {
  struct in_addr a = {.s_addr = htonl(plan_subnet(plan) + 1)};
  return a;
}

static int check_port(const struct net_service *s, const struct net_port *p, struct net_err *err) {
  unsigned char any[sizeof(struct in6_addr)];

  if (p->host_start == 0 || p->host_end < p->host_start)
    return net_failx(err, "service %s: host port range %u-%u is empty or starts at 0", s->name,
                     p->host_start, p->host_end);
  if (p->container_end - p->container_start != p->host_end - p->host_start)
    return net_failx(err, "service %s: host ports %u-%u and container ports %u-%u differ in size",
                     s->name, p->host_start, p->host_end, p->container_start, p->container_end);
  if (inet_pton(AF_INET, p->host_ip, any) != 1 && inet_pton(AF_INET6, p->host_ip, any) != 1)
    return net_failx(err, "service %s: host ip %s is not an IPv4 or IPv6 address", s->name,
                     p->host_ip);
  return 0;
}

/* A name that sits in a hosts line as one word: not empty, no white space, control
 * character or comment sign (an alias "www\n6.6.6.6 bank.example" would add an entry). */
static int is_word(const char *name) {
  if (!name || !*name || strlen(name) > 253)
    return 0;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p <= ' ' || *p == '#' || *p == 0x7f)
      return 0;
  return 1;
}

static int check_word(const struct net_service *s, const char *what, const char *name,
                      struct net_err *err) {
  if (is_word(name))
    return 0;
  return net_failx(err,
                   "service %.64s: %s \"%.64s\" cannot be a host name (empty, too long, or "
                   "holding a space, control character or '#'); rename it in the recipe",
                   s->name && is_word(s->name) ? s->name : "?", what, name ? name : "");
}

static int check_names(const struct net_service *s, struct net_err *err) {
  unsigned char any[sizeof(struct in6_addr)];

  if (check_word(s, "name", s->name, err) ||
      (s->hostname && check_word(s, "hostname", s->hostname, err)))
    return -1;
  for (size_t k = 0; k < s->n_aliases; k++)
    if (check_word(s, "alias", s->aliases[k], err))
      return -1;
  for (size_t k = 0; k < s->n_extra_hosts; k++) {
    const struct net_extra_host *h = &s->extra_hosts[k];
    if (check_word(s, "extra host", h->host, err))
      return -1;
    if (!h->ip || (inet_pton(AF_INET, h->ip, any) != 1 && inet_pton(AF_INET6, h->ip, any) != 1))
      return net_failx(err,
                       "service %s: extra host %s has address \"%.64s\", not an IPv4 or "
                       "IPv6 address; give an address in extra_hosts",
                       s->name, h->host, h->ip ? h->ip : "");
  }
  return 0;
}

/* TODO(limitation): the app network is one /24 (253 services); a host network overlapping it
 * is unreachable from services in bridge mode. */
int net_plan_check(const struct net_plan *plan, struct net_err *err) {
  if (plan->mode != NET_SHARED && plan->n_services > NET_MAX_SERVICES)
    return net_failx(err, "the app has %zu services; the app network holds at most %d",
                     plan->n_services, NET_MAX_SERVICES);
  if (plan_subnet(plan) & 0xffu)
    return net_failx(err, "app network base address must end in .0 (a /24)");

  for (size_t i = 0; i < plan->n_services; i++) {
    const struct net_service *s = &plan->services[i];
    if (check_names(s, err))
      return -1;
    for (size_t j = 0; j < s->n_ports; j++)
      if (check_port(s, &s->ports[j], err))
        return -1;
  }
  return 0;
}
