/* Safe, streaming extraction of one layer tar into a directory, in overlayfs's lower-layer
 * form: OCI whiteouts ".wh.x" become 0:0 character devices, ".wh..wh..opq" becomes the
 * user.overlay.opaque xattr. Nothing is written outside the directory: entry names with ".."
 * or a leading "/" are refused, parents are resolved with RESOLVE_IN_ROOT, hard links must
 * point inside, device nodes are skipped, and header sizes are bounded. */
#ifndef CHEFER_TAR_H
#define CHEFER_TAR_H

#include <stddef.h>
#include <stdint.h>

struct tar_extract;

/* rootfd: the directory to fill (kept open by the caller). label names the layer in errors. */
struct tar_extract *tar_begin(int rootfd, const char *label);
/* Feeds the next bytes of the tar stream. Returns 0, or -1 with the error set. */
int tar_feed(struct tar_extract *t, const uint8_t *data, size_t len);
/* Checks the stream ended cleanly (end-of-archive blocks or a whole number of entries). */
int tar_finish(struct tar_extract *t);
void tar_free(struct tar_extract *t);

/* Counts for logs and tests. */
struct tar_stats {
  uint64_t entries;
  uint64_t skipped_devices;
  uint64_t lost_owners; /* entries whose owner is not mapped in this user namespace */
};
void tar_get_stats(const struct tar_extract *t, struct tar_stats *out);

#define TAR_MAX_NAME 4096
#define TAR_MAX_PAX (1u << 20)

#endif
