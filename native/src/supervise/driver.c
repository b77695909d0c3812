/*
 * supervise-driver: runs the supervisor over plain host commands, for tests and for trying
 * the start order, health checks and restart policies without namespaces.
 *
 *   supervise-driver [--name APP] [--events FD] [--events-logs] [--control FD]
 *                    [--color auto|never|always]
 *                    --service NAME --cmd 'SHELL COMMAND' [service options] ...
 *
 * Service options apply to the --service before them: --depends NAME[:CONDITION[:optional]],
 * --health 'SHELL COMMAND', --health-interval MS, --health-timeout MS, --health-retries N,
 * --health-start-period MS, --health-start-interval MS, --restart POLICY[:N],
 * --stop-signal SIG, --grace MS, --interface none|gui|terminal|both, and --spawn-fails yes
 * (the launch itself fails, as when the runtime cannot create a service's namespaces).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "supervise.h"

#define MAX_SERVICES 32
#define MAX_DEPS 16
#define EXIT_USAGE 2

struct driver {
  struct sv_app app;
  struct sv_service services[MAX_SERVICES];
  struct sv_dependency deps[MAX_SERVICES][MAX_DEPS];
  const char *cmds[MAX_SERVICES];
  const char *health_cmds[MAX_SERVICES];
  bool spawn_fails[MAX_SERVICES];
};

static void usage_error(const char *what, const char *arg) {
  fprintf(stderr,
          "error: %s: %s\n  fix: see the usage at the top of native/src/supervise/driver.c\n", what,
          arg);
  exit(EXIT_USAGE);
}

static int64_t number(const char *arg) {
  char *end;
  long long v = strtoll(arg, &end, 10);

  if (arg[0] == '\0' || *end != '\0' || v < 0)
    usage_error("not a non-negative number", arg);
  return v;
}

static void redirect_stdin(void) {
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

  if (null >= 0)
    dup2(null, STDIN_FILENO);
}

static pid_t spawn(void *ctx, int svc, int out_fd, int err_fd) {
  struct driver *d = ctx;
  pid_t pid = d->spawn_fails[svc] ? -1 : fork();

  /* Both sides set the group, so a signal sent right after the fork reaches all of it. */
  if (pid > 0 && out_fd >= 0)
    setpgid(pid, pid);
  if (pid != 0)
    return pid;
  sv_child_prepare();
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* a driver killed by a test's timeout leaves nothing */
  /* A terminal service stays in our process group, attached to the user's terminal. */
  if (out_fd >= 0) {
    setpgid(0, 0);
    redirect_stdin();
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
  }
  execl("/bin/sh", "sh", "-c", d->cmds[svc], (char *)NULL);
  _exit(127);
}

static pid_t probe(void *ctx, int svc, int out_fd) {
  struct driver *d = ctx;
  pid_t pid = fork();

  if (pid > 0)
    setpgid(pid, pid);
  if (pid != 0)
    return pid;
  sv_child_prepare();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  setpgid(0, 0);
  redirect_stdin();
  dup2(out_fd, STDOUT_FILENO);
  dup2(out_fd, STDERR_FILENO);
  execl("/bin/sh", "sh", "-c", d->health_cmds[svc], (char *)NULL);
  _exit(127);
}

static void add_service(struct driver *d, const char *name) {
  size_t i = d->app.n_services;

  if (i == MAX_SERVICES)
    usage_error("too many services", name);
  d->services[i] = (struct sv_service){
      .name = name,
      .depends_on = d->deps[i],
      .health = {.interval_ms = 30000,
                 .timeout_ms = 30000,
                 .retries = 3,
                 .start_interval_ms = 5000},
      .stop_signal = sv_parse_signal("SIGTERM"),
      .stop_grace_ms = 10000,
  };
  d->cmds[i] = "true";
  d->app.n_services++;
}

static void add_dependency(struct sv_service *s, struct sv_dependency *slot, char *spec) {
  char *condition = strchr(spec, ':');
  char *optional = condition != NULL ? strchr(condition + 1, ':') : NULL;

  if (s->n_depends == MAX_DEPS)
    usage_error("too many dependencies", spec);
  if (condition != NULL)
    *condition++ = '\0';
  if (optional != NULL)
    *optional++ = '\0';

  *slot = (struct sv_dependency){.service = spec, .condition = SV_COND_STARTED, .required = true};
  if (condition != NULL && sv_parse_condition(condition, &slot->condition) < 0)
    usage_error("unknown dependency condition", condition);
  if (optional != NULL && strcmp(optional, "optional") != 0)
    usage_error("expected \"optional\"", optional);
  slot->required = optional == NULL;
  s->n_depends++;
}

