/* Assembling a service's root filesystem from its cached layers: an overlayfs mount (lower
 * layers read-only from the cache, a private upper dir per run) where the kernel allows it
 * in a user namespace, else a merged copy of the layers with whiteouts applied. Runs inside
 * the service's own mount namespace. */
#ifndef CHEFER_ROOTFS_H
#define CHEFER_ROOTFS_H

#include <stddef.h>

/* layers: directory holding the entries; names: entry names bottom layer first, each with a
 * root/ inside. svcdir: the service's private run directory (0700). Returns an O_PATH fd of
 * the assembled root, which is a mount point, or -1 with the error set. */
int rootfs_assemble(int layers, char *const *names, size_t count, int svcdir);

/* Copies the tree at src into dst (both directory fds), keeping modes, owners and symlinks.
 * With whiteouts set, 0:0 character devices delete and user.overlay.opaque clears, as
 * overlayfs would show them. */
int copy_tree(int src, int dst, int whiteouts);

#endif
