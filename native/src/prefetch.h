/* First-run speed: the layers whose cache entries are missing are extracted several at a
 * time, one process per layer, before the in-order pass (cache_layer for every layer) checks
 * each entry. Only a speed-up: a layer that fails here is extracted again, and its error
 * reported, by the in-order pass. */
#ifndef CHEFER_PREFETCH_H
#define CHEFER_PREFETCH_H

#include "cache.h"
#include "manifest.h"

/* Extracts the missing entries with up to CHEFER_EXTRACT_JOBS processes (default: the online
 * CPUs, at most 4; 1 turns it off), reporting progress as each one ends. */
void cache_prefetch(struct cache *c, const struct manifest *m);

#endif
