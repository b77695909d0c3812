/* The driver links the runtime's json.c but not its log.c (which pulls in the event stream
 * and more): this records json.c's error message for cmd_manifest to print. */
#include <stdarg.h>
#include <stdio.h>

#include "../../log.h"
#include "driver.h"

static char last_error[512];

int fail(int code, const char *fix, const char *fmt, ...) {
  va_list ap;
  (void)code;
  (void)fix;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return -1;
}

const char *driver_json_error(void) {
  return last_error;
}
