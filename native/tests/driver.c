/* The native test driver: runs one runtime unit on a file so node tests (test/native/) can
 * check it on real and hostile inputs. Prints results on stdout, errors as the runtime does. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "blob.h"
#include "exit-codes.h"
#include "footer.h"
#include "gui.h"
#include "io.h"
#include "json.h"
#include "log.h"
#include "manifest.h"
#include "service.h"
#include "sha256.h"
#include "tar.h"

static int cmd_sha256(const char *file) {
  char *data;
  size_t len;
  uint8_t digest[SHA256_LEN];
  char hex[SHA256_HEX_LEN + 1];

  if (read_small_file(AT_FDCWD, file, 256u << 20, &data, &len) < 0)
    return fail_errno(EXIT_USER, NULL, "read %s", file);
  sha256_once(data, len, digest);
  sha256_hex(digest, hex);
  printf("%s\n", hex);
  free(data);
  return 0;
}

static void print_json(const struct json *v) {
  switch (v->type) {
  case JSON_NULL:
    printf("null");
    break;
  case JSON_BOOL:
    printf(v->boolean ? "true" : "false");
    break;
  case JSON_NUMBER:
    printf("%.17g", v->number);
    break;
  case JSON_STRING:
    printf("s%zu:%s", strlen(v->string), v->string);
    break;
  default:
    printf(v->type == JSON_ARRAY ? "[" : "{");
    for (size_t i = 0; i < v->count; i++) {
      if (v->keys[i])
        printf("%s=", v->keys[i]);
      print_json(v->items[i]);
      printf(i + 1 < v->count ? "," : "");
    }
    printf(v->type == JSON_ARRAY ? "]" : "}");
  }
}

static int cmd_json(const char *file) {
  char *data;
  size_t len;
  struct json *v;

  if (read_small_file(AT_FDCWD, file, 64u << 20, &data, &len) < 0)
    return fail_errno(EXIT_USER, NULL, "read %s", file);
  if (json_parse(data, len, &v) < 0)
    return free(data), -1;
  print_json(v);
  printf("\n");
  json_free(v);
  free(data);
  return 0;
}

static int open_exe(const char *file, struct footer *f, struct manifest *m) {
  char *text;
  int fd = open(file, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return fail_errno(EXIT_USER, NULL, "open %s", file);
  if (footer_read(fd, f, &text) < 0)
    return -1;
  if (manifest_load(text, f->manifest_size, f->manifest_offset - f->payload_offset, m) < 0)
    return free(text), -1;
  free(text);
  return fd;
}

static int cmd_manifest(const char *file) {
  struct footer f;
  struct manifest m;

  if (open_exe(file, &f, &m) < 0)
    return -1;
  printf("app %s\nblobs %zu\nservices %zu\n", m.app_name, m.blob_count, m.service_count);
  for (size_t i = 0; i < m.service_count; i++)
    printf("service %s layers %zu\n", m.services[i].name, m.services[i].layer_count);
  manifest_free(&m);
  return 0;
}

static int sink_fd(void *ctx, const uint8_t *data, size_t len) {
  return write_full(*(int *)ctx, data, len) < 0 ? fail_errno(EXIT_ENVIRONMENT, NULL, "write") : 0;
}

/* Reads every blob of the executable, verifying frames and digests. */
static int cmd_blobs(const char *file) {
  struct footer f;
  struct manifest m;
  int devnull = open("/dev/null", O_WRONLY);
  int fd = open_exe(file, &f, &m);

  if (fd < 0)
    return -1;
  for (size_t i = 0; i < m.blob_count; i++) {
    if (blob_read(fd, f.payload_offset, &m.blobs[i], sink_fd, &devnull) < 0)
      return -1;
    printf("blob %s ok\n", m.blobs[i].hex);
  }
  manifest_free(&m);
  return 0;
}

static int feed_tar(void *ctx, const uint8_t *data, size_t len) {
  return tar_feed(ctx, data, len);
}

