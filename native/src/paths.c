#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit-codes.h"
#include "log.h"

static const char *home(void) {
  const char *h = getenv("HOME");
  return h && h[0] == '/' ? h : NULL;
}

static int fits(int n, size_t size) {
  return n > 0 && (size_t)n < size ? 0 : fail(EXIT_USER, NULL, "build path: too long");
}

int expand_home(const char *path, char *out, size_t size) {
  if (strncmp(path, "~/", 2) == 0) {
    if (home() == NULL)
      return fail(EXIT_USER, "set HOME", "expand %s: HOME is not set", path);
    return fits(snprintf(out, size, "%s/%s", home(), path + 2), size);
  }
  return fits(snprintf(out, size, "%s", path), size);
}

int cache_path(char *out, size_t size) {
  const char *xdg = getenv("XDG_CACHE_HOME");

  if (xdg && xdg[0] == '/')
    return fits(snprintf(out, size, "%s/chefer", xdg), size);
  if (home() == NULL)
    return fail(EXIT_USER, "set HOME or XDG_CACHE_HOME",
                "find the cache directory: HOME is not set");
  return fits(snprintf(out, size, "%s/.cache/chefer", home()), size);
}

int data_path(const char *flag, const char *manifest_dir, const char *app, char *out, size_t size) {
  const char *xdg = getenv("XDG_DATA_HOME");

  if (flag != NULL)
    return expand_home(flag, out, size);
  if (manifest_dir != NULL)
    return expand_home(manifest_dir, out, size);
  if (xdg && xdg[0] == '/')
    return fits(snprintf(out, size, "%s/%s", xdg, app), size);
  if (home() == NULL)
    return fail(EXIT_USER, "set HOME, or pass --data-dir",
                "find the data directory: HOME is not set");
  return fits(snprintf(out, size, "%s/.local/share/%s", home(), app), size);
}

int make_dirs(const char *path, int mode) {
  char buf[4096];

  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST ? -1 : 0;
}
