/* The manifest (docs/format.md, "Manifest") as C structures, checked for what the runtime
 * relies on: blob bounds inside the payload, frame sizes adding up, names that are single
 * path components, absolute mount targets. Strings point into the parsed JSON tree. */
#ifndef CHEFER_MANIFEST_H
#define CHEFER_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "sha256.h"

struct frame {
  uint64_t csize;
  uint64_t usize;
  uint8_t sha256[SHA256_LEN];
};

struct blob {
  uint8_t digest[SHA256_LEN];
  char hex[SHA256_HEX_LEN + 1];
  const char *media; /* "layer" or "file" */
  uint64_t offset;   /* relative to the payload */
  uint64_t size;
  uint64_t usize;
  size_t frame_count;
  struct frame *frames;
};

enum mount_type { MOUNT_VOLUME, MOUNT_BIND, MOUNT_TMPFS };

struct mount_spec {
  enum mount_type type;
  const char *source; /* volume name or host path; NULL for tmpfs */
  const char *target;
  int read_only;
  int64_t size; /* tmpfs: bytes, -1 for the kernel default */
  int mode;     /* tmpfs: mode, -1 for the default */
};

struct baked_file {
  const char *target;
  struct blob *blob;
  int mode;
  uint32_t uid, gid;
};

/* A health check as the manifest gives it; test[0] is "CMD" or "CMD-SHELL". */
struct health_spec {
  int enabled;
  const char **test;
  size_t test_count;
  uint64_t interval_ms, timeout_ms, retries, start_period_ms, start_interval_ms;
};

struct service {
  const char *name;
  size_t layer_count;
  struct blob **layers;
  const char **entrypoint;
  size_t entrypoint_count;
  const char **cmd;
  size_t cmd_count;
  const char **env;
  size_t env_count;
  const char *workdir;
  const char *user;
  const char *hostname;
  const char *interface_mode; /* none, gui, terminal, both */
  const char *stop_signal;
  uint64_t stop_grace_ms;
  int init;
  size_t mount_count;
  struct mount_spec *mounts;
  size_t file_count;
  struct baked_file *files;
  size_t depends_count;
  const char **depends_on;        /* names of the services this one depends on */
  const char **depends_condition; /* per dependency: service_started, _healthy, ... */
  int *depends_required;          /* per dependency: 0 when `required: false` */
  struct health_spec health;
  const char *restart_policy; /* no, on-failure, always, unless-stopped */
  uint64_t restart_max_retries;
  size_t extra_host_count;
  const char **extra_host_names;
  const char **extra_host_ips;
  int caps_given; /* 0: Docker's default capability set */
  const char **caps;
  size_t cap_count;
  int seccomp_unconfined;
};

struct manifest {
  struct json *root;
  uint64_t chunk_size;
  const char *builder;
  const char *target;
  const char *app_name;
  const char *app_version; /* may be NULL */
  const char *data_dir;    /* may be NULL */
  size_t volume_count;
  const char **volumes;
  size_t blob_count;
  struct blob *blobs;
  size_t service_count;
  struct service *services;
};

/* Parses and checks the manifest text; payload_size bounds every blob. Takes ownership of
 * nothing: text may be freed after the call. */
int manifest_load(const char *text, size_t len, uint64_t payload_size, struct manifest *out);
void manifest_free(struct manifest *m);

struct blob *manifest_blob(const struct manifest *m, const char *digest);
const struct service *manifest_service(const struct manifest *m, const char *name);

/* True when name is a usable single directory name: not empty, ".", "..", no '/', no NUL,
 * at most 255 bytes. */
int is_single_component(const char *name);

#endif
