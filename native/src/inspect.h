/* --inspect and --print-manifest: what is in this executable, for debugging, on stdout. */
#ifndef CHEFER_INSPECT_H
#define CHEFER_INSPECT_H

#include "footer.h"
#include "manifest.h"

/* Prints the manifest JSON (raw) or a summary; returns 0 or -1 with the error set. */
int inspect_print(int exe, const struct footer *f, const struct manifest *m, int raw);

#endif
