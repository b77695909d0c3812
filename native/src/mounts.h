/* Everything mounted into a service's root filesystem before it starts: /proc, a minimal
 * /dev, a read-only /sys, /etc/hosts, /etc/hostname and /etc/resolv.conf, baked files, and
 * the service's volume, bind and tmpfs mounts. Every target inside the root is resolved with
 * RESOLVE_IN_ROOT, so an image's symlinks cannot redirect a mount onto a host path. */
#ifndef CHEFER_MOUNTS_H
#define CHEFER_MOUNTS_H

#include <stdint.h>

#include "manifest.h"

struct mount_env {
  int root;   /* the assembled rootfs (O_PATH) */
  int svcdir; /* the service's private run directory */
  int data;   /* the app's data directory (O_PATH), holding data/<volume> */
  int exe;    /* the executable, for baked files */
  uint64_t payload_offset;
  const int *bind_fds; /* per mount of the service: an O_PATH fd of a bind source, else -1 */
  const char *hosts;   /* the /etc/hosts text the network gives, or NULL for a minimal one */
  const char *resolv;  /* the /etc/resolv.conf text the network gives, or NULL: the host's */
};

int mounts_setup(const struct service *s, const struct mount_env *env);

/* Remounts the mount at path inside root read-only, keeping the flags the host locked. */
int mounts_read_only_at(int root, const char *path);

/* Makes the rootfs the process's root (pivot_root) and drops the old root. */
int mounts_enter_root(int root);

#endif
