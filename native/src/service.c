#include "service.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

  if (env->net != NULL)
    m.hosts = env->net->hosts[env->net_index], m.resolv = env->net->resolv[env->net_index];
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

static void service_main(const struct service *s, const struct service_env *env, int sync) {
  pid_t child;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (env->net != NULL && network_join(env->net, env->net_index, sync) < 0)
    _exit(EXIT_START);
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
  if (env->net != NULL)
    network_wait_outbound(env->net);
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

/* True when fd names the namespace this process is already in. */
static int is_current(int fd, const char *kind) {
  struct stat theirs, ours;
  char path[64];

  snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
  return fstat(fd, &theirs) == 0 && stat(path, &ours) == 0 && theirs.st_ino == ours.st_ino &&
         theirs.st_dev == ours.st_dev;
}

static int join_namespaces(pid_t pid) {
  static const char *const kinds[] = {"ipc", "uts", "net", "pid", "mnt"};
  int fds[5];
  char path[64];

  /* All opened first: once in the service's mount namespace, /proc is the service's. */
  for (int i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[i]);
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0)
      return fail_errno(EXIT_START, NULL, "open namespace %s of pid %d", kinds[i], (int)pid);
  }
  /* In shared mode the service's network namespace is the host's, which container root may
   * not join (setns needs CAP_SYS_ADMIN over its owner), and need not: the probe is in it. */
  for (int i = 0; i < 5; i++) {
    if (!is_current(fds[i], kinds[i]) && setns(fds[i], 0) < 0)
      return fail_errno(EXIT_START, NULL, "join namespace %s of pid %d", kinds[i], (int)pid);
    close(fds[i]);
  }
  return 0;
}

/* In the probe's process: joins, then forks once more, since only children enter a joined
 * pid namespace; exits with the command's status. */
static void probe_main(const struct service *s, pid_t service_pid, char *const *argv, int out) {
  int status = 0, null = open("/dev/null", O_RDONLY);
  pid_t child;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  setpgid(0, 0);
  if (null >= 0)
    dup2(null, STDIN_FILENO), close(null);
  if (out >= 0)
    dup2(out, STDOUT_FILENO), dup2(out, STDERR_FILENO);
  if (join_namespaces(service_pid) < 0)
    _exit(error_report());
  child = fork();
  if (child == 0) {
    restore_signals();
    exec_command(s, argv, NULL);
  }
  if (child < 0 || waitpid(child, &status, 0) < 0)
    _exit(EXIT_START);
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SIGNAL_BASE + WTERMSIG(status));
}

pid_t service_probe(const struct service *s, pid_t service_pid, char *const *argv, int out_fd) {
  pid_t pid = fork();

  if (pid < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "start a command in service %s", s->name);
  if (pid == 0)
    probe_main(s, service_pid, argv, out_fd);
  setpgid(pid, pid);
  return pid;
}

/* Waits until the service has exec'd (or died): the socket's child end is close-on-exec.
 * Until then the service is half set up (its root not yet entered), and nothing may join it. */
static void wait_exec(int fd) {
  char byte;

  for (;;) {
    ssize_t n = read(fd, &byte, 1);
    if (n == 0 || (n < 0 && errno != EINTR))
      break;
  }
  close(fd);
}

pid_t service_spawn(const struct service *s, const struct service_env *env) {
  int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC, sync[2], rc = 0;
  pid_t pid;

  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create socket pair");
  pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "create namespaces for service %s", s->name);
  if (pid == 0) {
    close(sync[0]);
    service_main(s, env, sync[1]);
  }
  close(sync[1]);
  /* The child reports on its network first; pasta must start before it can go on. */
  if (env->net != NULL)
    rc = network_joined(env->net, env->net_index, sync[0]);
  wait_exec(sync[0]);
  if (rc < 0) {
    kill(pid, SIGKILL);
    return -1;
  }
  return pid;
}
