/* The app network: what the runtime tells the network modules, and what they give back.
 *
 * A plan lists the services with their names, extra hosts and published ports. In
 * bridge and internal modes every service gets its own network namespace with one
 * address on a private /24 (the app network), joined through a veth to a bridge that
 * lives in an "app" network namespace held by a small helper process. In shared mode
 * nothing is created and every name resolves to 127.0.0.1. See docs/networking.md. */
#ifndef CHEFER_NET_H
#define CHEFER_NET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum net_mode { NET_BRIDGE, NET_INTERNAL, NET_SHARED };
enum net_proto { NET_TCP, NET_UDP };

/* Room for a message such as "create veth vh3 in the app network: Operation not permitted". */
#define NET_ERR_MAX 320

struct net_err {
  char msg[NET_ERR_MAX];
};

/* One published port range, as in the manifest's `ports`; single ports have start == end. */
struct net_port {
  const char *host_ip;
  uint16_t host_start;
  uint16_t host_end;
  uint16_t container_start;
  uint16_t container_end;
  enum net_proto proto;
};

struct net_extra_host {
  const char *host;
  const char *ip;
};

struct net_service {
  const char *name;
  const char *hostname;
  const char *const *aliases;
  size_t n_aliases;
  const struct net_extra_host *extra_hosts;
  size_t n_extra_hosts;
  const struct net_port *ports;
  size_t n_ports;
};

struct net_plan {
  enum net_mode mode;
  /* Network address of the app network in host byte order, e.g. 10.89.0.0; 0 picks the default. */
  uint32_t subnet;
  const struct net_service *services;
  size_t n_services;
};

/* What net_app_create made; pass it to the calls below and to net_app_destroy. */
struct net_app {
  pid_t holder; /* the helper that holds the app netns and makes sockets in it; -1 in shared mode */
  int netns_fd; /* the app netns, opened in the creator's user namespace; -1 in shared mode */
  int factory_fd; /* client end of the socket factory (SOCK_SEQPACKET); -1 in shared mode */
};

#define NET_DEFAULT_SUBNET 0x0a590000u /* 10.89.0.0/24 */
#define NET_BRIDGE_NAME "chefer0"
#define NET_SERVICE_IFNAME "eth0"
#define NET_MAX_SERVICES 253

/* Checks a plan before anything is created: service count, names, ports. */
int net_plan_check(const struct net_plan *plan, struct net_err *err);

/* The service's address on the app network (network byte order); 127.0.0.1 in shared mode. */
struct in_addr net_service_addr(const struct net_plan *plan, size_t index);

/* The bridge's address on the app network (network byte order). */
struct in_addr net_bridge_addr(const struct net_plan *plan);

/* Records "what: strerror(errno)" (or only "what" when errno is 0) in err; returns -1. */
int net_fail(struct net_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a message without an errno suffix; returns -1. */
int net_failx(struct net_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
