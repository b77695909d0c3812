/*
 * Health checks, as Docker runs them: a probe every interval (start_interval during the
 * start period), killed after timeout; failures in the start period do not count until the
 * first success; retries failures in a row make the service unhealthy.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define DEFAULT_INTERVAL_MS 30000

static bool in_start_period(const struct sv_service *s, const struct sv_unit *u, int64_t now) {
  return !u->healthy_this_run && now < u->started_ms + s->health.start_period_ms;
}

static int64_t next_delay(const struct sv_service *s, const struct sv_unit *u, int64_t now) {
  int64_t interval = s->health.interval_ms > 0 ? s->health.interval_ms : DEFAULT_INTERVAL_MS;

  if (in_start_period(s, u, now) && s->health.start_interval_ms > 0)
    return s->health.start_interval_ms;
  return interval;
}

static void kill_probe(pid_t pid) {
  /* The probe may lead its own process group; take its children with it. */
  if (kill(-pid, SIGKILL) < 0)
    kill(pid, SIGKILL);
}

void sv_health_begin(struct sv *sv, int i, int64_t now) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];

  u->health = s->health.enabled ? SV_HEALTH_STARTING : SV_HEALTH_NONE;
  u->failing_streak = 0;
  u->healthy_this_run = false;
  u->probe.last[0] = '\0';
  u->next_probe_ms = now + next_delay(s, u, now);
}

static void announce_change(struct sv *sv, int i) {
  const struct sv_unit *u = &sv->units[i];
  const char *name = sv_service(sv, i)->name;

  if (u->health == SV_HEALTH_HEALTHY) {
    sv_log(SV_LOG_DEBUG, "service %s is healthy", name);
    sv_event_service(sv, i, "healthy");
  } else {
    sv_log(SV_LOG_WARN, "service %s is unhealthy after %d failed health checks; last: %s", name,
           u->failing_streak, u->probe.last[0] != '\0' ? u->probe.last : "no output");
    sv_event_service(sv, i, "unhealthy");
  }
  sv_schedule(sv);
}

static void record_result(struct sv *sv, int i, bool ok, int64_t now) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];
  enum sv_health old_health = u->health;
  int old_streak = u->failing_streak;
  int retries = s->health.retries > 0 ? s->health.retries : 1;

  if (ok) {
    u->failing_streak = 0;
    u->health = SV_HEALTH_HEALTHY;
    u->healthy_this_run = true;
  } else if (!in_start_period(s, u, now)) {
    u->failing_streak++;
    if (u->failing_streak >= retries)
      u->health = SV_HEALTH_UNHEALTHY;
  }
  u->next_probe_ms = now + next_delay(s, u, now);

  if (u->health != old_health || u->failing_streak != old_streak)
    sv_event_health(sv, i);
  if (u->health != old_health)
    announce_change(sv, i);
}

static void start_probe(struct sv *sv, int i, int64_t now) {
  struct sv_unit *u = &sv->units[i];
  int out = sv_stream_open(sv, &u->probe.out, i, SV_STREAM_PROBE);
  pid_t pid = out >= 0 ? sv->ops->probe(sv->ctx, i, out) : -1;

  if (out >= 0)
    close(out);
  u->probe.last[0] = '\0';
  u->probe.timed_out = false;
  u->probe.stale = false;

  if (pid < 0) {
    sv_stream_close(sv, &u->probe.out);
    snprintf(u->probe.last, sizeof u->probe.last, "start the health check failed");
    record_result(sv, i, false, now);
    return;
  }
  u->probe.pid = pid;
  u->probe.deadline_ms = now + sv_service(sv, i)->health.timeout_ms;
}

/* Starts a due probe, or kills one that ran past its timeout. */
void sv_health_tick(struct sv *sv, int i, int64_t now) {
  struct sv_unit *u = &sv->units[i];

  if (u->probe.pid > 0) {
    if (!u->probe.timed_out && now >= u->probe.deadline_ms) {
      u->probe.timed_out = true;
      kill_probe(u->probe.pid);
    }
    return;
  }
  if (u->state == SV_RUNNING && u->health != SV_HEALTH_NONE && now >= u->next_probe_ms)
    start_probe(sv, i, now);
}

static void describe_failure(struct sv *sv, int i, int status) {
  struct sv_unit *u = &sv->units[i];

  if (u->probe.timed_out)
    snprintf(u->probe.last, sizeof u->probe.last, "health check timed out after %lld ms",
             (long long)sv_service(sv, i)->health.timeout_ms);
  else if (u->probe.last[0] == '\0' && WIFEXITED(status))
    snprintf(u->probe.last, sizeof u->probe.last, "exit code %d", WEXITSTATUS(status));
  else if (u->probe.last[0] == '\0')
    snprintf(u->probe.last, sizeof u->probe.last, "killed by %s", sv_signal_name(WTERMSIG(status)));
}

/* Takes a reaped pid; returns false when it was not a probe. */
bool sv_health_reaped(struct sv *sv, pid_t pid, int status) {
  for (int i = 0; i < sv->n; i++) {
    struct sv_unit *u = &sv->units[i];
    bool ok;
    if (u->probe.pid != pid)
      continue;

    u->probe.pid = 0;
    sv_stream_read(sv, &u->probe.out);
    sv_stream_close(sv, &u->probe.out);
    if (u->probe.stale || u->state != SV_RUNNING)
      return true;

    ok = !u->probe.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok)
      describe_failure(sv, i, status);
    record_result(sv, i, ok, sv_now_ms());
    return true;
  }
  return false;
}

/* The service exited or is stopping: its probe is killed and its health forgotten. */
void sv_health_end(struct sv *sv, int i) {
  struct sv_unit *u = &sv->units[i];

  if (u->probe.pid > 0) {
    u->probe.stale = true;
    kill_probe(u->probe.pid);
  }
  u->health = SV_HEALTH_NONE;
}

/* When this service's health needs attention next; 0 for never. */
int64_t sv_health_deadline(const struct sv *sv, int i) {
  const struct sv_unit *u = &sv->units[i];

  if (u->probe.pid > 0)
    return u->probe.timed_out ? 0 : u->probe.deadline_ms;
  if (u->state == SV_RUNNING && u->health != SV_HEALTH_NONE)
    return u->next_probe_ms;
  return 0;
}