static void set_restart(struct sv_service *s, char *spec) {
  char *max = strchr(spec, ':');

  if (max != NULL)
    *max++ = '\0';
  if (sv_parse_restart(spec, &s->restart) < 0)
    usage_error("unknown restart policy", spec);
  s->max_retries = max != NULL ? (int)number(max) : 0;
}

/* Applies one service option; returns 0 when the option is not a service option. */
static int service_option(struct driver *d, const char *opt, char *arg) {
  size_t i = d->app.n_services - 1;
  struct sv_service *s = &d->services[i];

  if (strcmp(opt, "--cmd") == 0)
    d->cmds[i] = arg;
  else if (strcmp(opt, "--depends") == 0)
    add_dependency(s, &d->deps[i][s->n_depends], arg);
  else if (strcmp(opt, "--health") == 0)
    d->health_cmds[i] = arg, s->health.enabled = true;
  else if (strcmp(opt, "--health-interval") == 0)
    s->health.interval_ms = number(arg);
  else if (strcmp(opt, "--health-timeout") == 0)
    s->health.timeout_ms = number(arg);
  else if (strcmp(opt, "--health-retries") == 0)
    s->health.retries = (int)number(arg);
  else if (strcmp(opt, "--health-start-period") == 0)
    s->health.start_period_ms = number(arg);
  else if (strcmp(opt, "--health-start-interval") == 0)
    s->health.start_interval_ms = number(arg);
  else if (strcmp(opt, "--restart") == 0)
    set_restart(s, arg);
  else if (strcmp(opt, "--stop-signal") == 0)
    s->stop_signal = sv_parse_signal(arg);
  else if (strcmp(opt, "--spawn-fails") == 0)
    d->spawn_fails[i] = strcmp(arg, "yes") == 0;
  else if (strcmp(opt, "--grace") == 0)
    s->stop_grace_ms = number(arg);
  else if (strcmp(opt, "--interface") == 0) {
    if (sv_parse_interface(arg, &s->interface_mode) < 0)
      usage_error("unknown interface", arg);
  } else
    return 0;

  if (s->stop_signal < 0)
    usage_error("unknown signal", arg);
  return 1;
}

static void app_option(struct driver *d, const char *opt, char *arg) {
  if (strcmp(opt, "--name") == 0)
    d->app.name = arg;
  else if (strcmp(opt, "--events") == 0)
    d->app.events_fd = (int)number(arg);
  else if (strcmp(opt, "--control") == 0)
    d->app.control_fd = (int)number(arg);
  else if (strcmp(opt, "--service") == 0)
    add_service(d, arg);
  else if (strcmp(opt, "--color") == 0 && strcmp(arg, "always") == 0)
    d->app.color = SV_COLOR_ALWAYS;
  else if (strcmp(opt, "--color") == 0 && strcmp(arg, "never") == 0)
    d->app.color = SV_COLOR_NEVER;
  else if (strcmp(opt, "--color") == 0 && strcmp(arg, "auto") == 0)
    d->app.color = SV_COLOR_AUTO;
  else
    usage_error("unknown option or value", opt);
}

static void parse(struct driver *d, int argc, char **argv) {
  for (int k = 1; k < argc; k++) {
    if (strcmp(argv[k], "--events-logs") == 0) {
      d->app.events_logs = true;
      continue;
    }
    if (k + 1 == argc)
      usage_error("option needs a value", argv[k]);
    if (d->app.n_services == 0 || !service_option(d, argv[k], argv[k + 1]))
      app_option(d, argv[k], argv[k + 1]);
    k++;
  }
}

int main(int argc, char **argv) {
  static struct driver d;
  const struct sv_ops ops = {.spawn = spawn, .probe = probe};

  d.app =
      (struct sv_app){.name = "driver", .services = d.services, .events_fd = -1, .control_fd = -1};
  parse(&d, argc, argv);
  return sv_run(&d.app, &ops, &d);
}
