#include "supervision.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "exit-codes.h"
#include "log.h"

#define REBUILD "rebuild the app with a matching `chefer build`"

static int dependencies(const struct service *s, struct sv_service *out) {
  struct sv_dependency *deps = calloc(s->depends_count + 1, sizeof *deps);

  if (deps == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  for (size_t d = 0; d < s->depends_count; d++) {
    deps[d] = (struct sv_dependency){.service = s->depends_on[d],
                                     .required = s->depends_required[d] != 0};
    if (sv_parse_condition(s->depends_condition[d], &deps[d].condition) < 0)
      return free(deps), fail(EXIT_DAMAGED, REBUILD, "service %s: unknown depends_on condition %s",
                              s->name, s->depends_condition[d]);
  }
  out->depends_on = deps;
  out->n_depends = s->depends_count;
  return 0;
}

static struct sv_healthcheck health(const struct health_spec *h) {
  return (struct sv_healthcheck){.enabled = h->enabled != 0,
                                 .interval_ms = (int64_t)h->interval_ms,
                                 .timeout_ms = (int64_t)h->timeout_ms,
                                 .retries = (int)h->retries,
                                 .start_period_ms = (int64_t)h->start_period_ms,
                                 .start_interval_ms = (int64_t)h->start_interval_ms};
}

/* ["CMD", argv...] runs argv; ["CMD-SHELL", text] runs text with /bin/sh -c, as Docker does. */
static char **probe_argv(const struct health_spec *h) {
  int shell = strcmp(h->test[0], "CMD-SHELL") == 0;
  size_t n = shell ? 3 : h->test_count - 1;
  char **argv = calloc(n + 1, sizeof *argv);

  if (argv == NULL)
    return NULL;
  if (shell) {
    argv[0] = "/bin/sh", argv[1] = "-c", argv[2] = (char *)h->test[1];
    return argv;
  }
  for (size_t i = 0; i < n; i++)
    argv[i] = (char *)h->test[i + 1];
  return argv;
}

static int one(const struct manifest *m, size_t i, struct supervision *sv) {
  const struct service *s = &m->services[i];
  struct sv_service *out = &sv->services[i];

  out->name = s->name;
  out->health = health(&s->health);
  out->max_retries = (int)s->restart_max_retries;
  out->stop_grace_ms = (int64_t)s->stop_grace_ms;
  out->stop_signal = sv_parse_signal(s->stop_signal ? s->stop_signal : "SIGTERM");
  if (out->stop_signal < 0)
    return fail(EXIT_DAMAGED, REBUILD, "service %s: unknown stop_signal %s", s->name,
                s->stop_signal);
  if (sv_parse_restart(s->restart_policy, &out->restart) < 0)
    return fail(EXIT_DAMAGED, REBUILD, "service %s: unknown restart policy %s", s->name,
                s->restart_policy);
  if (sv_parse_interface(s->interface_mode, &out->interface_mode) < 0)
    return fail(EXIT_DAMAGED, REBUILD, "service %s: unknown interface_mode %s", s->name,
                s->interface_mode);
  /* An app of one service is a program run on its own: its output needs no prefix. */
  out->inherit_stdio = m->service_count == 1;
  if (s->health.enabled && (sv->probe_argv[i] = probe_argv(&s->health)) == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  return dependencies(s, out);
}

int supervision_from_manifest(const struct manifest *m, struct supervision *sv) {
  sv->services = calloc(m->service_count, sizeof *sv->services);
  sv->probe_argv = calloc(m->service_count, sizeof *sv->probe_argv);
  if (sv->services == NULL || sv->probe_argv == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  for (size_t i = 0; i < m->service_count; i++)
    if (one(m, i, sv) < 0)
      return -1;
  return 0;
}

void supervision_free(struct supervision *sv, size_t n) {
  for (size_t i = 0; sv->services != NULL && i < n; i++)
    free((void *)sv->services[i].depends_on);
  for (size_t i = 0; sv->probe_argv != NULL && i < n; i++)
    free(sv->probe_argv[i]);
  free(sv->services);
  free(sv->probe_argv);
}
