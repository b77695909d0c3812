/* The last steps of starting a service, inside its root filesystem: switch to the USER the
 * image or recipe names (looked up in the image's own /etc/passwd and /etc/group, or given
 * as uid[:gid]), with supplementary groups; set the environment and working directory; close
 * inherited descriptors; exec the entrypoint and cmd. */
#ifndef CHEFER_EXEC_H
#define CHEFER_EXEC_H

#include <stddef.h>
#include <sys/types.h>

#include "manifest.h"

struct identity {
  uid_t uid;
  gid_t gid;
  gid_t groups[64];
  size_t group_count;
  char home[256];
};

/* Resolves spec ("", "name", "uid", "name:group", "uid:gid") against the root's /etc files. */
int identity_resolve(const char *spec, struct identity *out);

/* argv: entrypoint + cmd, or entrypoint + override when override is not NULL. */
char **exec_argv(const struct service *s, char *const *override);
/* envp: the service's env, then each extra "K=V" replacing or adding; HOME from passwd. */
char **exec_envp(const struct service *s, char *const *extra, const char *home);

/* Never returns: execs the service, or prints the error and exits 125/126/127. */
void exec_service(const struct service *s, char *const *override, char *const *extra_env);
/* As exec_service, with argv given whole (no entrypoint): health checks and the like. */
void exec_command(const struct service *s, char *const *argv, char *const *extra_env);

/* Runs as pid 1 for `init: true`: forwards signals to child and reaps every process until
 * child exits, then exits with its status. */
void init_shim(pid_t child);

#endif
