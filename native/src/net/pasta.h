/* Outbound traffic in bridge mode: one pasta process per service network namespace.
 *
 * pasta gives the namespace a tap interface (ext0) with the host's address and default
 * route and carries its traffic through ordinary host sockets; the veth keeps carrying
 * app traffic, since the app network's /24 is the more specific route. pasta needs
 * /dev/net/tun to be openable by the user, which some machines do not allow. */
#ifndef CHEFER_PASTA_H
#define CHEFER_PASTA_H

#include <sys/types.h>

#include "net.h"

#define PASTA_IFNAME "ext0"

struct pasta {
  pid_t pid;
};

/* Finds pasta ($CHEFER_PASTA, then PATH) and checks that /dev/net/tun opens. On failure
 * err says why outbound traffic is unavailable and how to fix it. */
int pasta_check(char *path, size_t size, struct net_err *err);

/* Starts pasta for the netns open at netns_fd (open it in the runtime, which has full
 * capabilities in the app's user namespace: pasta drops most of its own and could not
 * open /proc/<pid>/ns/net itself). Call it from a process in the host netns and in the
 * app's user namespace. pasta configures the namespace shortly after; the service child
 * waits for it with pasta_wait_route before exec. */
int pasta_start(const char *path, int netns_fd, struct pasta *p, struct net_err *err);

/* In the service's netns: waits until pasta's default route appears, up to timeout_ms. */
int pasta_wait_route(int timeout_ms, struct net_err *err);

void pasta_stop(struct pasta *p);

#endif
