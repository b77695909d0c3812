/*
 * The event loop: one thread, one epoll set holding a signalfd (children, interrupts), a
 * timerfd armed for the nearest deadline, the services' output pipes and the control fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define MAX_EVENTS 16

const struct sv_service *sv_service(const struct sv *sv, int i) {
  return &sv->app->services[i];
}

int64_t sv_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sv_ts(const struct sv *sv) {
  return sv_now_ms() - sv->t0;
}

void sv_child_prepare(void) {
  sigset_t none;

  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
}

int sv_watch(struct sv *sv, int fd, enum sv_watch kind, uint32_t low) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((uint64_t)kind << 32) | low};

  if (epoll_ctl(sv->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
    return 0;
  sv_log(SV_LOG_ERROR, "watch fd %d failed: %s", fd, strerror(errno));
  sv->broken = true;
  return -1;
}

void sv_unwatch(struct sv *sv, int fd) {
  epoll_ctl(sv->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void on_child_exit(struct sv *sv, pid_t pid, int status) {
  for (int i = 0; i < sv->n; i++) {
    if (sv->units[i].pid != pid || !sv_alive(&sv->units[i]))
      continue;
    sv_on_exit(sv, i, status);
    return;
  }
  if (sv_health_reaped(sv, pid, status))
    return;

  /* An orphan a service left behind, which we adopted as subreaper; or a runtime helper. */
  if (sv->ops->reaped != NULL)
    sv->ops->reaped(sv->ctx, pid, status);
}

static void reap(struct sv *sv) {
  int status;
  pid_t pid;

  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    on_child_exit(sv, pid, status);
}

/* One stop request can arrive as several signals at once: the runtime passes a signal on
 * while `pkill`, a service manager stopping a whole cgroup, or a terminal send it to every
 * process too. A person asking again takes longer than this. */
#define SAME_REQUEST_MS 500

static void on_interrupt(struct sv *sv, int signo) {
  /* Like docker compose: the first interrupt stops gracefully, the next one kills. */
  if (sv->interrupted && sv_now_ms() - sv->interrupted_ms < SAME_REQUEST_MS) {
    sv_log(SV_LOG_DEBUG, "%s again at once: the same stop request", sv_signal_name(signo));
    return;
  }
  if (sv->stopping) {
    sv_log(SV_LOG_WARN, "%s while stopping; killing every service now", sv_signal_name(signo));
    sv_kill_all(sv);
    return;
  }
  sv_log(SV_LOG_INFO, "%s received; stopping the app (send it again to kill)",
         sv_signal_name(signo));
  sv->interrupted = true;
  sv->interrupted_ms = sv_now_ms();
  sv_begin_stop(sv, 128 + signo);
}

static void on_signals(struct sv *sv) {
  struct signalfd_siginfo si;

  while (read(sv->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo == SIGCHLD)
      reap(sv);
    else
      on_interrupt(sv, (int)si.ssi_signo);
  }
  /* Several SIGCHLD merge into one; reaping once more catches any that did. */
  reap(sv);
}

