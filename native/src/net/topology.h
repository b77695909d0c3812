/* The app network's shape: one app netns with a bridge, one netns and veth per service.
 *
 * Privileges: call these inside the app's user namespace, as its root (full
 * capabilities there), before any nested user namespace. They work the same for an
 * unprivileged user and for root, since only namespaces owned by that user namespace
 * are touched. */
#ifndef CHEFER_TOPOLOGY_H
#define CHEFER_TOPOLOGY_H

#include "net.h"

/* Forks the holder: it enters a new netns, brings up lo and the bridge with the first
 * address of the subnet, then serves the socket factory until the app is destroyed.
 * Shared mode creates nothing and fills app with -1s. */
int net_app_create(const struct net_plan *plan, struct net_app *app, struct net_err *err);

/* Called in a service's child process before exec: moves it into a new netns with lo,
 * and eth0 holding the service's address, wired to the bridge. No-op in shared mode.
 * Leaves the process in its new netns (also on failure, which must end the child).
 * When netns_out is not NULL it gets a close-on-exec descriptor of the new netns (-1 in
 * shared mode), for the child to pass to the supervisor (fdpass_send) for pasta_start:
 * the supervisor cannot open /proc/<child>/ns/net when the child is not dumpable, as
 * after the runtime switches its ids. */
int net_service_join(const struct net_app *app, const struct net_plan *plan, size_t index,
                     int *netns_out, struct net_err *err);

/* Stops the holder (the app netns and every veth on its bridge go away with it). */
void net_app_destroy(struct net_app *app);

#endif
