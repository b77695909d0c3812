/* The layer cache: one directory per (layer digest, id mapping), shared by every app of a
 * user. Layout under <cache> ($XDG_CACHE_HOME/chefer or ~/.cache/chefer, mode 0700):
 *
 *   layers/<digest-hex>-<mapkey>/root/    the extracted layer, overlayfs lower-layer form
 *   layers/<digest-hex>-<mapkey>/index    lstat record of every entry under root/
 *   layers/<digest-hex>-<mapkey>.lock     flock: one extractor per entry at a time; its
 *                                         mtime is the entry's last use
 *   layers/.tmp-<digest-hex>-<mapkey>-*   an extraction in progress (never looks complete)
 *   last-prune                            when unused entries were last removed
 *   run/<app>-<pid>-<random>/             one run's private writable state (0700)
 *   run/<app>-<pid>-<random>/entries      the entries that run needs (cache_prune.h)
 *
 * An entry exists only once complete (extracted into a temp dir, indexed, renamed). At a warm
 * start the index is re-checked by an lstat walk (inode, ctime, size, mode, owner), and any
 * mismatch re-extracts the layer from the executable. docs/security.md says what this does and
 * does not detect. */
#ifndef CHEFER_CACHE_H
#define CHEFER_CACHE_H

#include <stdint.h>
#include <sys/types.h>

#include "manifest.h"

struct cache {
  char path[4096]; /* <cache>, for messages */
  int dir;         /* <cache>, O_PATH */
  int layers;      /* <cache>/layers, O_PATH */
  int run;         /* <cache>/run, O_PATH */
  const char *mapkey;
  int no_cache; /* --no-cache: extract into the run directory, never reuse or keep */
  int exe;      /* the executable, for re-extraction */
  uint64_t payload_offset;
  size_t step, steps; /* progress: this layer's number and how many the app has */
  int extracted;      /* layers extracted in this run */
  int quiet;          /* no progress lines or events: a prefetch worker's (prefetch.h) */
  const char *single; /* why only one id is mapped, or NULL when a range is */
};

/* Opens or creates <path> and its layers/ and run/ subdirectories with mode 0700. */
int cache_open(const char *path, struct cache *c);
/* Fails with a message naming the cache and the fix when its disk has no room left for a
 * run's own files. */
int cache_check_room(const struct cache *c);
/* Opens the same directories again relative to the working directory (the cache), so the
 * descriptors belong to the caller's mount namespace. */
int cache_reopen(struct cache *c);

/* Makes sure the layer is extracted and intact; writes the entry's name relative to
 * c->layers (or, with no_cache, a path under the run dir fd) into name. */
int cache_layer(struct cache *c, const struct blob *layer, int scratch, char *name, size_t size);

/* Writes the lstat index of the tree rooted at dirfd into an allocated buffer. */
int index_build(int dirfd, uint8_t **out, size_t *len);
/* Returns 1 when the tree at dirfd matches the index exactly, 0 when not, -1 on error. */
int index_check(int dirfd, const uint8_t *index, size_t len);

/* Removes run directories (in the cache's run/) whose runtime process no longer exists,
 * never the one named own. */
void remove_stale_runs(int run, const char *own);

/* The pid in "<app>-<pid>-<8 hex digits>", or 0 when the name is not a run directory's. */
pid_t cache_run_pid(const char *name);
/* Moves an entry aside (one rename, so it never looks half there), then removes it. Returns
 * 1 when removed, 0 when there was none, -1 when it could not be. */
int cache_discard(int layers, const char *name);
/* Removes what a crashed extraction of this entry left (.tmp-<name>-*, .trash-<name>-*).
 * Only called under the entry's lock, so no live extraction owns them. */
void cache_remove_leftovers(int layers, const char *name);

/* Removes a directory tree below dirfd/name without following symlinks. */
int remove_tree(int dirfd, const char *name);

#endif
