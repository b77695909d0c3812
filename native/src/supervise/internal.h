/* The supervisor's private state, shared by its files; nothing outside supervise/ uses it. */
#ifndef CHEFER_SUPERVISE_INTERNAL_H
#define CHEFER_SUPERVISE_INTERNAL_H

#include "supervise.h"

#define SV_LINE_MAX 4096 /* a longer output line is cut into pieces of this size */
/* TODO(limitation): only the probe's last line is kept (Docker keeps 4 KiB of output). */
#define SV_PROBE_OUTPUT 256 /* how much of a probe's last line the health event keeps */
#define SV_CONTROL_MAX 4096 /* the longest control command line */

enum sv_state {
  SV_WAITING,  /* not started: waiting for its dependencies */
  SV_RUNNING,  /* its process is alive */
  SV_STOPPING, /* its process was sent its stop signal and is alive */
  SV_BACKOFF,  /* exited; restarts when its back-off delay ends */
  SV_DONE,     /* exited or stopped for good */
};

enum sv_health { SV_HEALTH_NONE, SV_HEALTH_STARTING, SV_HEALTH_HEALTHY, SV_HEALTH_UNHEALTHY };

enum sv_stream_kind { SV_STREAM_STDOUT, SV_STREAM_STDERR, SV_STREAM_PROBE };

enum sv_log_level { SV_LOG_ERROR, SV_LOG_WARN, SV_LOG_INFO, SV_LOG_DEBUG };

/* epoll tags: what an fd is, in the high half of epoll_data.u64; the service in the low. */
enum sv_watch { SV_WATCH_SIGNAL = 1, SV_WATCH_TIMER, SV_WATCH_CONTROL, SV_WATCH_STREAM };

/* One pipe from a child, read line by line. */
struct sv_stream {
  int fd; /* -1 when closed */
  int svc;
  enum sv_stream_kind kind;
  size_t len;
  char buf[SV_LINE_MAX];
};

struct sv_probe {
  pid_t pid; /* 0 when no probe runs */
  int64_t deadline_ms;
  bool timed_out;
  bool stale; /* its service exited: the result no longer counts */
  struct sv_stream out;
  char last[SV_PROBE_OUTPUT];
};

/* The run-time state of one service. */
struct sv_unit {
  enum sv_state state;
  pid_t pid;
  int *deps; /* index of each depends_on entry's service */
  int64_t started_ms;
  int64_t timer_ms; /* SV_BACKOFF: when to restart; SV_STOPPING: when to SIGKILL; 0: none */
  int restarts;
  int backoff_streak;
  int exit_code;
  bool ever_started;
  bool spawn_failed; /* the last start did not even launch a process */
  bool announced_waiting;
  bool completed_ok;
  bool restart_requested;
  bool *dep_waived; /* a failed dependency with required=false, already warned about */
  enum sv_health health;
  bool healthy_this_run;
  int failing_streak;
  int64_t next_probe_ms;
  struct sv_probe probe;
  struct sv_stream out;
  struct sv_stream err;
};

struct sv {
  const struct sv_app *app;
  const struct sv_ops *ops;
  void *ctx;
  struct sv_unit *units;
  int n;
  int epfd;
  int sigfd;
  int timerfd;
  int ctlfd;
  int events_fd;
  int64_t t0;
  bool stopping;
  bool announced_running;
  bool broken;            /* an internal failure: end now */
  bool interrupted;       /* the stop began with a signal */
  int64_t interrupted_ms; /* when that signal came */
  int exit_code;
  int interrupts;
  size_t name_width;
  bool color[2]; /* for our stdout and stderr */
  size_t ctl_len;
  bool ctl_skipping; /* inside an overlong control line */
  char ctl_buf[SV_CONTROL_MAX];
  struct sv_json json;
};

const struct sv_service *sv_service(const struct sv *sv, int i);
int64_t sv_ts(const struct sv *sv);

/* log.c */
void sv_log(enum sv_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* graph.c */
int sv_graph_resolve(struct sv *sv);
bool sv_graph_has_dependent_alive(const struct sv *sv, int i);
void sv_schedule(struct sv *sv);

/* service.c */
void sv_start(struct sv *sv, int i);
void sv_on_exit(struct sv *sv, int i, int status);
void sv_request_restart(struct sv *sv, int i);
void sv_restart_now(struct sv *sv, int i);
int sv_signal(struct sv *sv, int i, int sig);
bool sv_alive(const struct sv_unit *u);

/* restart.c */
bool sv_restart_wanted(const struct sv_service *s, const struct sv_unit *u, int code);
int64_t sv_restart_delay(struct sv_unit *u, int64_t now);

/* health.c */
void sv_health_begin(struct sv *sv, int i, int64_t now);
void sv_health_tick(struct sv *sv, int i, int64_t now);
bool sv_health_reaped(struct sv *sv, pid_t pid, int status);
void sv_health_end(struct sv *sv, int i);
int64_t sv_health_deadline(const struct sv *sv, int i);

/* output.c */
void sv_output_init(struct sv *sv);
int sv_stream_open(struct sv *sv, struct sv_stream *st, int svc, enum sv_stream_kind kind);
void sv_stream_read(struct sv *sv, struct sv_stream *st);
void sv_stream_close(struct sv *sv, struct sv_stream *st);
struct sv_stream *sv_stream_of(struct sv *sv, uint32_t tag);

/* events.c */
void sv_event_app(struct sv *sv, const char *state);
void sv_event_service(struct sv *sv, int i, const char *state);
void sv_event_health(struct sv *sv, int i);
void sv_event_log(struct sv *sv, int i, enum sv_stream_kind kind, const char *line, size_t n);
void sv_event_error(struct sv *sv, int i, const char *message, const char *fix);
void sv_fail(struct sv *sv, int i, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* control.c */
void sv_control_read(struct sv *sv);

/* stop.c */
void sv_begin_stop(struct sv *sv, int code);
void sv_advance_stop(struct sv *sv);
void sv_stop_tick(struct sv *sv, int i, int64_t now);
void sv_kill_all(struct sv *sv);
void sv_sweep(struct sv *sv);

/* loop.c */
int sv_watch(struct sv *sv, int fd, enum sv_watch kind, uint32_t low);
void sv_unwatch(struct sv *sv, int fd);

#endif
