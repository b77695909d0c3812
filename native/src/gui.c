#include "gui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "json.h"
#include "log.h"
#include "mounts.h"
#include "safepath.h"

#define FAMILY_LOCAL 256
#define FAMILY_WILD 65535
#define XAUTH_MAX (1u << 20)

/* What gui_host_prepare learned on the host; every service process inherits this memory. */
static struct {
  int prepared;
  char display[256]; /* DISPLAY as the user set it, or "" */
  int x11_local;     /* the display's socket is on this machine: bind the socket directory */
  uint8_t *xauth;    /* the X authority copy for the service, or NULL */
  size_t xauth_len;
  char wayland[4096]; /* the compositor's socket, or "" */
  char wayland_name[256];
  int wayland_open; /* the socket is writable by anyone, not only by its owner */
} host;

/* Set by gui_mount in the service's own process, read just before its exec. */
static struct {
  int dir;
  int xauth;
  int wayland;
} ready;

int gui_wanted(const struct service *s) {
  return strcmp(s->interface_mode, "gui") == 0 || strcmp(s->interface_mode, "both") == 0;
}

/* DISPLAY is [host]:number[.screen]; an empty host or "unix" names the local socket. */
static int parse_display(const char *display, char *number, size_t size, int *local) {
  const char *colon = strrchr(display, ':');
  size_t n;

  if (colon == NULL)
    return -1;
  n = strspn(colon + 1, "0123456789");
  if (n == 0 || n >= size || (colon[1 + n] != '\0' && colon[1 + n] != '.'))
    return -1;
  memcpy(number, colon + 1, n);
  number[n] = '\0';
  *local = colon == display || (colon - display == 4 && strncmp(display, "unix", 4) == 0);
  return 0;
}

struct reader {
  const uint8_t *b;
  size_t len, at;
};

static int take_u16(struct reader *r, unsigned *v) {
  if (r->len - r->at < 2)
    return -1;
  *v = (unsigned)r->b[r->at] << 8 | r->b[r->at + 1];
  r->at += 2;
  return 0;
}

static int take_field(struct reader *r, const uint8_t **p, unsigned *n) {
  if (take_u16(r, n) < 0 || r->len - r->at < *n)
    return -1;
  *p = r->b + r->at;
  r->at += *n;
  return 0;
}

static void put_u16(uint8_t *out, size_t *at, unsigned v) {
  out[(*at)++] = (uint8_t)(v >> 8);
  out[(*at)++] = (uint8_t)(v & 0xff);
}

/* An entry is a family, then four length-prefixed fields: address, number, name, data. */
static int take_entry(struct reader *r, unsigned *family, const uint8_t **f, unsigned *n) {
  if (take_u16(r, family) < 0)
    return -1;
  for (int i = 0; i < 4; i++)
    if (take_field(r, &f[i], &n[i]) < 0)
      return -1;
  return 0;
}

static int entry_matches(unsigned family, const uint8_t *num, unsigned num_len, const char *number,
                         int local) {
  if (num_len != strlen(number) || memcmp(num, number, num_len) != 0)
    return 0;
  return !local || family == FAMILY_LOCAL || family == FAMILY_WILD;
}

int gui_xauth_filter(const uint8_t *xauth, size_t len, const char *number, int local, uint8_t **out,
                     size_t *out_len, size_t *bad_at) {
  struct reader r = {xauth, len, 0};
  uint8_t *o = malloc(len + 1); /* a kept entry is never longer than it was */
  size_t w = 0;
  int kept = 0;

  *bad_at = 0;
  while (o != NULL && r.at < len) {
    const uint8_t *f[4];
    unsigned family, n[4];
    size_t start = r.at;

    if (take_entry(&r, &family, f, n) < 0) {
      free(o);
      *bad_at = start;
      return -1;
    }
    if (!entry_matches(family, f[1], n[1], number, local))
      continue;
    /* Keyed to the host's name, a FamilyLocal entry would never match the service's. */
    put_u16(o, &w, family == FAMILY_LOCAL ? FAMILY_WILD : family);
    for (int i = 0; i < 4; i++) {
      put_u16(o, &w, n[i]);
      memcpy(o + w, f[i], n[i]);
      w += n[i];
    }
    kept++;
  }
  *out = o;
  *out_len = w;
  return o == NULL ? -1 : kept;
}

