#include "cache_prune.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exit-codes.h"
#include "log.h"

#define DAY_S (24L * 60 * 60)
#define DEFAULT_MAX_AGE_DAYS 30
#define STAMP "last-prune"
#define ENTRIES "entries"

static int held = -1; /* this run's list, locked shared while the run lives */

void cache_release_entries(void) {
  if (held >= 0)
    close(held);
  held = -1;
}

int cache_note_entries(const char *run_path, const struct manifest *m, const char *mapkey) {
  char path[400];
  int fd;
  FILE *f;

  snprintf(path, sizeof path, "%s/" ENTRIES, run_path);
  fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  /* Held until this process ends: a prune tells a live run from a dead one by this lock,
   * which, unlike a pid, means the same in every pid namespace. */
  if (fd < 0 || flock(fd, LOCK_SH) < 0)
    return -1;
  held = fd;
  f = fdopen(dup(fd), "we");
  if (f == NULL)
    return -1;
  for (size_t i = 0; i < m->service_count; i++)
    for (size_t k = 0; k < m->services[i].layer_count; k++)
      fprintf(f, "%s-%s\n", m->services[i].layers[k]->hex, mapkey);
  return fclose(f) == 0 ? 0 : -1;
}

/* The list of a run that still holds it, or NULL: a list nobody holds belongs to a run that
 * ended (or was killed). */
static FILE *live_list(const struct cache *c, const char *run, int *unreadable) {
  char path[300];
  int fd;

  snprintf(path, sizeof path, "%s/" ENTRIES, run);
  fd = openat(c->run, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    /* A run that has not written its list yet has not checked an entry yet either. */
    *unreadable = errno != ENOENT && errno != ENOTDIR;
    return NULL;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
    close(fd);
    return NULL;
  }
  return fdopen(fd, "re");
}

/* 1 when a live run lists the entry, or when a run's list cannot be read (then nothing is
 * certain, so the entry stays). */
static int listed_by_live_run(const struct cache *c, const char *entry) {
  int fd = openat(c->run, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;
  char line[300];
  int listed = d == NULL;

  while (!listed && d != NULL && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    FILE *f = live_list(c, de->d_name, &listed);
    while (!listed && f != NULL && fgets(line, sizeof line, f) != NULL) {
      line[strcspn(line, "\n")] = '\0';
      listed = strcmp(line, entry) == 0;
    }
    if (f != NULL)
      fclose(f);
  }
  if (d != NULL)
    closedir(d);
  return listed;
}

static int old_enough(int fd, long max_age_s) {
  struct stat st;
  return fstat(fd, &st) == 0 && time(NULL) - st.st_mtime >= max_age_s;
}

/* One entry, by its lock file's name. The lock's mtime is the entry's last use. */
static void prune_entry(struct cache *c, const char *lock, long max_age_s,
                        struct prune_result *out) {
  char entry[300];
  size_t n = strlen(lock) - strlen(".lock");
  int fd = openat(c->layers, lock, O_RDWR | O_NOFOLLOW | O_CLOEXEC);

  snprintf(entry, sizeof entry, "%.*s", (int)n, lock);
  if (fd < 0 || !old_enough(fd, max_age_s) || flock(fd, LOCK_EX | LOCK_NB) < 0) {
    if (fd >= 0)
      close(fd);
    return;
  }
  /* Under the lock: read the lists now, so a run that checked this entry before is seen. */
  if (old_enough(fd, max_age_s) && listed_by_live_run(c, entry)) {
    out->in_use++;
  } else if (old_enough(fd, max_age_s)) {
    cache_remove_leftovers(c->layers, entry);
    int rc = cache_discard(c->layers, entry);
    out->removed += rc > 0;
    out->failed += rc < 0;
  }
  close(fd);
}

static int is_lock_name(const char *name) {
  size_t n = strlen(name);
  return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".lock") == 0;
}

int cache_prune(struct cache *c, long max_age_s, struct prune_result *out) {
  int fd = openat(c->layers, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;

  *out = (struct prune_result){0};
  if (d == NULL)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "read cache %s/layers", c->path);
  while ((de = readdir(d)) != NULL)
    if (is_lock_name(de->d_name))
      prune_entry(c, de->d_name, max_age_s, out);
  closedir(d);
  return 0;
}

static long max_age_days(void) {
  const char *text = getenv("CHEFER_CACHE_MAX_AGE_DAYS");
  char *end;
  long days;

  if (text == NULL || *text == '\0')
    return DEFAULT_MAX_AGE_DAYS;
  days = strtol(text, &end, 10);
  if (*end != '\0' || days < 0 || days > 36500) {
    log_warn("CHEFER_CACHE_MAX_AGE_DAYS=%s is not a number of days; using %d", text,
             DEFAULT_MAX_AGE_DAYS);
    return DEFAULT_MAX_AGE_DAYS;
  }
  return days;
}

/* 1 when the last prune is a day old or more; the stamp is renewed at once, so concurrent
 * starts do not all prune. */
static int prune_due(const struct cache *c) {
  struct stat st;
  int fd;

  if (fstatat(c->dir, STAMP, &st, AT_SYMLINK_NOFOLLOW) == 0 && time(NULL) - st.st_mtime < DAY_S)
    return 0;
  fd = openat(c->dir, STAMP, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return 0;
  futimens(fd, NULL);
  close(fd);
  return 1;
}

void cache_prune_old(struct cache *c) {
  struct prune_result r;
  long days = max_age_days();

  if (days == 0 || !prune_due(c) || cache_prune(c, days * DAY_S, &r) < 0) {
    error_clear();
    return;
  }
  if (r.removed > 0)
    log_info("removed %d cache entries no app used for %ld days", r.removed, days);
  if (r.failed > 0)
    log_warn("could not remove %d old cache entries in %s/layers (made with another id "
             "mapping); remove them as the user who made them",
             r.failed, c->path);
}
