/* Launching one service: a new pid, mount, uts and ipc namespace (inside the app's user
 * namespace), its root filesystem assembled and entered, then exec. The service is pid 1 of
 * its pid namespace, so when it exits the kernel ends everything it left behind. A
 * supervisor calls service_spawn once per service and waits for the pids. */
#ifndef CHEFER_SERVICE_H
#define CHEFER_SERVICE_H

#include <stdint.h>
#include <sys/types.h>

#include "manifest.h"
#include "network.h"

/* Paths are relative to the working directory (the cache directory) and are opened again in
 * the service's own mount namespace: a mount's source must belong to the caller's one. */
struct service_env {
  const char *layers;      /* where the layer entries are: layers, or <run>/layers */
  char **layer_names;      /* entry names, bottom layer first */
  const char *svcdir;      /* this service's private run directory */
  const char *data;        /* the app's data directory, staged under the run directory */
  char *const *bind_paths; /* per mount: the staged bind source, or NULL */
  int exe;                 /* the executable */
  uint64_t payload_offset;
  char *const *cmd;    /* replaces the service's cmd when not NULL (arguments after --) */
  char *const *env;    /* extra K=V from --env */
  int stdin_null;      /* 1: stdin from /dev/null (a non-interactive service beside another) */
  int out_fd;          /* the service's stdout, or -1 to inherit the runtime's */
  int err_fd;          /* the service's stderr, or -1 to inherit the runtime's */
  struct network *net; /* joins the app network and gets its /etc files; NULL: neither */
  size_t net_index;    /* the service's index in the manifest, for net */
};

/* Returns the service's pid (in the caller's pid namespace), or -1 with the error set.
 * Errors inside the new process are printed there and end it with 125-127. */
pid_t service_spawn(const struct service *s, const struct service_env *env);

/* Runs argv inside the running service whose pid 1 is service_pid (a health check, for
 * instance): joins its ipc, uts, network, mount and pid namespaces, takes its USER, working
 * directory and environment, with stdout and stderr on out_fd (-1: inherited) and stdin on
 * /dev/null. Returns the pid whose exit status is the command's; it leads its own process group, so
 * a timeout can kill the process it forks inside the pid namespace too. */
pid_t service_probe(const struct service *s, pid_t service_pid, char *const *argv, int out_fd);

#endif
