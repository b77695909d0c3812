#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int out = -1;
static int64_t t0;

struct line {
  char buf[4096];
  size_t len;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int events_open(const char *spec) {
  char *end;
  long fd;

  t0 = now_ms();
  if (spec == NULL || spec[0] == '\0')
    return 0;
  fd = strtol(spec, &end, 10);
  if (*end == '\0' && fd >= 0 && fd < 1 << 20) {
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
      return -1;
    out = (int)fd;
    return 0;
  }
  out = open(spec, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  return out < 0 ? -1 : 0;
}

void events_close(void) {
  if (out >= 0)
    close(out);
  out = -1;
}

int events_enabled(void) {
  return out >= 0;
}

int events_fd(void) {
  return out;
}

int64_t events_t0(void) {
  return t0;
}

static void put(struct line *l, const char *text) {
  size_t n = strlen(text);
  if (l->len + n < sizeof l->buf - 2)
    memcpy(l->buf + l->len, text, n), l->len += n;
}

static void put_string(struct line *l, const char *key, const char *value) {
  char esc[8];

  put(l, ",\"");
  put(l, key);
  put(l, "\":\"");
  for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
    if (*p == '"' || *p == '\\')
      snprintf(esc, sizeof esc, "\\%c", *p);
    else if (*p < 0x20)
      snprintf(esc, sizeof esc, "\\u%04x", *p);
    else
      esc[0] = (char)*p, esc[1] = '\0';
    put(l, esc);
  }
  put(l, "\"");
}

static void put_int(struct line *l, const char *key, long long value) {
  char num[32];

  put(l, ",\"");
  put(l, key);
  put(l, "\":");
  snprintf(num, sizeof num, "%lld", value);
  put(l, num);
}

static void begin(struct line *l, const char *type) {
  char head[96];

  snprintf(head, sizeof head, "{\"t\":\"%s\",\"ts\":%lld", type, (long long)(now_ms() - t0));
  l->len = 0;
  put(l, head);
}

static void finish(struct line *l) {
  int saved = errno;

  put(l, "}");
  l->buf[l->len++] = '\n';
  /* A reader that went away must not stop the app. */
  (void)!write(out, l->buf, l->len);
  errno = saved;
}

void event_app(const char *name, const char *state, int exit_code) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "app");
  put_string(&l, "name", name);
  put_string(&l, "state", state);
  if (exit_code >= 0)
    put_int(&l, "exit_code", exit_code);
  finish(&l);
}

void event_progress(const char *step, size_t done, size_t total, const char *label) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "progress");
  put_string(&l, "step", step);
  put_int(&l, "done", (long long)done);
  put_int(&l, "total", (long long)total);
  put_string(&l, "unit", "items");
  put_string(&l, "label", label);
  finish(&l);
}

void event_service(const char *name, const char *state, pid_t pid, int exit_code) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "service");
  put_string(&l, "service", name);
  put_string(&l, "state", state);
  if (pid > 0)
    put_int(&l, "pid", pid);
  if (exit_code >= 0)
    put_int(&l, "exit_code", exit_code);
  put_int(&l, "restarts", 0);
  finish(&l);
}

void event_port(const char *service, const char *host_ip, unsigned host_port,
                unsigned container_port, const char *protocol) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "port");
  put_string(&l, "service", service);
  put_string(&l, "host_ip", host_ip);
  put_int(&l, "host_port", host_port);
  put_int(&l, "container_port", container_port);
  put_string(&l, "protocol", protocol);
  finish(&l);
}

void event_error(const char *message, const char *fix) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "error");
  put_string(&l, "message", message);
  if (fix != NULL && fix[0] != '\0')
    put_string(&l, "fix", fix);
  finish(&l);
}

void event_warning(const char *message) {
  struct line l;

  if (out < 0)
    return;
  begin(&l, "warning");
  put_string(&l, "message", message);
  finish(&l);
}
