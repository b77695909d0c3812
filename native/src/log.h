/* Leveled logging to stderr, and the one pending error a failing call leaves behind.
 * The level comes from --log-level or CHEFER_LOG (error, warn, info, debug), the same
 * switch the TypeScript CLI reads. stdout is never written here: it belongs to services. */
#ifndef CHEFER_LOG_H
#define CHEFER_LOG_H

#include <stdarg.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_init_from_env(void);
int log_set_level_name(const char *name);
enum log_level log_level(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records the error (message, fix, exit code) and returns -1, so a failing call reads
 * `return fail(...)`. The message should be a lowercase action phrase naming the operand. */
int fail(int code, const char *fix, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As fail(), with ": strerror(errno)" appended. */
int fail_errno(int code, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints the pending error ("error: ...", "  fix: ...") and returns its exit code. */
int error_report(void);
int error_code(void);
const char *error_message(void);
void error_clear(void);

#endif
