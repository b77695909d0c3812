/* Just enough rtnetlink to build the app network: bridges, veths, link state, addresses.
 * Each call talks to the network namespace the socket was opened in. */
#ifndef CHEFER_NETLINK_H
#define CHEFER_NETLINK_H

#include <netinet/in.h>

#include "net.h"

/* Opens a NETLINK_ROUTE socket in the caller's current network namespace. */
int nl_open(struct net_err *err);

int nl_add_bridge(int nl, const char *name, struct net_err *err);

/* Creates veth `name` here and its peer `peer` directly in the netns open at peer_netns_fd. */
int nl_add_veth(int nl, const char *name, const char *peer, int peer_netns_fd, struct net_err *err);

/* Brings a link up and, when master is not NULL, attaches it to that bridge. */
int nl_link_up(int nl, const char *name, const char *master, struct net_err *err);

/* Deletes a link; errno is kept from the kernel's answer on failure. */
int nl_del_link(int nl, const char *name, struct net_err *err);

int nl_add_addr(int nl, const char *name, struct in_addr addr, int prefix, struct net_err *err);

#endif
