/* Runtime events as JSON lines (docs/runtime-events.md), and failures the user must see. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define JSON_RESERVE 64 /* room kept for the closing bytes and short keys */

static void put(struct sv_json *j, const char *s, size_t n) {
  if (j->len + n + JSON_RESERVE / 2 > SV_JSON_MAX)
    return;
  memcpy(j->buf + j->len, s, n);
  j->len += n;
}

static void put_key(struct sv_json *j, const char *key) {
  put(j, ",\"", 2);
  put(j, key, strlen(key));
  put(j, "\":", 2);
}

/* TODO(limitation): bytes that are not UTF-8 pass through as they are, so a strict JSON
 * reader may reject a `log` line of binary output; Node's replaces them with U+FFFD. */
static void put_escaped(struct sv_json *j, unsigned char c) {
  char esc[8];

  if (c == '"' || c == '\\') {
    esc[0] = '\\';
    esc[1] = (char)c;
    put(j, esc, 2);
  } else if (c < 0x20 || c == 0x7f) {
    snprintf(esc, sizeof esc, "\\u%04x", c);
    put(j, esc, 6);
  } else {
    put(j, (const char *)&c, 1);
  }
}

void sv_json_begin(struct sv_json *j, const char *type, int64_t ts) {
  j->len = 0;
  put(j, "{\"t\":", 5);
  put(j, "\"", 1);
  put(j, type, strlen(type));
  put(j, "\"", 1);
  sv_json_int(j, "ts", ts);
}

void sv_json_strn(struct sv_json *j, const char *key, const char *value, size_t n) {
  put_key(j, key);
  put(j, "\"", 1);

  /* A value too long for the line is cut; the line stays valid JSON. */
  for (size_t i = 0; i < n && j->len + JSON_RESERVE < SV_JSON_MAX; i++)
    put_escaped(j, (unsigned char)value[i]);

  put(j, "\"", 1);
}

void sv_json_str(struct sv_json *j, const char *key, const char *value) {
  sv_json_strn(j, key, value, strlen(value));
}

void sv_json_int(struct sv_json *j, const char *key, int64_t value) {
  char num[32];
  int n = snprintf(num, sizeof num, "%" PRId64, value);

  put_key(j, key);
  put(j, num, (size_t)n);
}

const char *sv_json_end(struct sv_json *j) {
  j->buf[j->len++] = '}';
  j->buf[j->len++] = '\n';
  j->buf[j->len] = '\0';
  return j->buf;
}

static bool events_wanted(const struct sv *sv) {
  return sv->ops->event != NULL || sv->events_fd >= 0;
}

static void write_event_fd(struct sv *sv, const char *line, size_t n) {
  while (n > 0) {
    ssize_t w = write(sv->events_fd, line, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      sv_log(SV_LOG_WARN, "write events to fd %d failed: %s; no more events are written",
             sv->events_fd, strerror(errno));
      sv->events_fd = -1;
      return;
    }
    line += w;
    n -= (size_t)w;
  }
}

static void emit(struct sv *sv) {
  const char *line = sv_json_end(&sv->json);

  if (sv->ops->event != NULL)
    sv->ops->event(sv->ctx, line);
  else if (sv->events_fd >= 0)
    write_event_fd(sv, line, sv->json.len);
}

void sv_event_app(struct sv *sv, const char *state) {
  if (!events_wanted(sv))
    return;

  sv_json_begin(&sv->json, "app", sv_ts(sv));
  sv_json_str(&sv->json, "name", sv->app->name != NULL ? sv->app->name : "");
  sv_json_str(&sv->json, "state", state);
  if (strcmp(state, "exited") == 0)
    sv_json_int(&sv->json, "exit_code", sv->exit_code);
  emit(sv);
}

void sv_event_service(struct sv *sv, int i, const char *state) {
  const struct sv_unit *u = &sv->units[i];

  if (!events_wanted(sv))
    return;

  sv_json_begin(&sv->json, "service", sv_ts(sv));
  sv_json_str(&sv->json, "service", sv_service(sv, i)->name);
  sv_json_str(&sv->json, "state", state);
  if (u->pid > 0)
    sv_json_int(&sv->json, "pid", u->pid);
  if (strcmp(state, "exited") == 0 || strcmp(state, "stopped") == 0) {
    if (u->ever_started)
      sv_json_int(&sv->json, "exit_code", u->exit_code);
  }
  sv_json_int(&sv->json, "restarts", u->restarts);
  emit(sv);
}

static const char *health_name(enum sv_health h) {
  switch (h) {
  case SV_HEALTH_HEALTHY:
    return "healthy";
  case SV_HEALTH_UNHEALTHY:
    return "unhealthy";
  default:
    return "starting";
  }
}

void sv_event_health(struct sv *sv, int i) {
  const struct sv_unit *u = &sv->units[i];

  if (!events_wanted(sv))
    return;

  sv_json_begin(&sv->json, "health", sv_ts(sv));
  sv_json_str(&sv->json, "service", sv_service(sv, i)->name);
  sv_json_str(&sv->json, "status", health_name(u->health));
  sv_json_int(&sv->json, "failing_streak", u->failing_streak);
  sv_json_str(&sv->json, "output", u->probe.last);
  emit(sv);
}

void sv_event_log(struct sv *sv, int i, enum sv_stream_kind kind, const char *line, size_t n) {
  if (!sv->app->events_logs || !events_wanted(sv))
    return;

  sv_json_begin(&sv->json, "log", sv_ts(sv));
  sv_json_str(&sv->json, "service", sv_service(sv, i)->name);
  sv_json_str(&sv->json, "stream", kind == SV_STREAM_STDERR ? "stderr" : "stdout");
  sv_json_strn(&sv->json, "line", line, n);
  emit(sv);
}

void sv_event_error(struct sv *sv, int i, const char *message, const char *fix) {
  if (!events_wanted(sv))
    return;

  sv_json_begin(&sv->json, "error", sv_ts(sv));
  sv_json_str(&sv->json, "message", message);
  if (fix != NULL)
    sv_json_str(&sv->json, "fix", fix);
  if (i >= 0)
    sv_json_str(&sv->json, "service", sv_service(sv, i)->name);
  emit(sv);
}

/* Reports a failure on stderr (message, then the fix) and as an `error` event. */
void sv_fail(struct sv *sv, int i, const char *fix, const char *fmt, ...) {
  char message[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);

  if (fix != NULL)
    sv_log(SV_LOG_ERROR, "%s\n  fix: %s", message, fix);
  else
    sv_log(SV_LOG_ERROR, "%s", message);
  sv_event_error(sv, i, message, fix);
}
