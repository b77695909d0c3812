/* Removing cache entries: those no run has used for a while (at most once a day, at start),
 * or all that no live run needs (--clean-cache). Each run lists the entries it needs in
 * run/<run>/entries before it checks any; an entry is removed only under its lock and when no
 * live run lists it, so a run that checked an entry can rely on it until it ends. Entries
 * are removed from inside the app's user namespace, where files owned by subordinate ids can
 * be removed too. */
#ifndef CHEFER_CACHE_PRUNE_H
#define CHEFER_CACHE_PRUNE_H

#include "cache.h"
#include "manifest.h"

/* Writes run_path/entries: the cache entry names of every layer of the app, one per line,
 * and keeps it locked (shared) for as long as this process and its children live. */
int cache_note_entries(const char *run_path, const struct manifest *m, const char *mapkey);
/* Drops this process's hold on the list: a detached process that outlives the run calls it,
 * so the run counts as ended once the app has. */
void cache_release_entries(void);

struct prune_result {
  int removed; /* entries removed */
  int in_use;  /* entries a live run lists, kept */
  int failed;  /* entries that could not be removed (another id mapping's files) */
};

/* Removes every entry unused for at least max_age_s seconds that no live run lists. */
int cache_prune(struct cache *c, long max_age_s, struct prune_result *out);

/* The start-time prune: entries unused for CHEFER_CACHE_MAX_AGE_DAYS days (default 30, 0
 * never), at most once a day. Problems are warnings; the run goes on. */
void cache_prune_old(struct cache *c);

#endif
