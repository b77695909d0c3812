/* The manifest's services as the supervisor sees them (supervise/supervise.h): dependency
 * conditions, health check timings, restart policy, stop signal and grace, interface mode,
 * and each health check's command line. */
#ifndef CHEFER_SUPERVISION_H
#define CHEFER_SUPERVISION_H

#include "manifest.h"
#include "supervise/supervise.h"

struct supervision {
  struct sv_service *services; /* in manifest order */
  char ***probe_argv;          /* per service: the health check's argv, or NULL */
};

/* Fills sv from m; lone: the app has one service, which keeps the runtime's stdio. Returns -1
 * with the error set on a name the supervisor does not know. */
int supervision_from_manifest(const struct manifest *m, struct supervision *sv);
void supervision_free(struct supervision *sv, size_t n);

#endif
