/* Where the runtime keeps things on the user's machine: the cache and the app's data. */
#ifndef CHEFER_PATHS_H
#define CHEFER_PATHS_H

#include <stddef.h>

/* $XDG_CACHE_HOME/chefer, else $HOME/.cache/chefer. */
int cache_path(char *out, size_t size);
/* --data-dir, else the manifest's data_dir, else $XDG_DATA_HOME/<app>, else
 * $HOME/.local/share/<app>. A leading "~/" expands to $HOME. */
int data_path(const char *flag, const char *manifest_dir, const char *app, char *out, size_t size);
/* Expands "~/" against $HOME; other paths are copied. */
int expand_home(const char *path, char *out, size_t size);
/* mkdir -p with the given mode for each created directory. */
int make_dirs(const char *path, int mode);

#endif
