#include "service.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"
#include "exit-codes.h"
#include "log.h"
#include "mounts.h"
#include "rootfs.h"

static void restore_signals(void) {
  sigset_t none;

  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    signal(sig, SIG_DFL);
}

static int open_path(const char *path) {
  return open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
}

/* Opens every path of env in this mount namespace. */
static int open_env(const struct service *s, const struct service_env *env, struct mount_env *m,
                    int *layers) {
  int *binds = calloc(s->mount_count + 1, sizeof *binds);

  *layers = open_path(env->layers);
  m->svcdir = open_path(env->svcdir);
  m->data = open_path(env->data);
  if (binds == NULL || *layers < 0 || m->svcdir < 0 || m->data < 0)
    return fail_errno(EXIT_START, NULL, "open run directory of service %s", s->name);
  for (size_t i = 0; i < s->mount_count; i++) {
    binds[i] = env->bind_paths[i] ? open_path(env->bind_paths[i]) : -1;
    if (env->bind_paths[i] && binds[i] < 0)
      return fail_errno(EXIT_START, NULL, "open bind source for %s", s->mounts[i].target);
  }
  m->bind_fds = binds;
  return 0;
}

static int prepare(const struct service *s, const struct service_env *env) {
  struct mount_env m = {.exe = env->exe, .payload_offset = env->payload_offset};
  int layers;

  if (open_env(s, env, &m, &layers) < 0)
    return -1;
  if (sethostname(s->hostname, strlen(s->hostname)) < 0)
    return fail_errno(EXIT_START, NULL, "set hostname %s", s->hostname);
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail_errno(EXIT_START, NULL, "make mounts private");
  m.root = rootfs_assemble(layers, env->layer_names, s->layer_count, m.svcdir);
  if (m.root < 0 || mounts_setup(s, &m) < 0)
    return -1;
  return mounts_enter_root(m.root);
}

static void service_main(const struct service *s, const struct service_env *env) {
  pid_t child;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (env->out_fd >= 0)
    dup2(env->out_fd, STDOUT_FILENO);
  if (env->err_fd >= 0)
    dup2(env->err_fd, STDERR_FILENO);
  if (env->stdin_null) {
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
      dup2(null, STDIN_FILENO), close(null);
  }
  if (prepare(s, env) < 0)
    _exit(error_report());
  restore_signals();
  if (!s->init)
    exec_service(s, env->cmd, env->env);
  /* init: true puts a small reaper at pid 1 and the service under it, as `docker run --init`. */
  child = fork();
  if (child == 0)
    exec_service(s, env->cmd, env->env);
  if (child < 0)
    _exit(EXIT_START);
  init_shim(child);
}

pid_t service_spawn(const struct service *s, const struct service_env *env) {
  int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
  pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

  if (pid < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create namespaces for service %s", s->name);
  if (pid == 0)
    service_main(s, env);
  return pid;
}
