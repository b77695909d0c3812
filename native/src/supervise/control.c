/* Control commands from docs/runtime-events.md, one JSON object per line on the control fd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KEY_MAX 64
#define VALUE_MAX 256

static void skip_space(const char **p) {
  while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')
    (*p)++;
}

static char unescape(char c) {
  switch (c) {
  case 'n':
    return '\n';
  case 't':
    return '\t';
  case 'r':
    return '\r';
  case 'b':
    return '\b';
  case 'f':
    return '\f';
  default:
    return c; /* \" \\ \/ stand for themselves */
  }
}

/* A \uXXXX escape at s (just after the backslash): ASCII as itself, anything else as '?'. */
static char unicode_escape(const char **s) {
  char hex[5] = {0};
  long code;

  if (strnlen(*s + 1, 4) < 4)
    return '\0';
  memcpy(hex, *s + 1, 4);
  *s += 4;
  code = strtol(hex, NULL, 16);
  return code > 0 && code < 0x80 ? (char)code : '?';
}

/* Reads a JSON string at *p into out (cut to cap); names are ASCII, other characters '?'. */
static bool parse_string(const char **p, char *out, size_t cap) {
  size_t n = 0;
  const char *s = *p + 1;

  while (*s != '"') {
    char c = *s;
    if (c == '\\') {
      s++;
      c = *s == 'u' ? unicode_escape(&s) : unescape(*s);
    }
    if (c == '\0')
      return false;
    if (n + 1 < cap)
      out[n++] = c;
    s++;
  }
  out[n] = '\0';
  *p = s + 1;
  return true;
}

/* Skips a value that is not a string: a number, literal, array or object. */
static bool skip_value(const char **p) {
  char scratch[VALUE_MAX];
  int depth = 0;

  for (;;) {
    char c = **p;
    if (c == '\0')
      return false;
    if (c == '"') {
      if (!parse_string(p, scratch, sizeof scratch))
        return false;
      continue;
    }
    if ((c == ',' || c == '}' || c == ']') && depth == 0)
      return true;
    if (c == '{' || c == '[')
      depth++;
    if (c == '}' || c == ']')
      depth--;
    (*p)++;
  }
}

/* Finds the string value of key in a one-line JSON object; -1 when it has none. */
static int json_string(const char *line, const char *key, char *out, size_t cap) {
  const char *p = line;
  char k[KEY_MAX];
  char v[VALUE_MAX];

  skip_space(&p);
  if (*p++ != '{')
    return -1;
  for (;;) {
    skip_space(&p);
    if (*p != '"' || !parse_string(&p, k, sizeof k))
      return -1;
    skip_space(&p);
    if (*p++ != ':')
      return -1;
    skip_space(&p);
    if (*p == '"') {
      if (!parse_string(&p, v, sizeof v))
        return -1;
      if (strcmp(k, key) == 0)
        return snprintf(out, cap, "%s", v) >= 0 ? 0 : -1;
    } else if (!skip_value(&p)) {
      return -1;
    }
    skip_space(&p);
    if (*p++ != ',')
      return -1;
  }
}

static void reject(struct sv *sv, const char *why, const char *line) {
  sv_fail(sv, -1, "send {\"cmd\":\"restart\",\"service\":NAME} or {\"cmd\":\"stop\"}",
          "control command ignored: %s: %.200s", why, line);
}

static void run_restart(struct sv *sv, const char *line) {
  char name[VALUE_MAX];

  if (json_string(line, "service", name, sizeof name) < 0) {
    reject(sv, "restart needs a \"service\"", line);
    return;
  }
  for (int i = 0; i < sv->n; i++) {
    if (strcmp(sv_service(sv, i)->name, name) != 0)
      continue;
    sv_log(SV_LOG_INFO, "restarting service %s as asked on the control fd", name);
    sv_request_restart(sv, i);
    return;
  }
  reject(sv, "no such service", line);
}

static void run_command(struct sv *sv, const char *line) {
  char cmd[KEY_MAX];
  const char *p = line;

  skip_space(&p);
  if (*p == '\0')
    return;

  if (json_string(line, "cmd", cmd, sizeof cmd) < 0) {
    reject(sv, "not a JSON object with a \"cmd\" string", line);
  } else if (strcmp(cmd, "stop") == 0) {
    sv_log(SV_LOG_INFO, "stopping the app as asked on the control fd");
    sv_begin_stop(sv, SV_EXIT_OK);
  } else if (strcmp(cmd, "restart") == 0) {
    run_restart(sv, line);
  } else {
    reject(sv, "unknown \"cmd\"", line);
  }
}

static void run_lines(struct sv *sv) {
  size_t start = 0;

  for (size_t i = 0; i < sv->ctl_len; i++) {
    if (sv->ctl_buf[i] != '\n')
      continue;
    sv->ctl_buf[i] = '\0';
    if (!sv->ctl_skipping)
      run_command(sv, sv->ctl_buf + start);
    sv->ctl_skipping = false;
    start = i + 1;
  }
  memmove(sv->ctl_buf, sv->ctl_buf + start, sv->ctl_len - start);
  sv->ctl_len -= start;

  /* An overlong line is dropped whole: the rest of it, up to its newline, is skipped too. */
  if (sv->ctl_len == SV_CONTROL_MAX) {
    if (!sv->ctl_skipping)
      sv_log(SV_LOG_WARN, "control command longer than %d bytes ignored", SV_CONTROL_MAX);
    sv->ctl_skipping = true;
    sv->ctl_len = 0;
  }
}

void sv_control_read(struct sv *sv) {
  while (sv->ctlfd >= 0) {
    ssize_t r = read(sv->ctlfd, sv->ctl_buf + sv->ctl_len, SV_CONTROL_MAX - sv->ctl_len);
    if (r > 0) {
      sv->ctl_len += (size_t)r;
      run_lines(sv);
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && errno == EAGAIN)
      return;

    /* The controller went away: the app runs on without one. */
    sv_unwatch(sv, sv->ctlfd);
    sv->ctlfd = -1;
  }
}
