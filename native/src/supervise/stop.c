/*
 * Stopping the app: dependents before their dependencies (the reverse of the start order),
 * each with its stop signal, then SIGKILL after its grace period; and, at the very end, no
 * process of the app left running or unreaped.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static void send_stop(struct sv *sv, int i) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];

  u->state = SV_STOPPING;
  u->timer_ms = sv_now_ms() + s->stop_grace_ms;
  sv_log(SV_LOG_DEBUG, "stopping service %s with %s", s->name, sv_signal_name(s->stop_signal));
  if (sv_signal(sv, i, s->stop_signal) < 0 && errno != ESRCH)
    sv_log(SV_LOG_WARN, "signal service %s failed: %s", s->name, strerror(errno));
}

/* Begins a graceful stop of the whole app, which will exit with code. The first reason wins. */
void sv_begin_stop(struct sv *sv, int code) {
  if (sv->stopping)
    return;

  sv->stopping = true;
  sv->exit_code = code;
  sv_event_app(sv, "stopping");

  for (int i = 0; i < sv->n; i++) {
    struct sv_unit *u = &sv->units[i];
    sv_health_end(sv, i);
    if (u->state != SV_WAITING && u->state != SV_BACKOFF)
      continue;
    u->state = SV_DONE;
    u->timer_ms = 0;
    sv_event_service(sv, i, "stopped");
  }
  sv_advance_stop(sv);
}

/* Signals each running service that no running service depends on any more. */
void sv_advance_stop(struct sv *sv) {
  if (!sv->stopping)
    return;

  for (int i = 0; i < sv->n; i++)
    if (sv->units[i].state == SV_RUNNING && !sv_graph_has_dependent_alive(sv, i))
      send_stop(sv, i);
}

/* Timers of one service: the end of its back-off, or of its grace period. */
void sv_stop_tick(struct sv *sv, int i, int64_t now) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];

  if (u->timer_ms == 0 || now < u->timer_ms)
    return;
  u->timer_ms = 0;

  if (u->state == SV_BACKOFF) {
    sv_restart_now(sv, i);
  } else if (u->state == SV_STOPPING) {
    sv_log(SV_LOG_WARN, "service %s did not stop within %lld ms of %s; killing it", s->name,
           (long long)s->stop_grace_ms, sv_signal_name(s->stop_signal));
    sv_signal(sv, i, SIGKILL);
  }
}

/* A second interrupt: no more waiting for anyone. */
void sv_kill_all(struct sv *sv) {
  for (int i = 0; i < sv->n; i++) {
    if (!sv_alive(&sv->units[i]))
      continue;
    sv->units[i].timer_ms = 0;
    sv_signal(sv, i, SIGKILL);
  }
}

static pid_t parent_of(const char *pid) {
  char path[64];
  char stat[512];
  const char *close_paren;
  FILE *f;
  size_t n;
  int ppid = -1;

  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  f = fopen(path, "re");
  if (f == NULL)
    return -1;
  n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = '\0';

  /* The command name may hold spaces and parentheses; the fields after the last ')' do not. */
  close_paren = strrchr(stat, ')');
  if (close_paren == NULL || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
    return -1;
  return ppid;
}

/* SIGKILLs every child still running: orphans the services left, which we adopted. */
static void kill_children(void) {
  pid_t self = getpid();
  DIR *proc = opendir("/proc");
  struct dirent *e;

  if (proc == NULL)
    return;
  while ((e = readdir(proc)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0]))
      continue;
    if (parent_of(e->d_name) == self)
      kill((pid_t)atoi(e->d_name), SIGKILL);
  }
  closedir(proc);
}

/* The end: every child is killed and reaped, so no orphan or zombie outlives the app. */
void sv_sweep(struct sv *sv) {
  for (int i = 0; i < sv->n; i++)
    sv_health_end(sv, i);

  for (;;) {
    int status;
    pid_t pid;

    kill_children();
    pid = waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR)
      continue;
    if (pid < 0)
      break;
    if (!sv_health_reaped(sv, pid, status) && sv->ops->reaped != NULL)
      sv->ops->reaped(sv->ctx, pid, status);
  }
}
