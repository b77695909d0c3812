#include "exec.h"
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit-codes.h"
#include "gui.h"
#include "io.h"
#include "log.h"

#define SUBID_FIX                                                                                  \
  "give this user a range in /etc/subuid and /etc/subgid (e.g. `usermod --add-subuids "            \
  "100000-165535 --add-subgids 100000-165535 $USER`) and install newuidmap (package uidmap)"

static int parse_id(const char *text, unsigned *out) {
  char *end;
  unsigned long v;

  if (text[0] < '0' || text[0] > '9')
    return -1;
  v = strtoul(text, &end, 10);
  if (*end != '\0' || v > 0xFFFFFFFEul)
    return -1;
  *out = (unsigned)v;
  return 0;
}

/* Finds the line of an /etc/passwd or /etc/group file whose field 0 (name) or field 2 (id)
 * matches; splits it into fields in place. */
static int find_entry(char *text, const char *name, long id, char **fields, int nfields) {
  char *save = NULL;

  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    int n = 0;
    char *p = line;
    while (n < nfields) {
      fields[n++] = p;
      p = strchr(p, ':');
      if (p == NULL)
        break;
      *p++ = '\0';
    }
    if (n < 3)
      continue;
    if ((name && strcmp(fields[0], name) == 0) ||
        (id >= 0 && atol(fields[2]) == id && fields[2][0]))
      return n;
  }
  return -1;
}

static int lookup_user(const char *user, struct identity *id, char *name, size_t size) {
  char *text = NULL, *f[7];
  unsigned num;
  int numeric = parse_id(user, &num) == 0, n = -1;

  if (read_small_file(AT_FDCWD, "/etc/passwd", 4u << 20, &text, NULL) == 0)
    n = find_entry(text, numeric ? NULL : user, numeric ? (long)num : -1, f, 7);
  if (n < 0 && !numeric) {
    free(text);
    return fail(EXIT_START, "set `user:` to a name in the image's /etc/passwd or to a uid",
                "find user %s: no matching entry in the image's /etc/passwd", user);
  }
  id->uid = numeric ? num : (uid_t)atol(f[2]);
  id->gid = n >= 4 ? (gid_t)atol(f[3]) : 0;
  snprintf(id->home, sizeof id->home, "%s", n >= 6 && f[5][0] ? f[5] : "/");
  snprintf(name, size, "%s", n >= 1 ? f[0] : "");
  free(text);
  return 0;
}

static int lookup_group(const char *group, gid_t *gid) {
  char *text = NULL, *f[4];
  unsigned num;

  if (parse_id(group, &num) == 0)
    return *gid = num, 0;
  if (read_small_file(AT_FDCWD, "/etc/group", 4u << 20, &text, NULL) < 0 ||
      find_entry(text, group, -1, f, 4) < 3) {
    free(text);
    return fail(EXIT_START, "set `user:` to a group in the image's /etc/group or to a gid",
                "find group %s: no matching entry in the image's /etc/group", group);
  }
  *gid = (gid_t)atol(f[2]);
  free(text);
  return 0;
}

static int member_of(char *members, const char *name) {
  char *save = NULL;
  for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
    if (strcmp(m, name) == 0)
      return 1;
  return 0;
}

/* Every group in /etc/group listing the user as a member, as Docker adds them. */
static void supplementary(const char *name, struct identity *id) {
  char *text = NULL, *save = NULL;

  id->groups[id->group_count++] = id->gid;
  if (name[0] == '\0' || read_small_file(AT_FDCWD, "/etc/group", 4u << 20, &text, NULL) < 0)
    return;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[4];
    int n = 0;
    for (char *p = line; n < 4 && p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
      f[n++] = p;
    if (n < 4)
      continue;
    *strchr(f[2], ':') = '\0';
    if (member_of(f[3], name) && id->group_count < 64 && (gid_t)atol(f[2]) != id->gid)
      id->groups[id->group_count++] = (gid_t)atol(f[2]);
  }
  free(text);
}

int identity_resolve(const char *spec, struct identity *out) {
  char user[256], name[256] = "", *colon;

  memset(out, 0, sizeof *out);
  snprintf(out->home, sizeof out->home, "/");
  snprintf(user, sizeof user, "%s", spec && spec[0] ? spec : "0");
  colon = strchr(user, ':');
  if (colon != NULL)
    *colon = '\0';
  if (lookup_user(user, out, name, sizeof name) < 0)
    return -1;
  if (colon != NULL && lookup_group(colon + 1, &out->gid) < 0)
    return -1;
  supplementary(colon ? "" : name, out);
  return 0;
}

static size_t count(char *const *list) {
  size_t n = 0;
  while (list && list[n])
    n++;
  return n;
}

char **exec_argv(const struct service *s, char *const *override) {
  size_t nc = override ? count(override) : s->cmd_count, n = 0;
  char **argv = calloc(s->entrypoint_count + nc + 1, sizeof *argv);

  if (argv == NULL)
    return NULL;
  for (size_t i = 0; i < s->entrypoint_count; i++)
    argv[n++] = (char *)s->entrypoint[i];
  for (size_t i = 0; i < nc; i++)
    argv[n++] = override ? override[i] : (char *)s->cmd[i];
  return argv;
}

static int env_index(char **envp, size_t n, const char *kv) {
  size_t klen = strcspn(kv, "=");
  for (size_t i = 0; i < n; i++)
    if (strncmp(envp[i], kv, klen) == 0 && envp[i][klen] == '=')
      return (int)i;
  return -1;
}

