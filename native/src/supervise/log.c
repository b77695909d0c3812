/* Leveled logging to stderr, switched like the CLI's: CHEFER_LOG=error|warn|info|debug. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static enum sv_log_level threshold(void) {
  const char *v = getenv("CHEFER_LOG");

  if (v == NULL)
    return SV_LOG_INFO;
  if (strcmp(v, "error") == 0)
    return SV_LOG_ERROR;
  if (strcmp(v, "warn") == 0)
    return SV_LOG_WARN;
  if (strcmp(v, "debug") == 0)
    return SV_LOG_DEBUG;
  return SV_LOG_INFO;
}

static bool stderr_color(void) {
  const char *no_color = getenv("NO_COLOR");
  const char *term = getenv("TERM");

  if (no_color != NULL && no_color[0] != '\0')
    return false;
  if (term != NULL && strcmp(term, "dumb") == 0)
    return false;
  return isatty(STDERR_FILENO);
}

static const char *label(enum sv_log_level level, bool color) {
  switch (level) {
  case SV_LOG_ERROR:
    return color ? "\033[31merror\033[0m: " : "error: ";
  case SV_LOG_WARN:
    return color ? "\033[33mwarning\033[0m: " : "warning: ";
  case SV_LOG_DEBUG:
    return "debug: ";
  default:
    return "";
  }
}

void sv_log(enum sv_log_level level, const char *fmt, ...) {
  char text[1024];
  va_list ap;

  if (level > threshold())
    return;

  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);

  /* One fprintf per message, so lines from other writers do not interleave inside it. */
  fprintf(stderr, "%s%s\n", label(level, stderr_color()), text);
}
