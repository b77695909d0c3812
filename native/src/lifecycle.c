#include "lifecycle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "events.h"
#include "exit-codes.h"
#include "json.h"
#include "log.h"
#include "service.h"

struct child {
  pid_t pid;
  int running;
  int status;
};

struct state {
  struct lifecycle *sv;
  struct child *children;
  int code;
  int done;
  int64_t kill_at; /* ms on the monotonic clock; 0: no stop in progress */
};

int signal_number(const char *name) {
  static const struct {
    const char *name;
    int sig;
  } table[] = {{"TERM", SIGTERM}, {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
               {"HUP", SIGHUP},   {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"WINCH", SIGWINCH}};

  if (name == NULL)
    return SIGTERM;
  if (strncmp(name, "SIG", 3) == 0)
    name += 3;
  if (atoi(name) > 0 && atoi(name) < NSIG)
    return atoi(name);
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(name, table[i].name) == 0)
      return table[i].sig;
  return SIGTERM;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int prepare_layers(struct lifecycle *sv, size_t i, char **names, int scratch) {
  const struct service *s = &sv->app->manifest->services[sv->order[i]];

  for (size_t l = 0; l < s->layer_count; l++) {
    sv->cache->step++;
    names[l] = malloc(300);
    if (names[l] == NULL || cache_layer(sv->cache, s->layers[l], scratch, names[l], 300) < 0)
      return -1;
  }
  return 0;
}

static pid_t start(struct lifecycle *sv, size_t i, int scratch) {
  const struct manifest *m = sv->app->manifest;
  size_t index = sv->order[i];
  const struct service *s = &m->services[index];
  static char layers[400], data[400], svcdir[700];
  struct service_env env = {.layers = layers,
                            .data = data,
                            .svcdir = svcdir,
                            .exe = sv->cache->exe,
                            .payload_offset = sv->cache->payload_offset,
                            .bind_paths = sv->bind_paths[index],
                            .out_fd = -1,
                            .err_fd = -1,
                            .env = sv->app->opts->env};
  char **names = calloc(s->layer_count + 1, sizeof *names);

  snprintf(layers, sizeof layers, "%s", sv->cache->no_cache ? sv->run_path : "layers");
  if (sv->cache->no_cache)
    strcat(layers, "/layers");
  snprintf(data, sizeof data, "%s/host/data", sv->run_path);
  snprintf(svcdir, sizeof svcdir, "%s/%s", sv->run_path, s->name);

  if (names == NULL || prepare_layers(sv, i, names, scratch) < 0)
    return -1;
  if (sv->cache->extracted > 0 && sv->cache->step == sv->cache->steps)
    log_info("layers extracted");
  env.layer_names = names;
  env.cmd = index == sv->main ? sv->app->opts->args : NULL;
  env.stdin_null = sv->main != SIZE_MAX && index != sv->main;
  if (mkdir(svcdir, 0700) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create run directory of service %s", s->name);
  log_debug("starting service %s", s->name);
  return service_spawn(s, &env);
}

static void signal_all(struct state *st, int sig, int use_stop_signal) {
  const struct manifest *m = st->sv->app->manifest;
  uint64_t grace = 0;

  for (size_t i = 0; i < m->service_count; i++) {
    const struct service *s = &m->services[st->sv->order[i]];
    if (!st->children[i].running)
      continue;
    kill(st->children[i].pid, use_stop_signal ? signal_number(s->stop_signal) : sig);
    grace = s->stop_grace_ms > grace ? s->stop_grace_ms : grace;
  }
  if (st->kill_at == 0) {
    st->kill_at = now_ms() + (int64_t)grace;
    event_app(st->sv->app->manifest->app_name, "stopping", -1);
  }
}

static int any_running(const struct state *st) {
  for (size_t i = 0; i < st->sv->app->manifest->service_count; i++)
    if (st->children[i].running)
      return 1;
  return 0;
}

static void on_exit_of(struct state *st, size_t i, int status) {
  size_t index = st->sv->order[i];
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SIGNAL_BASE + WTERMSIG(status);
  int is_main = index == st->sv->main;

  st->children[i].running = 0;
  log_debug("service %s exited with %d", st->sv->app->manifest->services[index].name, code);
  event_service(st->sv->app->manifest->services[index].name, "exited", st->children[i].pid, code);
  /* The main service decides the app's fate; without one, the first failure does
   * (crash: fail_fast), and a clean run ends when every service has ended. */
  if (is_main || (st->sv->main == SIZE_MAX && code != 0 && st->code == 0)) {
    st->code = code;
    if (!st->done)
      st->done = 1, signal_all(st, 0, 1);
  }
}

static void reap(struct state *st) {
  int status;
  pid_t pid;

  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    for (size_t i = 0; i < st->sv->app->manifest->service_count; i++)
      if (st->children[i].pid == pid && st->children[i].running)
        on_exit_of(st, i, status);
}

static void on_signal(struct state *st, const struct signalfd_siginfo *si) {
  if (si->ssi_signo == SIGCHLD)
    return;
  if (si->ssi_code != SI_KERNEL) {
    signal_all(st, (int)si->ssi_signo, 0);
    return;
  }
  /* Ctrl-C reached the services from the terminal directly; bound the wait for them. */
  if (st->kill_at == 0)
    st->kill_at = now_ms() + 10000;
}

/* One JSON command per line (docs/runtime-events.md). Only "stop" is known here; the full
 * supervisor adds "restart". Returns -1 when the control pipe is closed. */
static int on_control(struct state *st, int fd) {
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  struct json *cmd = NULL;

  if (n <= 0)
    return -1;
  buf[n] = '\0';
  for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    const struct json *name;
    if (json_parse(line, strlen(line), &cmd) < 0) {
      error_clear();
      continue;
    }
    name = json_get(cmd, "cmd");
    if (name != NULL && name->type == JSON_STRING && strcmp(name->string, "stop") == 0)
      st->done = 1, signal_all(st, 0, 1);
    else
      event_error("control: only {\"cmd\":\"stop\"} is understood by this runtime", NULL);
    json_free(cmd);
  }
  return 0;
}

static int poll_timeout(const struct state *st) {
  int64_t left = st->kill_at ? st->kill_at - now_ms() : -1;
  return st->kill_at == 0 ? -1 : left > 0 ? (int)left : 0;
}

static void wait_loop(struct state *st, int control) {
  sigset_t set;
  struct signalfd_siginfo si;
  int sfd;

  sigemptyset(&set);
  sigaddset(&set, SIGCHLD), sigaddset(&set, SIGTERM), sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP), sigaddset(&set, SIGQUIT);
  sfd = signalfd(-1, &set, SFD_CLOEXEC);
  reap(st);
  while (any_running(st)) {
    struct pollfd p[2] = {{sfd, POLLIN, 0}, {control, POLLIN, 0}};
    int ready = poll(p, control >= 0 ? 2 : 1, poll_timeout(st));
    if (ready == 0 && st->kill_at && now_ms() >= st->kill_at)
      signal_all(st, SIGKILL, 0);
    if (ready > 0 && (p[0].revents & POLLIN) && read(sfd, &si, sizeof si) == sizeof si)
      on_signal(st, &si);
    if (ready > 0 && control >= 0 && (p[1].revents & (POLLIN | POLLHUP)) &&
        on_control(st, control) < 0)
      control = -1;
    reap(st);
  }
  close(sfd);
}

