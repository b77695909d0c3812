/* Running a whole app: choose the id mapping, prepare the cache and the run directory on the
 * host side, enter the app's user namespace, make sure every layer is extracted and intact,
 * start the services in dependency order, pass signals on, and return the exit code of the
 * main service (the terminal one, or the only one). */
#ifndef CHEFER_APP_H
#define CHEFER_APP_H

#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "footer.h"
#include "manifest.h"

struct app {
  const struct options *opts;
  const struct manifest *manifest;
  const struct footer *footer;
  int exe;
  /* Called in the sandbox once every service has started, with the services' pids in
   * manifest order; NULL for none. Lets a caller (the test driver, a supervisor) act on
   * running services, e.g. with service_probe. */
  void (*started)(const struct manifest *m, const pid_t *pids);
};

/* Returns the app's exit code, or -1 with the error set when it could not start. */
int app_run(const struct app *a);

#endif
