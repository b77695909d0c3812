#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "exit-codes.h"

static enum log_level current = LOG_INFO;

static struct {
  int code;
  char message[1024];
  char fix[512];
} pending;

static const char *const names[] = {"error", "warn", "info", "debug"};

int log_set_level_name(const char *name) {
  for (int i = 0; i <= LOG_DEBUG; i++) {
    if (strcmp(name, names[i]) == 0) {
      current = (enum log_level)i;
      return 0;
    }
  }
  return -1;
}

void log_init_from_env(void) {
  const char *value = getenv("CHEFER_LOG");
  if (value != NULL)
    (void)log_set_level_name(value);
}

enum log_level log_level(void) {
  return current;
}

static void emit(enum log_level level, const char *prefix, const char *fmt, va_list ap) {
  char line[2048];
  int n;

  /* Warnings reach the event stream whatever the level, as errors do. */
  if (level > current && level != LOG_WARN)
    return;
  n = snprintf(line, sizeof line, "%s", prefix);
  vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  n = (int)strlen(line);
  if (level == LOG_WARN)
    event_warning(line + strlen(prefix));
  if (level > current)
    return;
  line[n++] = '\n';
  /* One write per line, so lines from concurrent processes do not interleave. */
  (void)!write(STDERR_FILENO, line, (size_t)n);
}

#define DEFINE_LOG(fn, level, prefix)                                                              \
  void fn(const char *fmt, ...) {                                                                  \
    va_list ap;                                                                                    \
    va_start(ap, fmt);                                                                             \
    emit(level, prefix, fmt, ap);                                                                  \
    va_end(ap);                                                                                    \
  }

DEFINE_LOG(log_error, LOG_ERROR, "error: ")
DEFINE_LOG(log_warn, LOG_WARN, "warning: ")
DEFINE_LOG(log_info, LOG_INFO, "")
DEFINE_LOG(log_debug, LOG_DEBUG, "debug: ")

static void set_pending(int code, const char *fix, const char *fmt, va_list ap) {
  pending.code = code;
  vsnprintf(pending.message, sizeof pending.message, fmt, ap);
  snprintf(pending.fix, sizeof pending.fix, "%s", fix ? fix : "");
}

int fail(int code, const char *fix, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  set_pending(code, fix, fmt, ap);
  va_end(ap);
  return -1;
}

int fail_errno(int code, const char *fix, const char *fmt, ...) {
  int saved = errno;
  size_t n;
  va_list ap;

  va_start(ap, fmt);
  set_pending(code, fix, fmt, ap);
  va_end(ap);
  n = strlen(pending.message);
  snprintf(pending.message + n, sizeof pending.message - n, ": %s", strerror(saved));
  errno = saved;
  return -1;
}

int error_report(void) {
  if (pending.code == 0)
    pending.code = EXIT_BUG;
  if (pending.message[0] == '\0')
    snprintf(pending.message, sizeof pending.message, "failed without a message (a bug)");
  log_error("%s", pending.message);
  event_error(pending.message, pending.fix);
  if (pending.fix[0] != '\0' && current >= LOG_ERROR) {
    char line[600];
    int n = snprintf(line, sizeof line, "  fix: %s\n", pending.fix);
    (void)!write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  }
  return pending.code;
}

int error_code(void) {
  return pending.code;
}

const char *error_message(void) {
  return pending.message;
}

void error_clear(void) {
  pending.code = 0;
  pending.message[0] = '\0';
  pending.fix[0] = '\0';
}