static void on_started(struct lifecycle *sv, struct state *st) {
  const struct manifest *m = sv->app->manifest;
  pid_t *pids = calloc(m->service_count, sizeof *pids);

  event_app(m->app_name, "running", -1);
  for (size_t i = 0; pids != NULL && i < m->service_count; i++)
    pids[sv->order[i]] = st->children[i].pid;
  if (pids != NULL && sv->app->started != NULL)
    sv->app->started(m, pids);
  free(pids);
}

static int start_all(struct lifecycle *sv, struct state *st, int scratch) {
  const struct manifest *m = sv->app->manifest;

  for (size_t i = 0; i < m->service_count; i++)
    sv->cache->steps += m->services[i].layer_count;
  for (size_t i = 0; i < sv->app->manifest->service_count; i++) {
    st->children[i].pid = start(sv, i, scratch);
    if (st->children[i].pid > 0)
      event_service(m->services[sv->order[i]].name, "starting", st->children[i].pid, -1);
    if (st->children[i].pid < 0)
      return -1;
    st->children[i].running = 1;
  }
  return 0;
}

/* Detaches every bind under host/; 0 only when none is left, so host/ can be deleted. */
static int unmount_host(int dir) {
  int host = openat(dir, "host", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
  DIR *d = host < 0 ? NULL : fdopendir(host);
  struct dirent *de;
  char path[400];

  while (d != NULL && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "/proc/self/fd/%d/%s", host, de->d_name);
    if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
      rc = -1;
  }
  if (d != NULL)
    closedir(d);
  return d == NULL ? -1 : rc;
}

/* Removes the run directory while the services' ids are still mapped: what they wrote may
 * belong to subordinate ids the host user cannot delete. host/ holds the binds of the
 * user's data and bind sources in this namespace: it is deleted only once they are gone. */
static void clean_run_dir(void *arg) {
  const char *run_path = arg;
  int dir = open(run_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), runs;
  DIR *d = dir < 0 ? NULL : fdopendir(dup(dir));
  struct dirent *de;

  while (d != NULL && (de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "host"))
      remove_tree(dir, de->d_name);
  if (d != NULL)
    closedir(d);
  if (dir >= 0 && unmount_host(dir) == 0 && remove_tree(dir, "host") == 0)
    rmdir(run_path);
  runs = open("run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (runs >= 0)
    remove_stale_runs(runs, strrchr(run_path, '/') + 1), close(runs);
  if (dir >= 0)
    close(dir);
}

int lifecycle_run(struct lifecycle *sv) {
  struct state st = {.sv = sv};
  int scratch = -1;

  prctl(PR_SET_CHILD_SUBREAPER, 1);
  st.children = calloc(sv->app->manifest->service_count, sizeof *st.children);
  char path[400];

  snprintf(path, sizeof path, "%s/layers", sv->run_path);
  if (sv->cache->no_cache && mkdir(path, 0700) == 0)
    scratch = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW);
  if (st.children == NULL || (sv->cache->no_cache && scratch < 0))
    st.code = fail_errno(EXIT_ENVIRONMENT, NULL, "prepare run directory");
  else if (start_all(sv, &st, scratch) < 0)
    st.code = -1, st.done = 1, signal_all(&st, SIGKILL, 0);
  else
    on_started(sv, &st);
  if (st.code < 0)
    st.code = error_report();
  wait_loop(&st, sv->control);
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  /* As root, the host side removes the run directory; it may delete any owner's files. */
  if (!sv->host_cleans)
    run_detached(clean_run_dir, (void *)sv->run_path);
  return st.code;
}