/* $XAUTHORITY, else ~/.Xauthority; read now, while the user's own files are reachable.
 * TODO(limitation): read once at start; a cookie the desktop renews later does not reach
 * running services. */
static void read_xauth(const char *number, int local) {
  const char *env = getenv("XAUTHORITY"), *home = getenv("HOME");
  char path[4096], *text = NULL;
  size_t len = 0, bad = 0;
  int kept;

  if (env == NULL || env[0] == '\0')
    env = NULL;
  if (env == NULL && (home == NULL || home[0] == '\0'))
    return;
  snprintf(path, sizeof path, env ? "%s" : "%s/.Xauthority", env ? env : home);
  if (read_small_file(AT_FDCWD, path, XAUTH_MAX, &text, &len) < 0) {
    if (env != NULL || errno != ENOENT)
      log_warn("X authority %s: %s; GUI services connect without a cookie (fix XAUTHORITY)", path,
               strerror(errno));
    return;
  }
  kept = gui_xauth_filter((const uint8_t *)text, len, number, local, &host.xauth, &host.xauth_len,
                          &bad);
  free(text);
  if (kept < 0)
    log_warn("X authority %s: malformed entry at byte %zu; GUI services connect without a cookie "
             "(fix or remove the file)",
             path, bad);
  if (kept == 0)
    log_debug("X authority %s has no entry for display %s", path, number);
  if (kept <= 0)
    free(host.xauth), host.xauth = NULL;
}

static const char *network_mode(const struct manifest *m) {
  const struct json *mode = json_get(json_get(m->root, "app"), "network");
  return mode != NULL && mode->type == JSON_STRING ? mode->string : "bridge";
}

static void find_x11(const struct manifest *m) {
  const char *display = getenv("DISPLAY");
  char number[16], sock[64];
  struct stat st;

  if (display == NULL || display[0] == '\0')
    return;
  if (strlen(display) >= sizeof host.display ||
      parse_display(display, number, sizeof number, &host.x11_local) < 0) {
    log_warn("DISPLAY=%s is not [host]:number[.screen]; GUI services get no X11 display (fix "
             "DISPLAY)",
             display);
    return;
  }
  snprintf(host.display, sizeof host.display, "%s", display);
  read_xauth(number, host.x11_local);
  /* TODO(limitation): passed as it is; from a service's own network the host may not answer. */
  if (!host.x11_local && strcmp(network_mode(m), "shared") != 0)
    log_warn("DISPLAY=%s names a host over TCP, which GUI services may not reach from their own "
             "network; use a local display or `network: shared` in the recipe",
             display);
  snprintf(sock, sizeof sock, GUI_X11_DIR "/X%s", number);
  /* An abstract socket lives in the host's network namespace only; other services need the
   * file (shared mode reaches the abstract one too). */
  if (host.x11_local && strcmp(network_mode(m), "shared") != 0 &&
      (stat(sock, &st) < 0 || !S_ISSOCK(st.st_mode)))
    log_warn("DISPLAY=%s has no socket %s; GUI services may not reach the X server (start it "
             "without -nolisten unix)",
             display, sock);
}

static void find_wayland(void) {
  const char *name = getenv("WAYLAND_DISPLAY"), *dir = getenv("XDG_RUNTIME_DIR"), *base;
  struct stat st;

  if (name == NULL || name[0] == '\0')
    return;
  if (name[0] != '/' && (dir == NULL || dir[0] != '/')) {
    log_warn("WAYLAND_DISPLAY=%s is relative but XDG_RUNTIME_DIR is not an absolute path; GUI "
             "services get no Wayland display (set XDG_RUNTIME_DIR)",
             name);
    return;
  }
  snprintf(host.wayland, sizeof host.wayland, name[0] == '/' ? "%s%s" : "%s/%s",
           name[0] == '/' ? "" : dir, name);
  base = strrchr(host.wayland, '/') + 1;
  if (stat(host.wayland, &st) < 0 || !S_ISSOCK(st.st_mode) || !is_single_component(base) ||
      strlen(base) >= sizeof host.wayland_name) {
    log_warn("WAYLAND_DISPLAY=%s: %s is not a socket; GUI services get no Wayland display (start "
             "the compositor or fix WAYLAND_DISPLAY)",
             name, host.wayland);
    host.wayland[0] = '\0';
    return;
  }
  snprintf(host.wayland_name, sizeof host.wayland_name, "%s", base);
  host.wayland_open = (st.st_mode & S_IWOTH) != 0;
}

