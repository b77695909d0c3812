/* Outbound traffic in bridge mode: one pasta process per service network namespace.
 *
 * pasta gives the namespace a tap interface (ext0) with the host's address and default
 * route and carries its traffic through ordinary host sockets; the veth keeps carrying
 * app traffic, since the app network's /24 is the more specific route. pasta needs
 * /dev/net/tun to be openable by the user, which some machines do not allow.
 *
 * pasta is started by a launcher forked before the app's user namespace exists, so it
 * runs with the user's own host identity: as root the app's container root may map to an
 * unprivileged range that could not open /dev/net/tun, and pasta drops the capabilities
 * it would need to open another process's namespaces by itself. The runtime hands the
 * launcher the service's netns (and its own user namespace) as file descriptors. */
#ifndef CHEFER_PASTA_H
#define CHEFER_PASTA_H

#include <sys/types.h>

#include "net.h"

#define PASTA_IFNAME "ext0"

struct pasta_launcher {
  pid_t pid; /* -1 when not started */
  int fd;    /* SOCK_SEQPACKET to the launcher */
};

struct pasta {
  pid_t pid; /* -1 when not running */
};

/* Finds pasta ($CHEFER_PASTA, then PATH) and checks that /dev/net/tun opens for the caller.
 * On failure err says why outbound traffic is unavailable and how to fix it. */
int pasta_check(char *path, size_t size, struct net_err *err);

/* Forks the launcher. Call it in the host process, before the app's user namespace is
 * created, after pasta_check succeeded with the same path. */
int pasta_launcher_open(const char *path, struct pasta_launcher *pl, struct net_err *err);

/* Starts pasta for the netns open at netns_fd. Call it inside the app's user namespace
 * (where the service's netns can be opened: open("/proc/<pid>/ns/net") there), from the
 * process that owns pl. pasta configures the namespace shortly after; the service child
 * waits for it with pasta_wait_route before exec. */
int pasta_start(const struct pasta_launcher *pl, int netns_fd, struct pasta *p,
                struct net_err *err);

/* In the service's netns: waits until pasta's default route appears, up to timeout_ms. */
int pasta_wait_route(int timeout_ms, struct net_err *err);

/* Stops one pasta (e.g. when its service exits: pasta holds the netns open). */
void pasta_stop(const struct pasta_launcher *pl, struct pasta *p);

/* Stops the launcher and every pasta it started. */
void pasta_launcher_close(struct pasta_launcher *pl);

#endif