char **exec_envp(const struct service *s, char *const *extra, const char *home) {
  size_t n = 0, ne = count(extra);
  char **envp = calloc(s->env_count + ne + 3, sizeof *envp);
  static char home_kv[300];

  if (envp == NULL)
    return NULL;
  for (size_t i = 0; i < s->env_count; i++)
    envp[n++] = (char *)s->env[i];
  for (size_t i = 0; i < ne; i++) {
    int at = env_index(envp, n, extra[i]);
    envp[at >= 0 ? (size_t)at : n++] = extra[i];
  }
  snprintf(home_kv, sizeof home_kv, "HOME=%s", home);
  if (env_index(envp, n, "HOME=") < 0)
    envp[n++] = home_kv;
  if (env_index(envp, n, "HOSTNAME=") < 0) {
    static char host_kv[80] = "HOSTNAME=";
    gethostname(host_kv + 9, sizeof host_kv - 10);
    envp[n++] = host_kv;
  }
  return envp;
}

static int switch_user(const struct service *s, const struct identity *id) {
  /* With a single mapped id, setgroups is denied by the kernel; only the one group exists. */
  if (setgroups(id->group_count, id->groups) < 0 && errno != EPERM)
    return fail_errno(EXIT_START, SUBID_FIX,
                      "set groups for user \"%s\" (a group is not mapped in this user namespace)",
                      s->user);
  if (setresgid(id->gid, id->gid, id->gid) < 0)
    return fail_errno(EXIT_START, SUBID_FIX,
                      "switch to group %u for user \"%s\" (not mapped in this user namespace)",
                      (unsigned)id->gid, s->user);
  if (setresuid(id->uid, id->uid, id->uid) < 0)
    return fail_errno(EXIT_START, SUBID_FIX,
                      "switch to user %u for user \"%s\" (not mapped in this user namespace)",
                      (unsigned)id->uid, s->user);
  return 0;
}

static const char *env_value(char **envp, const char *key) {
  size_t klen = strlen(key);
  for (size_t i = 0; envp[i]; i++)
    if (strncmp(envp[i], key, klen) == 0 && envp[i][klen] == '=')
      return envp[i] + klen + 1;
  return NULL;
}

/* Searches PATH as the image's environment sets it, not the runtime's. */
static int exec_search(char **argv, char **envp) {
  const char *path = env_value(envp, "PATH");
  char buf[4096];
  int saved = ENOENT;

  if (strchr(argv[0], '/'))
    return execve(argv[0], argv, envp);
  for (const char *p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
       ; p = strchr(p, ':') + 1) {
    size_t len = strcspn(p, ":");
    snprintf(buf, sizeof buf, "%.*s/%s", (int)len, len ? p : ".", argv[0]);
    execve(buf, argv, envp);
    if (errno != ENOENT && errno != ENOTDIR)
      saved = errno;
    if (p[len] == '\0')
      break;
  }
  errno = saved;
  return -1;
}

static int enter_workdir(const char *dir) {
  char path[4096];

  snprintf(path, sizeof path, "%s", dir);
  /* Docker creates a missing working directory. We are inside the root already, so plain
   * mkdir cannot escape it. */
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    mkdir(path, 0755);
    *p = '/';
  }
  mkdir(path, 0755);
  return chdir(dir) < 0 ? fail_errno(EXIT_START, NULL, "enter working directory %s", dir) : 0;
}

void exec_service(const struct service *s, char *const *override, char *const *extra_env) {
  exec_command(s, exec_argv(s, override), extra_env);
}

void exec_command(const struct service *s, char *const *argv, char *const *extra_env) {
  struct identity id;
  char **envp;

  if (identity_resolve(s->user, &id) < 0 || enter_workdir(s->workdir) < 0)
    _exit(error_report());
  envp = gui_env(s, exec_envp(s, extra_env, id.home));
  if (argv == NULL || envp == NULL || argv[0] == NULL)
    fail(EXIT_START, NULL, "start service %s: no command to run", s->name), _exit(error_report());
  gui_own(s, id.uid, id.gid);
  if (confine_apply(s) < 0 || switch_user(s, &id) < 0)
    _exit(error_report());
  /* No host descriptor may leak into the service (CVE-2024-21626 came from one). Marked
   * close-on-exec rather than closed, so a failed exec can still report on the events fd;
   * kernels before 5.11 lack the flag and get them closed. */
  if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    syscall(SYS_close_range, 3, ~0U, 0);
  exec_search((char **)argv, envp);
  fail_errno(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC,
             "check the service's entrypoint and cmd", "exec %s in service %s", argv[0], s->name);
  _exit(error_report());
}

static pid_t shim_child;

static void forward(int sig) {
  kill(shim_child, sig);
}

void init_shim(pid_t child) {
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  int status = 0;
  pid_t pid;

  shim_child = child;
  /* The service shares this pid namespace and could open /proc/1/fd/N: nothing of the host
   * (the cache, the executable, the events pipe) may stay open here. */
  syscall(SYS_close_range, 3, ~0U, 0);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    signal(sigs[i], forward);
  for (;;) {
    pid = wait(&status);
    if (pid == child)
      break;
    if (pid < 0 && errno != EINTR)
      _exit(EXIT_BUG);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SIGNAL_BASE + WTERMSIG(status));
}
