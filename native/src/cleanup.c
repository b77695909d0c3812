#include "cleanup.h"
#include "cache_prune.h"
#include "events.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A new session with stdio on /dev/null, so that no terminal signal, dashboard or pipe waits
 * on the process. */
static void detach(void) {
  int null;

  prctl(PR_SET_PDEATHSIG, 0);
  events_close();          /* a dashboard waits for the end of the event stream */
  cache_release_entries(); /* the run is over once the app is */
  setsid();
  null = open("/dev/null", O_RDWR);
  if (null >= 0)
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
}

void run_detached(void (*fn)(void *), void *arg) {
  pid_t pid = fork();

  if (pid != 0)
    return; /* on fork failure too: the directory stays, as after a crash */
  detach();
  fn(arg);
  _exit(0);
}

/* Keeps only fd beyond stdio: a descriptor of the app held here (its output pipes, the event
 * stream) would keep a reader waiting for its end. */
static void close_all_but(int fd) {
  if (fd > 3)
    close_range(3, (unsigned)fd - 1, 0);
  close_range((unsigned)fd + 1, ~0U, 0);
}

/* Blocks until every copy of the pipe's write end is closed. */
static void wait_for_eof(int fd) {
  char byte;
  ssize_t n;

  do
    n = read(fd, &byte, 1);
  while (n > 0 || (n < 0 && errno == EINTR));
}

int run_when_gone(void (*fn)(void *), void *arg) {
  int pipe_fds[2];
  pid_t middle;

  if (pipe2(pipe_fds, O_CLOEXEC) < 0)
    return -1;
  middle = fork();
  if (middle == 0) {
    /* The middle process exits at once, so the worker is nobody's child here: a supervisor
     * that kills its children at the end cannot reach it. */
    close(pipe_fds[1]);
    if (fork() == 0) {
      detach();
      close_all_but(pipe_fds[0]);
      wait_for_eof(pipe_fds[0]);
      fn(arg);
    }
    _exit(0);
  }
  close(pipe_fds[0]);
  if (middle < 0)
    return close(pipe_fds[1]), -1;
  waitpid(middle, NULL, 0);
  return pipe_fds[1];
}

/* 1 when pid lives in the user namespace described by ns. Another user's process cannot be
 * inspected (EACCES) and is never ours. */
static int in_namespace(pid_t pid, const struct stat *ns) {
  struct stat st;
  char path[64];

  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
  return stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

/* One pass over /proc; returns how many processes it killed. */
static int kill_pass(const struct stat *ns) {
  DIR *proc = opendir("/proc");
  struct dirent *e;
  pid_t self = getpid();
  int killed = 0;

  while (proc != NULL && (e = readdir(proc)) != NULL) {
    pid_t pid = (pid_t)atoi(e->d_name);
    if (pid > 0 && pid != self && in_namespace(pid, ns) && kill(pid, SIGKILL) == 0)
      killed++;
  }
  if (proc != NULL)
    closedir(proc);
  return killed;
}

/* The initial user namespace maps every id: sweeping it would kill the whole machine. */
static int in_initial_namespace(void) {
  char map[128] = "";
  FILE *f = fopen("/proc/self/uid_map", "re");

  if (f == NULL)
    return 1;
  if (fgets(map, sizeof map, f) == NULL)
    map[0] = '\0';
  fclose(f);
  return map[0] == '\0' || strstr(map, "4294967295") != NULL;
}

void kill_user_namespace(void) {
  struct stat ns;

  if (in_initial_namespace() || stat("/proc/self/ns/user", &ns) < 0)
    return;
  /* A process may fork while a pass runs; passes repeat until one finds nothing. */
  for (int pass = 0; pass < 20 && kill_pass(&ns) > 0; pass++)
    usleep(10000);
}
