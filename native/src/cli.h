/* The runtime's own command line. Everything after `--` goes to the app's main service. */
#ifndef CHEFER_CLI_H
#define CHEFER_CLI_H

#include <stddef.h>

struct options {
  const char *data_dir;
  char **env; /* K=V from --env, NULL-terminated */
  size_t env_count;
  int no_cache;
  int clean_cache; /* --clean-cache: prune the cache instead of running the app */
  int inspect;
  int print_manifest;
  int help;
  int version;
  char **args;         /* after --, NULL-terminated; NULL when no -- was given */
  const char *events;  /* --events FD|PATH, else CHEFER_EVENTS */
  int events_logs;     /* --events-logs */
  const char *control; /* --control FD */
};

int options_parse(int argc, char **argv, struct options *o);
void options_usage(const char *app_name);

#endif
