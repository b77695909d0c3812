/* What a service's process may do inside its namespaces: the capability bounding set (the
 * manifest's list, Docker's default set when it gives none) and a seccomp filter refusing the
 * system calls that reach kernel state no namespace isolates (keyrings, BPF, new user
 * namespaces, io_uring, ...). Applied in the service's process just before it switches user
 * and executes the service's command, health checks included. */
#ifndef CHEFER_CONFINE_H
#define CHEFER_CONFINE_H

#include <stdint.h>

#include "manifest.h"

/* The capability with this name ("CAP_CHOWN" or "chown"), or -1. */
int confine_cap_number(const char *name);

/* The bit set of the service's capabilities; -1 (error set) on an unknown name. */
int confine_caps(const struct service *s, uint64_t *out);

/* Drops every capability outside the service's set from the bounding set and, unless the
 * service is unconfined, installs the seccomp filter. Returns 0 or -1 (error set). */
int confine_apply(const struct service *s);

#endif
