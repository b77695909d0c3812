/* The /etc/resolv.conf each service sees, derived from the host's. */
#ifndef CHEFER_RESOLV_H
#define CHEFER_RESOLV_H

#include "net.h"

/* The address pasta answers DNS on for the host's first resolver (--dns-forward); it works
 * for a resolver on the host's loopback too (systemd-resolved's 127.0.0.53). */
#define NET_DNS_FORWARD "169.254.1.1"

/* Rewrites the host's resolv.conf text for services:
 * - shared mode: unchanged;
 * - bridge mode with outbound on: one nameserver, NET_DNS_FORWARD, where pasta answers with
 *   the host's first resolver wherever it is (UDP to other resolvers through pasta's tap
 *   timed out with passt 2023-03, and one on the host's loopback is unreachable anyway);
 * - internal mode, or bridge without outbound: no nameserver lines, so a lookup of an
 *   outside name fails at once instead of timing out.
 * search and options lines are kept. Returns the length written, or -1 with err. */
long net_resolv_render(enum net_mode mode, int outbound, const char *host, char *buf, size_t size,
                       struct net_err *err);

/* Reads host_path (normally /etc/resolv.conf; missing means empty), renders, writes out_path. */
int net_resolv_write(enum net_mode mode, int outbound, const char *host_path, const char *out_path,
                     struct net_err *err);

#endif
