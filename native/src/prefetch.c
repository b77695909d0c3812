#include "prefetch.h"

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

#include "events.h"
#include "log.h"

#define MAX_JOBS 4
#define FOUND_INTACT 3 /* a worker's exit status: another copy had extracted the layer */

/* Each distinct layer whose entry is missing, once. */
static size_t missing_layers(const struct cache *c, const struct manifest *m,
                             const struct blob **out, size_t cap) {
  char name[300];
  struct stat st;
  size_t n = 0;

  for (size_t i = 0; i < m->service_count; i++)
    for (size_t k = 0; k < m->services[i].layer_count; k++) {
      const struct blob *b = m->services[i].layers[k];
      int seen = 0;
      for (size_t j = 0; j < n && !seen; j++)
        seen = out[j] == b;
      snprintf(name, sizeof name, "%s-%s", b->hex, c->mapkey);
      if (!seen && n < cap && fstatat(c->layers, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        out[n++] = b;
    }
  return n;
}

static int job_count(size_t layers) {
  const char *text = getenv("CHEFER_EXTRACT_JOBS");
  long jobs = text && *text ? strtol(text, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

  if (jobs > MAX_JOBS)
    jobs = MAX_JOBS;
  if (jobs > (long)layers)
    jobs = (long)layers;
  return jobs < 1 ? 1 : (int)jobs;
}

/* One layer in a child process; its errors are the in-order pass's to report. */
static pid_t extract_in_child(struct cache *c, const struct blob *b) {
  char name[300];
  pid_t parent = getpid();
  pid_t pid = fork();

  if (pid != 0)
    return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(1); /* the parent died before the signal was armed */
  c->quiet = 1;
  c->extracted = 0;
  if (cache_layer(c, b, -1, name, sizeof name) < 0)
    _exit(1);
  _exit(c->extracted > 0 ? 0 : FOUND_INTACT);
}

void cache_prefetch(struct cache *c, const struct manifest *m) {
  size_t total = 0;
  for (size_t i = 0; i < m->service_count; i++)
    total += m->services[i].layer_count;
  const struct blob **todo = calloc(total ? total : 1, sizeof *todo);
  size_t n = todo ? missing_layers(c, m, todo, total) : 0;
  int jobs = job_count(n);
  size_t next = 0, done = 0;
  int running = 0;

  if (n < 2 || jobs < 2) {
    free(todo);
    return;
  }
  log_debug("extracting %zu layers, %d at a time", n, jobs);
  event_progress("extract", 0, n, "extracting layers");
  while (done < n) {
    while (running < jobs && next < n && extract_in_child(c, todo[next]) > 0)
      next++, running++;
    int status;
    if (running == 0 || wait(&status) < 0)
      break; /* fork failed: the in-order pass does the rest */
    running--, done++;
    /* Lines only for what this process extracted: another copy may have done the rest. */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
      log_info("extracting layers %d/%zu", ++c->extracted, n);
    event_progress("extract", done, n, "extracting layers");
  }
  while (running > 0 && wait(NULL) > 0)
    running--;
  free(todo);
}