static void on_timer(struct sv *sv) {
  uint64_t expirations;
  int64_t now = sv_now_ms();

  if (read(sv->timerfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
    return;
  for (int i = 0; i < sv->n; i++) {
    sv_stop_tick(sv, i, now);
    sv_health_tick(sv, i, now);
  }
}

static int64_t earliest(int64_t a, int64_t b) {
  if (a == 0)
    return b;
  if (b == 0)
    return a;
  return a < b ? a : b;
}

static void arm_timer(struct sv *sv) {
  struct itimerspec when = {0};
  int64_t due = 0;

  for (int i = 0; i < sv->n; i++) {
    due = earliest(due, sv->units[i].timer_ms);
    due = earliest(due, sv_health_deadline(sv, i));
  }

  /* An absolute time in the past fires at once; an all-zero one disarms the timer. */
  if (due > 0) {
    when.it_value.tv_sec = due / 1000;
    when.it_value.tv_nsec = (due % 1000) * 1000000 + 1;
  }
  timerfd_settime(sv->timerfd, TFD_TIMER_ABSTIME, &when, NULL);
}

static void dispatch(struct sv *sv, const struct epoll_event *ev) {
  uint32_t low = (uint32_t)(ev->data.u64 & 0xffffffffu);

  switch ((enum sv_watch)(ev->data.u64 >> 32)) {
  case SV_WATCH_SIGNAL:
    on_signals(sv);
    break;
  case SV_WATCH_TIMER:
    on_timer(sv);
    break;
  case SV_WATCH_CONTROL:
    sv_control_read(sv);
    break;
  case SV_WATCH_STREAM:
    sv_stream_read(sv, sv_stream_of(sv, low));
    break;
  }
}

static bool finished(const struct sv *sv) {
  for (int i = 0; i < sv->n; i++)
    if (sv->units[i].state != SV_DONE)
      return false;
  return true;
}

static void run_loop(struct sv *sv) {
  struct epoll_event events[MAX_EVENTS];

  sv_event_app(sv, "starting");
  sv_schedule(sv);

  while (!finished(sv) && !sv->broken) {
    int n;

    arm_timer(sv);
    n = epoll_wait(sv->epfd, events, MAX_EVENTS, -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      sv_log(SV_LOG_ERROR, "wait for events failed: %s", strerror(errno));
      sv->broken = true;
      break;
    }
    for (int k = 0; k < n; k++)
      dispatch(sv, &events[k]);
  }
}

static int open_fds(struct sv *sv, const sigset_t *signals) {
  sv->sigfd = signalfd(-1, signals, SFD_CLOEXEC | SFD_NONBLOCK);
  sv->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  sv->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (sv->sigfd < 0 || sv->timerfd < 0 || sv->epfd < 0) {
    sv_log(SV_LOG_ERROR, "create the supervisor's event loop failed: %s", strerror(errno));
    return -1;
  }

  /* Services get their own stdio only: the event and control fds stay with us. */
  if (sv->events_fd >= 0)
    fcntl(sv->events_fd, F_SETFD, FD_CLOEXEC);
  if (sv->ctlfd >= 0)
    fcntl(sv->ctlfd, F_SETFD, FD_CLOEXEC);

  sv_watch(sv, sv->sigfd, SV_WATCH_SIGNAL, 0);
  sv_watch(sv, sv->timerfd, SV_WATCH_TIMER, 0);
  if (sv->ctlfd >= 0) {
    fcntl(sv->ctlfd, F_SETFL, fcntl(sv->ctlfd, F_GETFL) | O_NONBLOCK);
    sv_watch(sv, sv->ctlfd, SV_WATCH_CONTROL, 0);
  }
  return sv->broken ? -1 : 0;
}

static struct sv *create(const struct sv_app *app, const struct sv_ops *ops, void *ctx) {
  struct sv *sv = calloc(1, sizeof *sv);
  struct sv_unit *units = calloc(app->n_services + 1, sizeof *units);

  if (sv == NULL || units == NULL) {
    free(sv);
    free(units);
    return NULL;
  }
  *sv = (struct sv){.app = app, .ops = ops, .ctx = ctx, .units = units, .epfd = -1};
  sv->n = (int)app->n_services;
  sv->sigfd = sv->timerfd = -1;
  sv->ctlfd = app->control_fd;
  sv->events_fd = app->events_fd;
  sv->t0 = app->t0_ms > 0 ? app->t0_ms : sv_now_ms();
  for (int i = 0; i < sv->n; i++) {
    units[i].out.fd = units[i].err.fd = units[i].probe.out.fd = -1;
  }
  sv_output_init(sv);
  return sv;
}

static void destroy(struct sv *sv) {
  for (int i = 0; i < sv->n; i++) {
    free(sv->units[i].deps);
    free(sv->units[i].dep_waived);
  }
  if (sv->epfd >= 0)
    close(sv->epfd);
  if (sv->sigfd >= 0)
    close(sv->sigfd);
  if (sv->timerfd >= 0)
    close(sv->timerfd);
  free(sv->units);
  free(sv);
}

static int finish(struct sv *sv) {
  int code;

  if (sv->broken) {
    sv_kill_all(sv);
    sv->exit_code = SV_EXIT_INTERNAL;
  }
  sv_sweep(sv);
  if (!sv->broken && sv->interrupted && sv->app->has_main &&
      sv->units[sv->app->main_service].ever_started)
    sv->exit_code = sv->units[sv->app->main_service].exit_code;
  sv_event_app(sv, "exited");
  code = sv->exit_code;
  destroy(sv);
  return code;
}

/* The signal set-up sv_run changes, to be put back when it returns. */
struct saved_signals {
  sigset_t mask;
  void (*pipe)(int);
  void (*chld)(int);
};

static void take_signals(sigset_t *signals, struct saved_signals *saved) {
  sigemptyset(signals);
  sigaddset(signals, SIGCHLD);
  sigaddset(signals, SIGINT);
  sigaddset(signals, SIGTERM);
  sigaddset(signals, SIGHUP);
  sigprocmask(SIG_BLOCK, signals, &saved->mask);

  saved->pipe = signal(SIGPIPE, SIG_IGN);
  /* With SIGCHLD ignored the kernel would reap children itself and hide their exit codes. */
  saved->chld = signal(SIGCHLD, SIG_DFL);
}

static void give_back_signals(const struct saved_signals *saved) {
  signal(SIGPIPE, saved->pipe);
  signal(SIGCHLD, saved->chld);
  sigprocmask(SIG_SETMASK, &saved->mask, NULL);
}

int sv_run(const struct sv_app *app, const struct sv_ops *ops, void *ctx) {
  struct sv *sv = create(app, ops, ctx);
  struct saved_signals saved;
  sigset_t signals;
  int code;

  if (sv == NULL) {
    sv_log(SV_LOG_ERROR, "start the supervisor failed: out of memory");
    return SV_EXIT_INTERNAL;
  }
  take_signals(&signals, &saved);

  /* Orphans of services are re-parented to us, not to init, so none escapes the sweep. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  if (open_fds(sv, &signals) < 0)
    sv->broken = true;
  else if (sv_graph_resolve(sv) < 0)
    sv->exit_code = SV_EXIT_FAILED;
  else
    run_loop(sv);

  code = finish(sv);
  give_back_signals(&saved);
  return code;
}