static int runs_as_root(const struct service *s) {
  size_t n = strcspn(s->user, ":");
  return n == 0 || (n == 1 && s->user[0] == '0') || (n == 4 && strncmp(s->user, "root", 4) == 0);
}

/* Only the socket's owner may connect when it is not world-writable. Rootless, container root
 * is that owner; as root, container root is not host root, so no service user is.
 * TODO(limitation): no proxy relays the socket for other users; they get no Wayland display. */
static void warn_wayland_owner(const struct service *s) {
  if (host.wayland[0] == '\0' || host.wayland_open || (getuid() != 0 && runs_as_root(s)))
    return;
  if (getuid() == 0)
    log_warn("service %s: only the owner of the Wayland socket %s may connect, and an app started "
             "as root runs its services as unprivileged ids; start the app as the desktop user, or "
             "use X11",
             s->name, host.wayland);
  else
    log_warn("service %s: its user \"%s\" may not connect to the Wayland socket %s (only its "
             "owner, container root, may); set `user: \"0\"` for the service, or use X11",
             s->name, s->user, host.wayland);
}

void gui_host_prepare(const struct manifest *m) {
  size_t i = 0;

  while (i < m->service_count && !gui_wanted(&m->services[i]))
    i++;
  if (i == m->service_count)
    return;
  host.prepared = 1;
  find_x11(m);
  find_wayland();
  for (; i < m->service_count; i++) {
    if (!gui_wanted(&m->services[i]))
      continue;
    /* TODO(limitation): stderr only; the events stream has no warning type to carry it. */
    if (host.display[0] == '\0' && host.wayland[0] == '\0')
      log_warn("service %s opens windows but no display was found: set DISPLAY or "
               "WAYLAND_DISPLAY",
               m->services[i].name);
    warn_wayland_owner(&m->services[i]);
  }
}

static int bind_at(int source, int target, unsigned long extra) {
  char from[64], to[64];
  return mount(fd_path(source, from, sizeof from), fd_path(target, to, sizeof to), NULL,
               MS_BIND | extra, NULL);
}

/* An image without /tmp gets the usual sticky, world-writable one, not a 0755 directory. */
static void ensure_tmp(int root) {
  if (mkdirat(root, "tmp", 01777) == 0)
    fchmodat(root, "tmp", 01777, 0);
}

/* The host's socket directory, read-only: connecting to a socket needs no write access to the
 * mount, and the service cannot plant or remove sockets of the host.
 * TODO(limitation): X11 isolates nothing; the service can read and drive every other window. */
static void mount_x11(const struct service *s, int root) {
  int src = open(GUI_X11_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC), dst = -1, rc = -1;

  if (src >= 0) {
    ensure_tmp(root);
    dst = mkdirs_in_root(root, GUI_X11_DIR);
  }
  if (dst >= 0)
    rc = bind_at(src, dst, MS_REC);
  if (rc == 0)
    rc = mounts_read_only_at(root, GUI_X11_DIR);
  if (rc < 0)
    log_warn("service %s: binding %s failed (%s); it gets no X11 display", s->name, GUI_X11_DIR,
             strerror(errno));
  if (src >= 0)
    close(src);
  if (dst >= 0)
    close(dst);
}

/* A small private tmpfs: the X cookie never reaches a disk and ends with the service. */
static int mount_runtime_dir(const struct service *s, int root) {
  int target = mkdirs_in_root(root, GUI_RUNTIME_DIR), rc = -1;
  char at[64];

  if (target >= 0)
    rc = mount("tmpfs", fd_path(target, at, sizeof at), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
               "mode=0700,size=1024k");
  if (target >= 0)
    close(target);
  if (rc == 0)
    return open_in_root(root, GUI_RUNTIME_DIR, O_RDONLY | O_DIRECTORY, 0);
  log_warn("service %s: mounting %s failed (%s); it gets no X authority or Wayland display",
           s->name, GUI_RUNTIME_DIR, strerror(errno));
  return -1;
}

