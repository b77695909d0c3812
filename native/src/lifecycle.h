/* The app's lifecycle in the sandbox's first process, inside the app's user namespace: it
 * extracts or checks every service's layers, starts the app network, then hands the services
 * to the supervisor (src/supervise: start order, health checks, restarts, prefixed output,
 * graceful stop) with service_spawn and service_probe as its launchers, and finally stops the
 * network and removes the run directory. */
#ifndef CHEFER_LIFECYCLE_H
#define CHEFER_LIFECYCLE_H

#include <stddef.h>
#include <sys/types.h>

#include "app.h"
#include "cache.h"
#include "network.h"

struct lifecycle {
  const struct app *app;
  struct cache *cache;
  struct network *net;
  const char *run_name;
  const char *run_path; /* run/<run_name>, relative to the working directory (the cache) */
  char ***bind_paths;   /* per service, per mount: staged bind source path, or NULL */
  size_t main;          /* SIZE_MAX when the app has no main service */
  int host_cleans;      /* 1 when the host side (root) removes the run directory */
  int control;          /* --control descriptor, or -1 */
};

/* Returns the app's exit code. */
int lifecycle_run(struct lifecycle *lc);

#endif
