/* The scratch directory a fuzzed layer is extracted into, and the checks that nothing landed
 * outside it. The root sits three levels down (base/a/b/root) so that an entry escaping with
 * "..", however deep, lands in a directory the checks watch; a canary directory at a fixed
 * path catches escapes through absolute symlinks (the seed corpus points symlinks at it). */
#ifndef CHEFER_FUZZ_SCRATCH_H
#define CHEFER_FUZZ_SCRATCH_H

#define SCRATCH_CANARY "/tmp/chefer-fuzz-canary"

/* Creates the scratch tree (under $CHEFER_FUZZ_SCRATCH, default /tmp) and the canary;
 * returns the root's fd. Aborts on failure. */
int scratch_init(void);

/* Empties the root for the next input. */
void scratch_reset(void);

/* Aborts, naming what it found, if anything exists outside the root or the root holds a
 * device node other than a 0:0 whiteout. */
void scratch_check(void);

#endif
