/* One service's lifecycle: start, exit, restart; the app-wide consequences of an exit. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define EXIT_START_FAILED 125 /* as native/src/exit-codes.h: the service could not be started */

bool sv_alive(const struct sv_unit *u) {
  return u->state == SV_RUNNING || u->state == SV_STOPPING;
}

static bool is_terminal(const struct sv_service *s) {
  return s->inherit_stdio || s->interface_mode == SV_INTERFACE_TERMINAL ||
         s->interface_mode == SV_INTERFACE_BOTH;
}

static bool is_interface(const struct sv_service *s) {
  return s->interface_mode != SV_INTERFACE_NONE;
}

int sv_signal(struct sv *sv, int i, int sig) {
  pid_t pid = sv->units[i].pid;

  if (pid <= 0)
    return 0;
  if (sv->ops->signal != NULL)
    return sv->ops->signal(sv->ctx, i, pid, sig);

  /* A service that leads its process group is signalled with all of its processes. */
  if (kill(-pid, sig) == 0)
    return 0;
  return kill(pid, sig);
}

static pid_t spawn(struct sv *sv, int i) {
  struct sv_unit *u = &sv->units[i];
  int out = -1;
  int err = -1;
  pid_t pid;

  if (!is_terminal(sv_service(sv, i))) {
    out = sv_stream_open(sv, &u->out, i, SV_STREAM_STDOUT);
    err = sv_stream_open(sv, &u->err, i, SV_STREAM_STDERR);
    if (out < 0 || err < 0) {
      if (out >= 0)
        close(out);
      if (err >= 0)
        close(err);
      return -1;
    }
  }

  pid = sv->ops->spawn(sv->ctx, i, out, err);
  if (out >= 0)
    close(out);
  if (err >= 0)
    close(err);
  return pid;
}

void sv_start(struct sv *sv, int i) {
  struct sv_unit *u = &sv->units[i];
  int64_t now = sv_now_ms();
  pid_t pid = spawn(sv, i);

  u->started_ms = now;
  u->timer_ms = 0;
  u->spawn_failed = pid < 0;
  if (pid < 0) {
    u->state = SV_RUNNING;
    sv_on_exit(sv, i, EXIT_START_FAILED << 8);
    return;
  }

  u->pid = pid;
  u->state = SV_RUNNING;
  u->ever_started = true;
  sv_log(SV_LOG_DEBUG, "service %s started as pid %d", sv_service(sv, i)->name, (int)pid);
  sv_event_service(sv, i, "starting");
  sv_health_begin(sv, i, now);
  if (u->health == SV_HEALTH_NONE)
    sv_event_service(sv, i, "running");
}

static int exit_code_of(int status) {
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

/* What the service leaves: its last output, its probe, and processes it left behind. */
static void clean_up_after(struct sv *sv, int i) {
  struct sv_unit *u = &sv->units[i];

  sv_stream_read(sv, &u->out);
  sv_stream_close(sv, &u->out);
  sv_stream_read(sv, &u->err);
  sv_stream_close(sv, &u->err);
  sv_health_end(sv, i);

  /* As when a container's init exits, whatever else ran in the service goes too. With
   * ops->signal set the runtime owns this: a pid namespace dies with its init anyway. */
  if (sv->ops->signal == NULL && u->pid > 0)
    kill(-u->pid, SIGKILL);
  u->pid = 0;
}

static void restart_later(struct sv *sv, int i, int code) {
  struct sv_unit *u = &sv->units[i];
  int64_t now = sv_now_ms();
  int64_t delay = sv_restart_delay(u, now);

  u->state = SV_BACKOFF;
  u->timer_ms = now + delay;
  sv_log(SV_LOG_INFO, "service %s exited with code %d; restarting in %lld ms",
         sv_service(sv, i)->name, code, (long long)delay);
  sv_event_service(sv, i, "restarting");
}

/* An exit nobody asked for, with no restart to come: it may end the app. */
static void settle(struct sv *sv, int i, int code) {
  const struct sv_service *s = sv_service(sv, i);

  sv->units[i].state = SV_DONE;
  if (sv->units[i].spawn_failed) {
    sv_fail(sv, i, "see the error above", "start service %s failed", s->name);
    sv_begin_stop(sv, code);
  } else if (code != 0) {
    sv_fail(sv, i, "see the service's output above", "service %s exited with code %d", s->name,
            code);
    sv_begin_stop(sv, code);
  } else if (is_interface(s)) {
    sv_log(SV_LOG_DEBUG, "interface service %s exited; stopping the app", s->name);
    sv_begin_stop(sv, 0);
  } else {
    sv_schedule(sv);
  }
}

void sv_on_exit(struct sv *sv, int i, int status) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];
  int code = exit_code_of(status);

  clean_up_after(sv, i);
  if (sv->ops->exited != NULL)
    sv->ops->exited(sv->ctx, i, status);
  u->exit_code = code;
  if (code == 0)
    u->completed_ok = true;

  if (sv->stopping || u->restart_requested) {
    sv_event_service(sv, i, "stopped");
    if (sv->stopping) {
      u->state = SV_DONE;
      sv_advance_stop(sv);
      return;
    }
    u->restart_requested = false;
    u->restarts++;
    sv_start(sv, i);
    return;
  }

  sv_event_service(sv, i, "exited");
  /* An interface service that ends cleanly was closed by the user: no restart then. */
  if (!(is_interface(s) && code == 0) && sv_restart_wanted(s, u, code))
    restart_later(sv, i, code);
  else
    settle(sv, i, code);
}

/* The back-off delay of service i ended. */
void sv_restart_now(struct sv *sv, int i) {
  sv->units[i].restarts++;
  sv_start(sv, i);
}

/* A `restart` control command: stop the service gracefully, then start it again. */
void sv_request_restart(struct sv *sv, int i) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];

  if (sv->stopping)
    return;
  switch (u->state) {
  case SV_RUNNING:
    u->restart_requested = true;
    u->state = SV_STOPPING;
    u->timer_ms = sv_now_ms() + s->stop_grace_ms;
    sv_health_end(sv, i);
    if (sv_signal(sv, i, s->stop_signal) < 0)
      sv_log(SV_LOG_WARN, "signal service %s failed: %s", s->name, strerror(errno));
    return;
  case SV_BACKOFF:
  case SV_DONE:
    sv_restart_now(sv, i);
    return;
  default:
    sv_log(SV_LOG_WARN, "restart service %s ignored: it has not started yet or is stopping",
           s->name);
  }
}
