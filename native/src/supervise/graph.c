/*
 * The dependency graph: depends_on resolved and checked before anything starts, and the
 * start order, where a service starts as soon as every dependency meets its condition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum dep_status { DEP_WAIT, DEP_READY, DEP_FAILED };

static int find_service(const struct sv *sv, const char *name) {
  for (int i = 0; i < sv->n; i++)
    if (strcmp(sv_service(sv, i)->name, name) == 0)
      return i;
  return -1;
}

static int check_dependency(struct sv *sv, int i, const struct sv_dependency *dep, int d) {
  const char *name = sv_service(sv, i)->name;

  if (d < 0) {
    sv_fail(sv, i, "add that service to the app or remove it from depends_on",
            "service %s depends on %s, which is not a service of this app", name, dep->service);
    return -1;
  }
  if (d == i) {
    sv_fail(sv, i, "remove the service from its own depends_on", "service %s depends on itself",
            name);
    return -1;
  }
  /* docker compose refuses this too, rather than treating the dependency as started. */
  if (dep->condition == SV_COND_HEALTHY && !sv_service(sv, d)->health.enabled) {
    sv_fail(sv, i, "add a healthcheck to that service, or use condition service_started",
            "dependency %s of service %s has no healthcheck configured", dep->service, name);
    return -1;
  }
  return 0;
}

static int resolve_service(struct sv *sv, int i) {
  const struct sv_service *s = sv_service(sv, i);
  struct sv_unit *u = &sv->units[i];

  u->deps = calloc(s->n_depends + 1, sizeof *u->deps);
  u->dep_waived = calloc(s->n_depends + 1, sizeof *u->dep_waived);
  if (u->deps == NULL || u->dep_waived == NULL) {
    sv_log(SV_LOG_ERROR, "allocate the dependencies of %s failed: out of memory", s->name);
    return -1;
  }

  for (size_t k = 0; k < s->n_depends; k++) {
    u->deps[k] = find_service(sv, s->depends_on[k].service);
    if (check_dependency(sv, i, &s->depends_on[k], u->deps[k]) < 0)
      return -1;
  }
  return 0;
}

static void report_cycle(struct sv *sv, const int *path, int from, int depth, int back) {
  char names[512] = "";
  size_t len = 0;

  for (int k = from; k <= depth && len < sizeof names; k++)
    len +=
        (size_t)snprintf(names + len, sizeof names - len, "%s -> ", sv_service(sv, path[k])->name);
  if (len < sizeof names)
    snprintf(names + len, sizeof names - len, "%s", sv_service(sv, back)->name);

  sv_fail(sv, back, "remove one of these depends_on entries",
          "services form a dependency cycle: %s", names);
}

/* Depth-first walk; color 1 marks the services on the current path, 2 the finished ones. */
static int visit(struct sv *sv, int i, char *color, int *path, int depth) {
  const struct sv_service *s = sv_service(sv, i);

  color[i] = 1;
  path[depth] = i;
  for (size_t k = 0; k < s->n_depends; k++) {
    int d = sv->units[i].deps[k];
    if (color[d] == 1) {
      int from = depth;
      while (path[from] != d)
        from--;
      report_cycle(sv, path, from, depth, d);
      return -1;
    }
    if (color[d] == 0 && visit(sv, d, color, path, depth + 1) < 0)
      return -1;
  }
  color[i] = 2;
  return 0;
}

static int check_cycles(struct sv *sv) {
  char *color = calloc((size_t)sv->n + 1, 1);
  int *path = calloc((size_t)sv->n + 1, sizeof *path);
  int rc = color != NULL && path != NULL ? 0 : -1;

  for (int i = 0; rc == 0 && i < sv->n; i++)
    if (color[i] == 0)
      rc = visit(sv, i, color, path, 0);

  free(color);
  free(path);
  return rc;
}

/* Resolves every depends_on entry to a service and rejects what can never start. */
int sv_graph_resolve(struct sv *sv) {
  for (int i = 0; i < sv->n; i++)
    if (resolve_service(sv, i) < 0)
      return -1;

  return check_cycles(sv);
}

bool sv_graph_has_dependent_alive(const struct sv *sv, int i) {
  for (int j = 0; j < sv->n; j++) {
    const struct sv_service *s = sv_service(sv, j);
    if (!sv_alive(&sv->units[j]))
      continue;
    for (size_t k = 0; k < s->n_depends; k++)
      if (sv->units[j].deps[k] == i)
        return true;
  }
  return false;
}

