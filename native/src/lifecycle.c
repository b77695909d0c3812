#include "lifecycle.h"
#include "cache_prune.h"
#include "prefetch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "events.h"
#include "exit-codes.h"
#include "log.h"
#include "service.h"
#include "supervision.h"

/* What the supervisor's callbacks need (its ctx). */
struct launch {
  struct lifecycle *lc;
  struct supervision sup;
  char ***layer_names; /* per service: its layers' cache entry names */
  pid_t *pids;         /* per service: the pid of its current run */
  char layers[400];    /* where the entries are: layers, or <run>/layers without the cache */
  char data[400];
  int scratch; /* <run>/layers when the cache is off, else -1 */
  int announced;
};

static int prepare_layers(struct launch *l, size_t index) {
  struct cache *cache = l->lc->cache;
  const struct service *s = &l->lc->app->manifest->services[index];
  char **names = calloc(s->layer_count + 1, sizeof *names);

  if (names == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  l->layer_names[index] = names;
  for (size_t k = 0; k < s->layer_count; k++) {
    cache->step++;
    names[k] = malloc(300);
    if (names[k] == NULL || cache_layer(cache, s->layers[k], l->scratch, names[k], 300) < 0)
      return -1;
  }
  return 0;
}

/* Every service's layers, before anything starts: a damaged layer stops the app early.
 * TODO(limitation): a service waiting for a slow dependency could extract meanwhile. */
static int prepare_all_layers(struct launch *l) {
  const struct manifest *m = l->lc->app->manifest;

  for (size_t i = 0; i < m->service_count; i++)
    l->lc->cache->steps += m->services[i].layer_count;
  if (!l->lc->cache->no_cache)
    cache_prefetch(l->lc->cache, m);
  for (size_t i = 0; i < m->service_count; i++)
    if (prepare_layers(l, i) < 0)
      return -1;
  if (l->lc->cache->extracted > 0)
    log_info("layers extracted");
  return 0;
}

static int open_scratch(struct launch *l) {
  char path[400];

  l->scratch = -1;
  snprintf(l->layers, sizeof l->layers, "layers");
  snprintf(l->data, sizeof l->data, "%s/host/data", l->lc->run_path);
  if (!l->lc->cache->no_cache)
    return 0;
  snprintf(path, sizeof path, "%s/layers", l->lc->run_path);
  snprintf(l->layers, sizeof l->layers, "%s", path);
  if (mkdir(path, 0700) == 0)
    l->scratch = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return l->scratch < 0 ? fail_errno(EXIT_ENVIRONMENT, NULL, "prepare run directory") : 0;
}

/* The supervisor's spawn: one run of service svc, with its output on out_fd and err_fd. A
 * restart reuses the service's run directory, so its root filesystem keeps what it wrote,
 * as a restarted container does. */
static pid_t spawn(void *ctx, int svc, int out_fd, int err_fd) {
  struct launch *l = ctx;
  struct lifecycle *lc = l->lc;
  size_t i = (size_t)svc;
  const struct service *s = &lc->app->manifest->services[i];
  char svcdir[700];
  struct service_env env = {.layers = l->layers,
                            .layer_names = l->layer_names[i],
                            .data = l->data,
                            .svcdir = svcdir,
                            .exe = lc->cache->exe,
                            .payload_offset = lc->cache->payload_offset,
                            .bind_paths = lc->bind_paths[i],
                            .cmd = i == lc->main ? lc->app->opts->args : NULL,
                            .env = lc->app->opts->env,
                            .stdin_null = i != lc->main, /* as compose without stdin_open */
                            .out_fd = out_fd,
                            .err_fd = err_fd,
                            .net = lc->net,
                            .net_index = i};

  snprintf(svcdir, sizeof svcdir, "%s/service-%s", lc->run_path, s->name);
  l->pids[i] = -1;
  if (mkdir(svcdir, 0700) < 0 && errno != EEXIST)
    fail_errno(EXIT_ENVIRONMENT, NULL, "create run directory of service %s", s->name);
  else
    l->pids[i] = service_spawn(s, &env);
  /* The supervisor reports that the start failed; the reason is shown here. */
  if (l->pids[i] < 0)
    error_report();
  return l->pids[i];
}

/* The supervisor's probe: the health check runs in the service's namespaces. */
static pid_t probe(void *ctx, int svc, int out_fd) {
  struct launch *l = ctx;
  const struct service *s = &l->lc->app->manifest->services[svc];
  pid_t pid;

  if (l->pids[svc] <= 0 || l->sup.probe_argv[svc] == NULL)
    return -1;
  pid = service_probe(s, l->pids[svc], l->sup.probe_argv[svc], out_fd);
  if (pid < 0)
    error_report();
  return pid;
}

static void exited(void *ctx, int svc, int status) {
  struct launch *l = ctx;

  (void)status;
  network_service_exited(l->lc->net, (size_t)svc);
}

/* Event lines go to the events stream; the app's `running` also tells app->started. */
static void on_event(void *ctx, const char *line) {
  struct launch *l = ctx;
  const struct app *a = l->lc->app;
  int fd = events_fd();

  if (fd >= 0)
    (void)!write(fd, line, strlen(line));
  if (a->started != NULL && !l->announced && strstr(line, "{\"t\":\"app\"") == line &&
      strstr(line, "\"state\":\"running\"") != NULL) {
    l->announced = 1;
    a->started(a->manifest, l->pids);
  }
}

static int supervise(struct launch *l) {
  const struct manifest *m = l->lc->app->manifest;
  const struct sv_ops ops = {.spawn = spawn, .probe = probe, .exited = exited, .event = on_event};
  struct sv_app app = {.name = m->app_name,
                       .services = l->sup.services,
                       .n_services = m->service_count,
                       .events_fd = events_fd(),
                       .events_logs = l->lc->app->opts->events_logs != 0,
                       .control_fd = l->lc->control,
                       .color = SV_COLOR_AUTO,
                       .t0_ms = events_t0(),
                       .has_main = l->lc->main != SIZE_MAX,
                       .main_service = (int)l->lc->main};

  return sv_run(&app, &ops, l);
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

/* Once the sandbox is gone, normally or by SIGKILL: a service whose parent-death signal was
 * cleared (switching users clears it) would live on, so every process left in the app's
 * user namespace is killed; its pid namespace goes with it. */
static void sweep(void *arg) {
  (void)arg;
  kill_user_namespace();
}

/* Rootless, the run directory goes too. As root, the host side removes it: it may delete any
 * owner's files. */
static void sweep_and_clean(void *arg) {
  kill_user_namespace();
  clean_run_dir(arg);
}

static int prepare(struct launch *l) {
  const struct manifest *m = l->lc->app->manifest;

  l->layer_names = calloc(m->service_count, sizeof *l->layer_names);
  l->pids = calloc(m->service_count, sizeof *l->pids);
  if (l->layer_names == NULL || l->pids == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  if (!l->lc->cache->no_cache)
    cache_prune_old(l->lc->cache);
  if (open_scratch(l) < 0 || prepare_all_layers(l) < 0 || supervision_from_manifest(m, &l->sup) < 0)
    return -1;
  return network_start(l->lc->net);
}

int lifecycle_run(struct lifecycle *lc) {
  struct launch l = {.lc = lc};
  int code, cleaner = -1;

  /* Started before any service, the sweeper outlives this process however it ends. */
  cleaner = run_when_gone(lc->host_cleans ? sweep : sweep_and_clean, (void *)lc->run_path);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (prepare(&l) < 0) {
    code = error_report();
    event_app(lc->app->manifest->app_name, "exited", code);
  } else {
    code = supervise(&l);
  }
  network_stop(lc->net);
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  if (!lc->host_cleans && cleaner < 0)
    run_detached(clean_run_dir, (void *)lc->run_path);
  supervision_free(&l.sup, lc->app->manifest->service_count);
  return code;
}