static void mount_wayland(const struct service *s, int dir) {
  int made = openat(dir, host.wayland_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int src = open(host.wayland, O_PATH | O_CLOEXEC), dst = -1;

  if (made >= 0)
    close(made);
  if (made >= 0 && src >= 0)
    dst = openat(dir, host.wayland_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst >= 0 && bind_at(src, dst, 0) == 0)
    ready.wayland = 1;
  else
    log_warn("service %s: cannot reach the Wayland socket %s (%s); it gets no Wayland display",
             s->name, host.wayland, strerror(errno));
  if (src >= 0)
    close(src);
  if (dst >= 0)
    close(dst);
}

void gui_mount(const struct service *s, int root) {
  int dir;

  if (!host.prepared || !gui_wanted(s))
    return;
  if (host.display[0] != '\0' && host.x11_local)
    mount_x11(s, root);
  if (host.xauth == NULL && host.wayland[0] == '\0')
    return;
  dir = mount_runtime_dir(s, root);
  if (dir < 0)
    return;
  ready.dir = 1;
  if (host.xauth != NULL &&
      write_file_atomic(dir, "Xauthority", host.xauth, host.xauth_len, 0600) == 0)
    ready.xauth = 1;
  else if (host.xauth != NULL)
    log_warn("service %s: writing %s failed (%s); it connects without a cookie", s->name,
             GUI_XAUTHORITY, strerror(errno));
  if (host.wayland[0] != '\0')
    mount_wayland(s, dir);
  close(dir);
}

void gui_own(const struct service *s, uid_t uid, gid_t gid) {
  if (!gui_wanted(s) || !ready.dir)
    return;
  /* No symlink is followed: nothing of the image may redirect the chown. */
  if (fchownat(AT_FDCWD, GUI_RUNTIME_DIR, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
      (ready.xauth && fchownat(AT_FDCWD, GUI_XAUTHORITY, uid, gid, AT_SYMLINK_NOFOLLOW) < 0))
    log_warn("service %s: handing %s to uid %u failed (%s)", s->name, GUI_RUNTIME_DIR,
             (unsigned)uid, strerror(errno));
}

static int has_key(char **envp, const char *key) {
  size_t klen = strlen(key);
  for (size_t i = 0; envp[i]; i++)
    if (strncmp(envp[i], key, klen) == 0 && envp[i][klen] == '=')
      return 1;
  return 0;
}

char **gui_env(const struct service *s, char **envp) {
  static char display[300], wayland[400];
  size_t n = 0;
  char **out;
  int own_xdg;

  if (envp == NULL || !host.prepared || !gui_wanted(s))
    return envp;
  while (envp[n])
    n++;
  out = calloc(n + 5, sizeof *out);
  if (out == NULL)
    return envp;
  memcpy(out, envp, n * sizeof *out);
  snprintf(display, sizeof display, "DISPLAY=%s", host.display);
  if (host.display[0] && !has_key(out, "DISPLAY"))
    out[n++] = display;
  if (ready.xauth && !has_key(out, "XAUTHORITY"))
    out[n++] = "XAUTHORITY=" GUI_XAUTHORITY;
  own_xdg = ready.dir && !has_key(out, "XDG_RUNTIME_DIR");
  if (own_xdg)
    out[n++] = "XDG_RUNTIME_DIR=" GUI_RUNTIME_DIR;
  /* Beside a runtime directory the recipe chose, the socket is named by its full path. */
  snprintf(wayland, sizeof wayland, "WAYLAND_DISPLAY=%s%s", own_xdg ? "" : GUI_RUNTIME_DIR "/",
           host.wayland_name);
  if (ready.wayland && !has_key(out, "WAYLAND_DISPLAY"))
    out[n++] = wayland;
  free(envp);
  return out;
}