/* TODO(limitation): Compose's depends_on `restart: true` (restart the dependent when its
 * dependency restarts) is not supported; the dependent keeps running. */
static enum dep_status dep_status(const struct sv_unit *d, enum sv_condition condition) {
  bool over = d->state == SV_DONE;

  switch (condition) {
  case SV_COND_STARTED:
    if (d->ever_started)
      return DEP_READY;
    return over ? DEP_FAILED : DEP_WAIT;
  case SV_COND_HEALTHY:
    if (d->health == SV_HEALTH_HEALTHY)
      return DEP_READY;
    return over || d->health == SV_HEALTH_UNHEALTHY ? DEP_FAILED : DEP_WAIT;
  case SV_COND_COMPLETED:
    if (d->completed_ok)
      return DEP_READY;
    return over ? DEP_FAILED : DEP_WAIT;
  }
  return DEP_WAIT;
}

static void describe_failure(const struct sv_unit *d, enum sv_condition c, char *out, size_t n) {
  if (c == SV_COND_HEALTHY && d->health == SV_HEALTH_UNHEALTHY)
    snprintf(out, n, "is unhealthy");
  else if (!d->ever_started)
    snprintf(out, n, "never started");
  else if (c == SV_COND_HEALTHY)
    snprintf(out, n, "exited with code %d before it was healthy", d->exit_code);
  else
    snprintf(out, n, "exited with code %d", d->exit_code);
}

/* A failed dependency: fatal when required, else one warning and it no longer counts. */
static enum dep_status dep_failed(struct sv *sv, int i, size_t k) {
  const struct sv_dependency *dep = &sv_service(sv, i)->depends_on[k];
  const char *name = sv_service(sv, i)->name;
  char why[128];

  describe_failure(&sv->units[sv->units[i].deps[k]], dep->condition, why, sizeof why);
  if (dep->required) {
    sv_fail(sv, i, "see the dependency's output above; set required: false to start anyway",
            "service %s cannot start: its dependency %s %s", name, dep->service, why);
    return DEP_FAILED;
  }

  sv_log(SV_LOG_WARN, "dependency %s of service %s %s; starting %s anyway (required: false)",
         dep->service, name, why, name);
  sv->units[i].dep_waived[k] = true;
  return DEP_READY;
}

static enum dep_status readiness(struct sv *sv, int i) {
  const struct sv_service *s = sv_service(sv, i);
  enum dep_status result = DEP_READY;

  for (size_t k = 0; k < s->n_depends; k++) {
    enum dep_status st;
    if (sv->units[i].dep_waived[k])
      continue;

    st = dep_status(&sv->units[sv->units[i].deps[k]], s->depends_on[k].condition);
    if (st == DEP_FAILED)
      st = dep_failed(sv, i, k);
    if (st == DEP_FAILED)
      return DEP_FAILED;
    if (st == DEP_WAIT)
      result = DEP_WAIT;
  }
  return result;
}

static bool start_ready_services(struct sv *sv) {
  bool progress = false;

  for (int i = 0; i < sv->n && !sv->stopping; i++) {
    if (sv->units[i].state != SV_WAITING)
      continue;
    switch (readiness(sv, i)) {
    case DEP_READY:
      sv_start(sv, i);
      progress = true;
      break;
    case DEP_FAILED:
      sv_begin_stop(sv, SV_EXIT_FAILED);
      return false;
    case DEP_WAIT:
      break;
    }
  }
  return progress;
}

/* Starts every waiting service whose dependencies are met, in parallel, until none is. */
void sv_schedule(struct sv *sv) {
  bool waiting = false;

  while (!sv->stopping && start_ready_services(sv)) {
  }
  if (sv->stopping)
    return;

  for (int i = 0; i < sv->n; i++) {
    struct sv_unit *u = &sv->units[i];
    if (u->state != SV_WAITING)
      continue;
    waiting = true;
    if (!u->announced_waiting)
      sv_event_service(sv, i, "waiting");
    u->announced_waiting = true;
  }
  if (!waiting && !sv->announced_running) {
    sv->announced_running = true;
    sv_event_app(sv, "running");
  }
}
