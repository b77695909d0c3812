/* The app's lifecycle in the sandbox's first process, inside the app's user namespace: it
 * extracts or checks the layers, starts the services in dependency order (no health gating:
 * the full supervisor lives in src/supervise/), passes signals on, stops the rest when the
 * main service ends (or when any service fails, without a main one), reaps every orphan (it
 * is a child subreaper), and removes the run directory. */
#ifndef CHEFER_LIFECYCLE_H
#define CHEFER_LIFECYCLE_H

#include <stddef.h>
#include <sys/types.h>

#include "app.h"
#include "cache.h"

struct lifecycle {
  const struct app *app;
  struct cache *cache;
  const char *run_name;
  const char *run_path; /* run/<run_name>, relative to the working directory (the cache) */
  char ***bind_paths;   /* per service, per mount: staged bind source path, or NULL */
  size_t main;          /* SIZE_MAX when the app has no main service */
  size_t *order;        /* start order, indexes into the manifest's services */
  int host_cleans;      /* 1 when the host side (root) removes the run directory */
  int control;          /* --control descriptor, or -1 */
};

/* Returns the app's exit code. */
int lifecycle_run(struct lifecycle *sv);

/* SIGTERM for NULL or unknown names; accepts "SIGTERM", "TERM" and numbers. */
int signal_number(const char *name);

#endif
