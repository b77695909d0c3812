#include "app.h"
#include "cache_prune.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cleanup.h"
#include "events.h"
#include "exit-codes.h"
#include "log.h"
#include "paths.h"
#include "service.h"
#include "lifecycle.h"
#include "network.h"
#include "userns.h"

/* What the host side prepares before entering the user namespace. Mount sources cross into
 * the sandbox as paths under the cache directory, which is the working directory of every
 * process from here on: a descriptor opened on the host cannot be the source of a mount in
 * another mount namespace, and as root, container root cannot walk /root to reach a path. */
struct run {
  const struct app *app;
  struct idmap map;
  struct cache cache;
  char data[4096];
  char run_name[300];
  char run_path[320]; /* run/<run_name>, relative to the cache directory */
  char ***bind_paths; /* per service, per mount: the staged source path, or NULL */
  char ***bind_hosts; /* per service, per mount: the host source path, or NULL */
  size_t main;        /* index of the main service, or SIZE_MAX */
  int host_root;      /* started by root: the host side removes the run directory */
  struct network net;
};

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};

static size_t main_service(const struct manifest *m) {
  for (size_t i = 0; i < m->service_count; i++) {
    const char *mode = m->services[i].interface_mode;
    if (strcmp(mode, "terminal") == 0 || strcmp(mode, "both") == 0)
      return i;
  }
  return m->service_count == 1 ? 0 : SIZE_MAX;
}

/* Resolves a bind source on the host (creating a missing one as a directory, as Docker
 * does) and makes an empty file or directory under host/ for the sandbox to mount it on. */