static int cmd_extract(const char *file, const char *dir) {
  char *data;
  size_t len;
  struct tar_stats st;
  int rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct tar_extract *t = tar_begin(rootfd, "test");
  int rc;

  if (rootfd < 0)
    return fail_errno(EXIT_USER, NULL, "open %s", dir);
  if (read_small_file(AT_FDCWD, file, 256u << 20, &data, &len) < 0)
    return fail_errno(EXIT_USER, NULL, "read %s", file);
  /* Odd-sized pieces exercise the streaming state machine across block boundaries. */
  rc = 0;
  for (size_t at = 0; rc == 0 && at < len; at += 777)
    rc = feed_tar(t, (const uint8_t *)data + at, len - at < 777 ? len - at : 777);
  if (rc == 0)
    rc = tar_finish(t);
  tar_get_stats(t, &st);
  if (rc == 0)
    printf("entries %llu devices-skipped %llu\n", (unsigned long long)st.entries,
           (unsigned long long)st.skipped_devices);
  tar_free(t);
  free(data);
  return rc;
}

static char **probe_argv;

/* Runs the probe command in the first service once it is running, as a supervisor would. */
static void probe_started(const struct manifest *m, const pid_t *pids) {
  int status = 0;
  pid_t pid = service_probe(&m->services[0], pids[0], probe_argv, -1);

  if (pid < 0 || waitpid(pid, &status, 0) < 0) {
    error_report();
    return;
  }
  fprintf(stderr, "probe exited %d\n",
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Runs the app in FILE, with probe_argv run inside its first service after the start. */
static int cmd_probe(const char *file, char **argv) {
  struct footer f;
  struct manifest m;
  struct options o = {0};
  int fd = open_exe(file, &f, &m), rc;

  if (fd < 0)
    return -1;
  probe_argv = argv;
  rc = app_run(
      &(struct app){.opts = &o, .manifest = &m, .footer = &f, .exe = fd, .started = probe_started});
  fflush(stdout);
  return rc < 0 ? -1 : (exit(rc), 0);
}

/* Filters the X authority file FILE for display NUMBER ("local" or "tcp") into OUT; prints
 * how many entries were kept. */
static int cmd_xauth(const char *file, const char *number, const char *kind, const char *out) {
  char *text = NULL;
  uint8_t *kept = NULL;
  size_t len = 0, kept_len = 0, bad = 0;
  int n;

  if (read_small_file(AT_FDCWD, file, 1u << 20, &text, &len) < 0)
    return fail_errno(EXIT_USAGE, NULL, "read %s", file);
  n = gui_xauth_filter((const uint8_t *)text, len, number, strcmp(kind, "local") == 0, &kept,
                       &kept_len, &bad);
  free(text);
  if (n < 0)
    return fail(EXIT_USAGE, NULL, "parse %s: malformed entry at byte %zu", file, bad);
  if (write_file_atomic(AT_FDCWD, out, kept, kept_len, 0600) < 0)
    return free(kept), fail_errno(EXIT_USAGE, NULL, "write %s", out);
  free(kept);
  printf("%d\n", n);
  return 0;
}

int main(int argc, char **argv) {
  int rc = -1;

  if (argc == 3 && strcmp(argv[1], "sha256") == 0)
    rc = cmd_sha256(argv[2]);
  else if (argc == 3 && strcmp(argv[1], "json") == 0)
    rc = cmd_json(argv[2]);
  else if (argc == 3 && strcmp(argv[1], "manifest") == 0)
    rc = cmd_manifest(argv[2]);
  else if (argc == 3 && strcmp(argv[1], "blobs") == 0)
    rc = cmd_blobs(argv[2]);
  else if (argc == 4 && strcmp(argv[1], "extract") == 0)
    rc = cmd_extract(argv[2], argv[3]);
  else if (argc >= 4 && strcmp(argv[1], "probe") == 0)
    rc = cmd_probe(argv[2], argv + 3);
  else if (argc == 6 && strcmp(argv[1], "xauth") == 0)
    rc = cmd_xauth(argv[2], argv[3], argv[4], argv[5]);
  else
    fail(EXIT_USAGE, NULL,
         "usage: chefer-native-test sha256|json|manifest|blobs FILE | extract TAR DIR | "
         "probe FILE ARGV... | xauth FILE NUMBER local|tcp OUT");
  fflush(stdout);
  return rc < 0 ? error_report() : 0;
}
