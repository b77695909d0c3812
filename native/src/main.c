/* chefer-runtime: the program every packed app starts with. main only dispatches:
 * options, then the footer and manifest of this very file, then one of inspect or run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "events.h"
#include "exit-codes.h"
#include "footer.h"
#include "gui.h"
#include "inspect.h"
#include "log.h"
#include "manifest.h"

#ifndef CHEFER_VERSION
#define CHEFER_VERSION "0.0.0"
#endif

static int load(int exe, struct footer *f, struct manifest *m) {
  char *text = NULL;
  int rc;

  if (footer_read(exe, f, &text) < 0)
    return -1;
  rc = manifest_load(text, f->manifest_size, f->manifest_offset - f->payload_offset, m);
  free(text);
  return rc;
}

static int run(const struct options *o) {
  struct footer f;
  struct manifest m;
  int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), rc;

  if (exe < 0)
    return fail_errno(EXIT_ENVIRONMENT, "mount /proc", "open /proc/self/exe");
  if (load(exe, &f, &m) < 0)
    return -1;
  if (o->inspect || o->print_manifest)
    return inspect_print(exe, &f, &m, o->print_manifest);
  gui_host_prepare(&m); /* here, before the working directory and the user's ids change */
  rc = app_run(&(struct app){.opts = o, .manifest = &m, .footer = &f, .exe = exe});
  manifest_free(&m);
  return rc;
}

int main(int argc, char **argv) {
  struct options o;
  int rc;

  log_init_from_env();
  if (options_parse(argc, argv, &o) < 0)
    return error_report();
  if (events_open(o.events) < 0)
    return fail_errno(EXIT_USAGE, "pass an open descriptor or a writable path", "open events %s",
                      o.events),
           error_report();
  if (o.help) {
    options_usage(argc > 0 ? argv[0] : "app");
    return 0;
  }
  if (o.version) {
    printf("chefer-runtime %s (executable format %d)\n", CHEFER_VERSION, FORMAT_VERSION);
    return 0;
  }
  rc = run(&o);
  fflush(stdout);
  return rc < 0 ? error_report() : rc;
}
