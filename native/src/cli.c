#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit-codes.h"
#include "log.h"

static const char usage[] =
    "Usage: %s [options] [-- args for the app]\n"
    "\n"
    "Runs the app packed in this file, in its own namespaces, without Docker.\n"
    "\n"
    "Options:\n"
    "  --data-dir DIR           keep the app's volumes under DIR (default: the app's data dir)\n"
    "  --env K=V                set an environment variable in every service (repeatable)\n"
    "  --no-cache               extract layers for this run only; leave the cache alone\n"
    "  --clean-cache            remove every cache entry no running app needs, then exit\n"
    "                           (unused entries also go after CHEFER_CACHE_MAX_AGE_DAYS, 30)\n"
    "  --log-level LEVEL        error, warn, info (default) or debug; also CHEFER_LOG\n"
    "  --events FD|PATH         write runtime events as JSON lines; also CHEFER_EVENTS\n"
    "  --events-logs            add each line the services print to the events as `log`\n"
    "  --control FD             read control commands as JSON lines: {\"cmd\":\"stop\"},\n"
    "                           {\"cmd\":\"restart\",\"service\":\"NAME\"}\n"
    "  --inspect                print the footer and a summary of the manifest, then exit\n"
    "  --print-manifest         print the manifest JSON, then exit\n"
    "  --version                print the runtime version\n"
    "  --help                   print this help\n"
    "Arguments after -- replace the command of the app's main service.\n";

void options_usage(const char *app_name) {
  printf(usage, app_name);
}

/* The value of "--name=value" or "--name value". */
static int value(int argc, char **argv, int *i, const char *name, const char **out) {
  size_t n = strlen(name);

  if (argv[*i][n] == '=')
    return *out = argv[*i] + n + 1, 0;
  if (*i + 1 >= argc)
    return fail(EXIT_USAGE, "see --help", "read option %s: missing value", name);
  *out = argv[++*i];
  return 0;
}

static int flag_is(const char *arg, const char *name) {
  size_t n = strlen(name);
  return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int add_env(struct options *o, const char *kv) {
  char **grown;

  if (strchr(kv, '=') == NULL || kv[0] == '=')
    return fail(EXIT_USAGE, "write it as --env NAME=value", "read option --env %s: no NAME=", kv);
  grown = realloc(o->env, (o->env_count + 2) * sizeof *grown);
  if (grown == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  o->env = grown;
  o->env[o->env_count++] = (char *)kv;
  o->env[o->env_count] = NULL;
  return 0;
}

static int one(int argc, char **argv, int *i, struct options *o) {
  const char *a = argv[*i], *v = NULL;

  if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
    return o->help = 1, 0;
  if (strcmp(a, "--version") == 0)
    return o->version = 1, 0;
  if (strcmp(a, "--no-cache") == 0)
    return o->no_cache = 1, 0;
  if (strcmp(a, "--clean-cache") == 0)
    return o->clean_cache = 1, 0;
  if (strcmp(a, "--inspect") == 0)
    return o->inspect = 1, 0;
  if (strcmp(a, "--print-manifest") == 0)
    return o->print_manifest = 1, 0;
  if (strcmp(a, "--events-logs") == 0)
    return o->events_logs = 1, 0;
  if (flag_is(a, "--events"))
    return value(argc, argv, i, "--events", &o->events);
  if (flag_is(a, "--control"))
    return value(argc, argv, i, "--control", &o->control);
  if (flag_is(a, "--data-dir"))
    return value(argc, argv, i, "--data-dir", &o->data_dir);
  if (flag_is(a, "--env"))
    return value(argc, argv, i, "--env", &v) < 0 ? -1 : add_env(o, v);
  if (flag_is(a, "--log-level")) {
    if (value(argc, argv, i, "--log-level", &v) < 0)
      return -1;
    return log_set_level_name(v) == 0 ? 0
                                      : fail(EXIT_USAGE, "use error, warn, info or debug",
                                             "read option --log-level: "
                                             "unknown level %s",
                                             v);
  }
  return fail(EXIT_USAGE, "see --help; pass arguments to the app after --",
              "read options: unknown option %s", a);
}

int options_parse(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof *o);
  o->events = getenv("CHEFER_EVENTS");
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      o->args = argv + i + 1;
      return 0;
    }
    if (one(argc, argv, &i, o) < 0)
      return -1;
  }
  return 0;
}
