/*
 * Services' output: each line of a service's stdout and stderr goes to ours with its name in
 * front ("web  | line"), colored per service on a terminal. Probe output is kept, not shown.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define PREFIX_MAX 128

/* The colors docker compose cycles through, so a familiar app looks familiar. */
static const char *const palette[] = {"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"};

static bool is_terminal_service(const struct sv_service *s) {
  return s->inherit_stdio || s->interface_mode == SV_INTERFACE_TERMINAL ||
         s->interface_mode == SV_INTERFACE_BOTH;
}

static bool want_color(enum sv_color mode, int fd) {
  const char *no_color = getenv("NO_COLOR");
  const char *term = getenv("TERM");

  if (no_color != NULL && no_color[0] != '\0')
    return false;
  if (mode != SV_COLOR_AUTO)
    return mode == SV_COLOR_ALWAYS;
  if (term != NULL && strcmp(term, "dumb") == 0)
    return false;
  return isatty(fd);
}

void sv_output_init(struct sv *sv) {
  sv->name_width = 0;
  for (int i = 0; i < sv->n; i++) {
    const struct sv_service *s = sv_service(sv, i);
    size_t len = strlen(s->name);
    if (!is_terminal_service(s) && len > sv->name_width)
      sv->name_width = len;
  }

  sv->color[0] = want_color(sv->app->color, STDOUT_FILENO);
  sv->color[1] = want_color(sv->app->color, STDERR_FILENO);
}

/* TODO(limitation): writes block; a stdout nobody reads stalls the whole loop (probes, stops). */
static void write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno == EAGAIN) {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      poll(&p, 1, -1);
      continue;
    }
    if (w < 0)
      return; /* our stdout is gone (EPIPE): the line is dropped, the app goes on */
    buf += w;
    n -= (size_t)w;
  }
}

static void print_line(struct sv *sv, int i, int fd, const char *line, size_t n) {
  char out[PREFIX_MAX + SV_LINE_MAX + 1];
  const char *name = sv_service(sv, i)->name;
  int width = (int)sv->name_width;
  int k;

  if (sv->color[fd == STDERR_FILENO])
    k = snprintf(out, PREFIX_MAX, "\033[%sm%-*s |\033[0m ", palette[i % 10], width, name);
  else
    k = snprintf(out, PREFIX_MAX, "%-*s | ", width, name);
  if (k < 0 || k >= PREFIX_MAX)
    k = PREFIX_MAX - 1;

  memcpy(out + k, line, n);
  out[(size_t)k + n] = '\n';
  write_all(fd, out, (size_t)k + n + 1);
}

static void keep_probe_line(struct sv_probe *p, const char *line, size_t n) {
  while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r' || line[n - 1] == '\t'))
    n--;
  if (n == 0)
    return;

  if (n >= sizeof p->last)
    n = sizeof p->last - 1;
  memcpy(p->last, line, n);
  p->last[n] = '\0';
}

static void deliver(struct sv *sv, struct sv_stream *st, const char *line, size_t n) {
  if (st->kind == SV_STREAM_PROBE) {
    keep_probe_line(&sv->units[st->svc].probe, line, n);
    return;
  }

  print_line(sv, st->svc, st->kind == SV_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO, line, n);
  sv_event_log(sv, st->svc, st->kind, line, n);
}

/* Where to cut a full buffer: not inside a UTF-8 sequence, when one is near the end. */
static size_t cut_point(const struct sv_stream *st) {
  size_t n = st->len;

  for (size_t back = 0; back < 4 && n > 1; back++) {
    if (((unsigned char)st->buf[n - 1] & 0xc0) != 0x80) {
      if ((unsigned char)st->buf[n - 1] >= 0xc0)
        return n - 1; /* a lead byte: keep it whole */
      return n;
    }
    n--;
  }
  return st->len;
}

static void split_lines(struct sv *sv, struct sv_stream *st) {
  size_t start = 0;

  for (size_t i = 0; i < st->len; i++) {
    if (st->buf[i] != '\n')
      continue;
    deliver(sv, st, st->buf + start, i - start);
    start = i + 1;
  }
  memmove(st->buf, st->buf + start, st->len - start);
  st->len -= start;

  /* A line longer than the buffer is shown in pieces rather than held back. */
  if (st->len == SV_LINE_MAX) {
    size_t cut = cut_point(st);
    deliver(sv, st, st->buf, cut);
    memmove(st->buf, st->buf + cut, st->len - cut);
    st->len -= cut;
  }
}

int sv_stream_open(struct sv *sv, struct sv_stream *st, int svc, enum sv_stream_kind kind) {
  int fds[2];

  if (pipe2(fds, O_CLOEXEC) < 0) {
    sv_log(SV_LOG_ERROR, "create a pipe for %s failed: %s", sv_service(sv, svc)->name,
           strerror(errno));
    return -1;
  }

  /* Only our end is non-blocking: the child's stdout must block as a normal one does. */
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  st->fd = fds[0];
  st->svc = svc;
  st->kind = kind;
  st->len = 0;
  sv_watch(sv, fds[0], SV_WATCH_STREAM, (uint32_t)(svc * 3 + (int)kind));
  return fds[1];
}

void sv_stream_read(struct sv *sv, struct sv_stream *st) {
  while (st->fd >= 0) {
    ssize_t r = read(st->fd, st->buf + st->len, SV_LINE_MAX - st->len);
    if (r > 0) {
      st->len += (size_t)r;
      split_lines(sv, st);
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && errno == EAGAIN)
      return;
    sv_stream_close(sv, st); /* end of file, or an error that ends the stream alike */
  }
}

void sv_stream_close(struct sv *sv, struct sv_stream *st) {
  if (st->fd < 0)
    return;

  /* A last line without its newline is still a line. */
  if (st->len > 0)
    deliver(sv, st, st->buf, st->len);
  st->len = 0;

  sv_unwatch(sv, st->fd);
  close(st->fd);
  st->fd = -1;
}

struct sv_stream *sv_stream_of(struct sv *sv, uint32_t tag) {
  struct sv_unit *u = &sv->units[tag / 3];

  switch ((enum sv_stream_kind)(tag % 3)) {
  case SV_STREAM_STDOUT:
    return &u->out;
  case SV_STREAM_STDERR:
    return &u->err;
  default:
    return &u->probe.out;
  }
}
