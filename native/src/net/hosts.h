/* The /etc/hosts each service sees: every service's name, hostname and aliases at its
 * address on the app network (127.0.0.1 in shared mode), then the service's extra_hosts. */
#ifndef CHEFER_HOSTS_H
#define CHEFER_HOSTS_H

#include "net.h"

/* Writes the hosts file for service `index` into buf; returns its length, or -1 with err
 * when buf is too small. */
long net_hosts_render(const struct net_plan *plan, size_t index, char *buf, size_t size,
                      struct net_err *err);

/* Renders the hosts file and writes it to path (created 0644, replaced if present). */
int net_hosts_write(const struct net_plan *plan, size_t index, const char *path,
                    struct net_err *err);

#endif
