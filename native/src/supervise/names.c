/* The manifest's names for conditions, restart policies, interface modes and signals. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "supervise.h"

struct name_value {
  const char *name;
  int value;
};

static const struct name_value conditions[] = {
    {"service_started", SV_COND_STARTED},
    {"service_healthy", SV_COND_HEALTHY},
    {"service_completed_successfully", SV_COND_COMPLETED},
    {NULL, 0},
};

static const struct name_value policies[] = {
    {"no", SV_RESTART_NO},
    {"on-failure", SV_RESTART_ON_FAILURE},
    {"always", SV_RESTART_ALWAYS},
    {"unless-stopped", SV_RESTART_UNLESS_STOPPED},
    {NULL, 0},
};

static const struct name_value interfaces[] = {
    {"none", SV_INTERFACE_NONE},
    {"gui", SV_INTERFACE_GUI},
    {"terminal", SV_INTERFACE_TERMINAL},
    {"both", SV_INTERFACE_BOTH},
    {NULL, 0},
};

static const struct name_value signals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"USR2", SIGUSR2},   {"TERM", SIGTERM}, {"ALRM", SIGALRM}, {"STOP", SIGSTOP}, {"CONT", SIGCONT},
    {"WINCH", SIGWINCH}, {"PWR", SIGPWR},   {"ABRT", SIGABRT}, {NULL, 0},
};

static int lookup(const struct name_value *table, const char *name, bool ignore_case) {
  for (; table->name != NULL; table++) {
    int diff = ignore_case ? strcasecmp(table->name, name) : strcmp(table->name, name);
    if (diff == 0)
      return table->value;
  }
  return -1;
}

int sv_parse_condition(const char *name, enum sv_condition *out) {
  int v = lookup(conditions, name, false);

  if (v < 0)
    return -1;
  *out = (enum sv_condition)v;
  return 0;
}

int sv_parse_restart(const char *name, enum sv_restart_policy *out) {
  int v = lookup(policies, name, false);

  if (v < 0)
    return -1;
  *out = (enum sv_restart_policy)v;
  return 0;
}

int sv_parse_interface(const char *name, enum sv_interface *out) {
  int v = lookup(interfaces, name, false);

  if (v < 0)
    return -1;
  *out = (enum sv_interface)v;
  return 0;
}

int sv_parse_signal(const char *name) {
  char *end;
  long number = strtol(name, &end, 10);

  if (name[0] != '\0' && *end == '\0')
    return number > 0 && number < NSIG ? (int)number : -1;

  /* Docker accepts "SIGTERM" and "TERM", in any case. */
  if (strncasecmp(name, "SIG", 3) == 0)
    name += 3;
  return lookup(signals, name, true);
}

/* The name in a static buffer, overwritten by the next call: for messages only. */
const char *sv_signal_name(int sig) {
  static char name[32];

  for (const struct name_value *n = signals; n->name != NULL; n++) {
    if (n->value == sig) {
      snprintf(name, sizeof name, "SIG%s", n->name);
      return name;
    }
  }
  snprintf(name, sizeof name, "signal %d", sig);
  return name;
}
