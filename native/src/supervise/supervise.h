/*
 * The supervisor: runs an app's services through their whole lifecycle (start order from
 * depends_on, health checks, restart policies, fail-fast, graceful stop), prefixes their
 * output and reports runtime events. It knows nothing of namespaces: the runtime launches
 * services and health probes through struct sv_ops, so plain host processes work as well.
 * docs/supervision.md describes the state machine; docs/runtime-events.md the events.
 */
#ifndef CHEFER_SV_SUPERVISE_H
#define CHEFER_SV_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes sv_run returns besides a failing service's own code. */
#define SV_EXIT_OK 0
#define SV_EXIT_FAILED 1    /* invalid services, or a dependency that never got ready */
#define SV_EXIT_INTERNAL 70 /* the supervisor itself broke (epoll, signalfd, memory) */
#define SV_EXIT_SIGINT 130  /* 128 + SIGINT */
#define SV_EXIT_SIGTERM 143 /* 128 + SIGTERM */
#define SV_EXIT_SIGHUP 129  /* 128 + SIGHUP */

enum sv_condition { SV_COND_STARTED, SV_COND_HEALTHY, SV_COND_COMPLETED };

enum sv_restart_policy {
  SV_RESTART_NO,
  SV_RESTART_ON_FAILURE,
  SV_RESTART_ALWAYS,
  SV_RESTART_UNLESS_STOPPED,
};

enum sv_interface {
  SV_INTERFACE_NONE,
  SV_INTERFACE_GUI,
  SV_INTERFACE_TERMINAL,
  SV_INTERFACE_BOTH,
};

enum sv_color { SV_COLOR_AUTO, SV_COLOR_NEVER, SV_COLOR_ALWAYS };

struct sv_dependency {
  const char *service; /* the name of another service of the app */
  enum sv_condition condition;
  bool required; /* false: a dependency that fails only warns */
};

struct sv_healthcheck {
  bool enabled; /* false: the service has no health check */
  int64_t interval_ms;
  int64_t timeout_ms;
  int retries;
  int64_t start_period_ms;
  int64_t start_interval_ms;
};

struct sv_service {
  const char *name;
  const struct sv_dependency *depends_on;
  size_t n_depends;
  struct sv_healthcheck health;
  enum sv_restart_policy restart;
  int max_retries; /* on-failure only; 0 means no limit */
  int stop_signal;
  int64_t stop_grace_ms;
  enum sv_interface interface_mode;
  bool inherit_stdio; /* keeps the runtime's stdio unprefixed, as a terminal service does */
};

struct sv_app {
  const char *name;
  const struct sv_service *services;
  size_t n_services;
  int events_fd;    /* where JSON event lines go when ops->event is NULL; -1: nowhere */
  bool events_logs; /* also report each output line as a `log` event */
  int control_fd;   /* JSON control commands are read from it; -1: none */
  enum sv_color color;
  int64_t t0_ms; /* sv_now_ms() when the app started: the events' zero; 0 means now */
  /* The app's face (its terminal service, or its only one): when a signal stops the app, the
   * exit code is this service's, as `docker run` passes on its container's. */
  bool has_main;
  int main_service;
};

/*
 * How services and probes are launched. Both run in a forked child that must call
 * sv_child_prepare() before exec. out_fd and err_fd become the child's stdout and stderr;
 * they are -1 for a terminal service, which inherits the supervisor's stdio instead.
 */
struct sv_ops {
  /* Starts service svc; returns the pid whose exit is the service's exit, or -1. */
  pid_t (*spawn)(void *ctx, int svc, int out_fd, int err_fd);
  /* Starts one health probe of service svc, output on out_fd; returns its pid, or -1. */
  pid_t (*probe)(void *ctx, int svc, int out_fd);
  /* Delivers sig to service svc. NULL: to the process group pid leads, else to pid. */
  int (*signal)(void *ctx, int svc, pid_t pid, int sig);
  /* Receives each event as one JSON line ending in "\n". NULL: written to events_fd. */
  void (*event)(void *ctx, const char *json_line);
  /* Told that service svc's process ended (or failed to start), before any restart. May be
   * NULL. The runtime stops what it runs beside the service there (its pasta). */
  void (*exited)(void *ctx, int svc, int status);
  /* Told about a reaped child that is neither a service nor a probe. May be NULL. */
  void (*reaped)(void *ctx, pid_t pid, int status);
};

/* Runs the app until it ends; returns its exit code. Reaps every child it sees. */
int sv_run(const struct sv_app *app, const struct sv_ops *ops, void *ctx);

/* In a child forked by spawn or probe: unblocks signals and restores SIGPIPE. */
void sv_child_prepare(void);

/* Milliseconds on CLOCK_MONOTONIC, the clock of sv_app.t0_ms. */
int64_t sv_now_ms(void);

/* Names as docs/format.md spells them; each returns -1 for a name it does not know. */
int sv_parse_condition(const char *name, enum sv_condition *out);
int sv_parse_restart(const char *name, enum sv_restart_policy *out);
int sv_parse_interface(const char *name, enum sv_interface *out);
int sv_parse_signal(const char *name); /* "SIGTERM", "TERM" or "15" */
const char *sv_signal_name(int sig);   /* "SIGTERM"; "signal 42" for one without a name */

/* One JSON event line under construction, so the runtime's own events match ours. */
#define SV_JSON_MAX 32768

struct sv_json {
  char buf[SV_JSON_MAX];
  size_t len;
};

void sv_json_begin(struct sv_json *j, const char *type, int64_t ts);
void sv_json_str(struct sv_json *j, const char *key, const char *value);
void sv_json_strn(struct sv_json *j, const char *key, const char *value, size_t n);
void sv_json_int(struct sv_json *j, const char *key, int64_t value);
const char *sv_json_end(struct sv_json *j); /* closes the object and adds "\n" */

#endif