static int stage_bind(struct run *r, const struct mount_spec *mt, size_t s, size_t k) {
  char path[4096], stub[400];
  struct stat st;
  int fd;

  if (expand_home(mt->source, path, sizeof path) < 0)
    return -1;
  if (path[0] != '/')
    return fail(EXIT_USER, "use an absolute host path or ~/...", "bind %s: not an absolute path",
                mt->source);
  if (stat(path, &st) < 0 && (errno != ENOENT || make_dirs(path, 0755) < 0 || stat(path, &st) < 0))
    return fail_errno(EXIT_USER, "create the host path, or change the mount", "open bind source %s",
                      path);
  snprintf(stub, sizeof stub, "%s/host/bind-%zu-%zu", r->run_path, s, k);
  fd = S_ISDIR(st.st_mode) ? mkdir(stub, 0700) : open(stub, O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create mount point %s", stub);
  if (!S_ISDIR(st.st_mode))
    close(fd);
  r->bind_paths[s][k] = strdup(stub);
  r->bind_hosts[s][k] = strdup(path);
  return 0;
}

static int stage_binds(struct run *r) {
  const struct manifest *m = r->app->manifest;

  r->bind_paths = calloc(m->service_count, sizeof *r->bind_paths);
  r->bind_hosts = calloc(m->service_count, sizeof *r->bind_hosts);
  if (r->bind_paths == NULL || r->bind_hosts == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
  for (size_t i = 0; i < m->service_count; i++) {
    const struct service *s = &m->services[i];
    r->bind_paths[i] = calloc(s->mount_count + 1, sizeof(char *));
    r->bind_hosts[i] = calloc(s->mount_count + 1, sizeof(char *));
    if (r->bind_paths[i] == NULL || r->bind_hosts[i] == NULL)
      return fail(EXIT_ENVIRONMENT, NULL, "out of memory");
    for (size_t k = 0; k < s->mount_count; k++)
      if (s->mounts[k].type == MOUNT_BIND && stage_bind(r, &s->mounts[k], i, k) < 0)
        return -1;
  }
  return 0;
}

static int make_run_dir(struct run *r) {
  char host[400];
  uint32_t rnd = 0;

  if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
    rnd = (uint32_t)getpid() ^ (uint32_t)time(NULL);
  snprintf(r->run_name, sizeof r->run_name, "%s-%d-%08x", r->app->manifest->app_name, (int)getpid(),
           rnd);
  snprintf(r->run_path, sizeof r->run_path, "run/%s", r->run_name);
  snprintf(host, sizeof host, "%s/host", r->run_path);
  /* mkdir fails on an existing name, so a planted directory or symlink is never reused. */
  if (mkdir(r->run_path, 0700) < 0 || mkdir(host, 0700) < 0 || strcat(host, "/data") == NULL ||
      mkdir(host, 0700) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create run directory %s", r->run_path);
  /* Before any entry is checked, so no cache prune removes one this run relies on. */
  if (!r->app->opts->no_cache && !r->app->opts->clean_cache &&
      cache_note_entries(r->run_path, r->app->manifest, r->map.key) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "write %s/entries", r->run_path);
  return 0;
}

/* As root, the directories the sandbox writes must belong to container root's host id. */
static void hand_over(struct run *r) {
  char host[400], entries[400];
  const char *paths[] = {".", "layers", "run", r->run_path, host, entries, r->data};

  if (getuid() != 0)
    return;
  snprintf(host, sizeof host, "%s/host", r->run_path);
  snprintf(entries, sizeof entries, "%s/entries", r->run_path);
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (chown(paths[i], r->map.uid0, r->map.gid0) < 0)
      log_debug("hand %s to container root: %s", paths[i], strerror(errno));
}

static int host_prepare(struct run *r) {
  char cache[4096], data[PATH_MAX];
  const struct app *a = r->app;

  if (cache_path(cache, sizeof cache) < 0 || cache_open(cache, &r->cache) < 0 ||
      cache_check_room(&r->cache) < 0 ||
      data_path(a->opts->data_dir, a->manifest->data_dir, a->manifest->app_name, r->data,
                sizeof r->data) < 0)
    return -1;
  if (make_dirs(r->data, 0700) < 0 || realpath(r->data, data) == NULL)
    return fail_errno(EXIT_ENVIRONMENT, "pass --data-dir with a writable directory",
                      "create data directory %s", r->data);
  /* Absolute from here: the working directory becomes the cache below. */
  snprintf(r->data, sizeof r->data, "%s", data);
  if (fchdir(r->cache.dir) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "enter cache %s", cache);
  log_debug("cache %s, data %s, id map %s", cache, r->data, r->map.key);
  if (make_run_dir(r) < 0 || stage_binds(r) < 0)
    return -1;
  hand_over(r);
  return 0;
}

static int bind_path(const char *source, const char *target) {
  if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "bind %s into the sandbox", source);
  return 0;
}

/* Runs in the sandbox's mount namespace (see struct run). */
static int stage(void *ctx) {
  struct run *r = ctx;
  const struct manifest *m = r->app->manifest;
  char target[400];

  snprintf(target, sizeof target, "%s/host/data", r->run_path);
  if (bind_path(r->data, target) < 0)
    return -1;
  for (size_t i = 0; i < m->service_count; i++)
    for (size_t k = 0; k < m->services[i].mount_count; k++)
      if (r->bind_paths[i][k] && bind_path(r->bind_hosts[i][k], r->bind_paths[i][k]) < 0)
        return -1;
  return 0;
}

static int wait_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SIGNAL_BASE + WTERMSIG(status);
}

static void block_signals(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaddset(set, forwarded[i]);
  sigaddset(set, SIGCHLD);
  sigprocmask(SIG_BLOCK, set, NULL);
}

/* A signal the terminal sent (Ctrl-C) already reached every process in the foreground group,
 * services included; only signals sent with kill(2) are passed on. */
static int should_forward(const siginfo_t *info) {
  return info->si_signo != SIGCHLD && info->si_code != SI_KERNEL;
}

static int host_wait(pid_t sandbox) {
  sigset_t set;
  siginfo_t info;
  int status;

  block_signals(&set);
  for (;;) {
    if (sigwaitinfo(&set, &info) < 0)
      continue;
    if (should_forward(&info))
      kill(sandbox, info.si_signo);
    if (waitpid(sandbox, &status, WNOHANG) == sandbox)
      return wait_status(status);
  }
}

static int control_fd(const char *spec) {
  char *end;
  long fd = spec ? strtol(spec, &end, 10) : -1;

  return spec && *end == '\0' && fd >= 0 && fd < 1 << 20 ? (int)fd : -1;
}

static void remove_run_dir(void *arg) {
  struct run *r = arg;
  remove_tree(r->cache.run, r->run_name);
  remove_stale_runs(r->cache.run, r->run_name);
}

/* --clean-cache: inside the user namespace, where files of subordinate ids can go too. */
static int clean_cache(struct cache *c) {
  struct prune_result r;

  if (cache_prune(c, 0, &r) < 0)
    return error_report();
  printf("removed %d cache entries from %s", r.removed, c->path);
  if (r.in_use > 0)
    printf("; kept %d that running apps use", r.in_use);
  if (r.failed > 0)
    printf("; could not remove %d (made with another id mapping)", r.failed);
  printf("\n");
  fflush(stdout); /* the sandbox ends with _exit */
  return r.failed > 0 ? EXIT_ENVIRONMENT : EXIT_OK;
}

/* The sandbox's side: reopen the cache through this mount namespace, then supervise. */
static int sandbox_main(struct run *r) {
  struct lifecycle lc = {.app = r->app,
                         .cache = &r->cache,
                         .net = &r->net,
                         .run_name = r->run_name,
                         .run_path = r->run_path,
                         .bind_paths = r->bind_paths,
                         .main = r->main,
                         .host_cleans = r->host_root,
                         .control = control_fd(r->app->opts->control)};

  r->cache.mapkey = r->map.key;
  r->cache.single = r->map.uid_count == 0 ? r->map.why_single : NULL;
  r->cache.no_cache = r->app->opts->no_cache;
  r->cache.exe = r->app->exe;
  r->cache.payload_offset = r->app->footer->payload_offset;
  if (cache_reopen(&r->cache) < 0) {
    int code = error_report();
    event_app(r->app->manifest->app_name, "exited", code);
    return code;
  }
  if (r->app->opts->clean_cache)
    return clean_cache(&r->cache);
  return lifecycle_run(&lc);
}

int app_run(const struct app *a) {
  struct run r = {.app = a};
  sigset_t set;
  pid_t sandbox;
  int rc;

  r.main = main_service(a->manifest);
  r.host_root = getuid() == 0;
  if (a->opts->args != NULL && r.main == SIZE_MAX)
    return fail(EXIT_USAGE, "mark one service as the terminal service in the recipe",
                "pass arguments after --: the app has no main service");
  event_app(a->manifest->app_name, "preparing", -1);
  if (idmap_choose(&r.map) < 0 || network_host_prepare(&r.net, a->manifest) < 0 ||
      host_prepare(&r) < 0)
    return -1;
  block_signals(&set);
  sandbox = sandbox_fork(&r.map, stage, &r);
  if (sandbox < 0)
    return -1;
  if (sandbox == 0)
    _exit(sandbox_main(&r));
  network_host_release(&r.net);
  rc = host_wait(sandbox);
  /* The sandbox has told the launcher to exit; this reaps it (it is the host's child). */
  pasta_launcher_close(&r.net.launcher);
  /* Here, outside the sandbox, host/ holds only empty mount points: the binds of the data
   * directory and bind sources exist in the sandbox's mount namespace alone. */
  if (r.host_root)
    run_detached(remove_run_dir, &r);
  return rc;
}
