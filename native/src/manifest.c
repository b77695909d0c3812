#include "manifest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit-codes.h"
#include "log.h"

#define REBUILD "rebuild the app with `chefer build`"

/* Where in the manifest a check failed, e.g. "services[0].mounts[1].target". */
static char where[256];

static int bad(const char *what) {
  return fail(EXIT_DAMAGED, REBUILD, "read manifest: %s %s", where, what);
}

static void at(const char *fmt, const char *name, size_t i) {
  snprintf(where, sizeof where, fmt, name, i);
}

int is_single_component(const char *name) {
  size_t len = name ? strlen(name) : 0;
  return len > 0 && len <= 255 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
         strchr(name, '/') == NULL;
}

static int get_string(const struct json *obj, const char *key, int nullable, const char **out) {
  const struct json *v = json_get(obj, key);

  *out = NULL;
  if (v != NULL && v->type == JSON_STRING) {
    *out = v->string;
    return 0;
  }
  if (nullable && (v == NULL || v->type == JSON_NULL))
    return 0;
  snprintf(where + strlen(where), sizeof where - strlen(where), ".%s", key);
  return bad("must be a string");
}

static int get_uint(const struct json *obj, const char *key, uint64_t *out) {
  const struct json *v = json_get(obj, key);

  if (v == NULL || v->type != JSON_NUMBER || v->number < 0 || v->number > 9007199254740991.0 ||
      floor(v->number) != v->number) {
    snprintf(where + strlen(where), sizeof where - strlen(where), ".%s", key);
    return bad("must be a whole number below 2^53");
  }
  *out = (uint64_t)v->number;
  return 0;
}

static int get_bool(const struct json *obj, const char *key, int *out) {
  const struct json *v = json_get(obj, key);
  *out = v != NULL && v->type == JSON_BOOL && v->boolean;
  return 0;
}

static int get_strings(const struct json *obj, const char *key, const char ***out, size_t *n) {
  const struct json *v = json_get(obj, key);

  *out = NULL;
  *n = 0;
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (v->type != JSON_ARRAY)
    return bad("has a list that is not an array");
  *out = calloc(v->count + 1, sizeof **out);
  if (*out == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  for (size_t i = 0; i < v->count; i++) {
    if (v->items[i]->type != JSON_STRING) {
      free(*out); /* load_layers keeps the list in a local, not in the manifest */
      *out = NULL;
      return bad("has a list item that is not a string");
    }
    (*out)[i] = v->items[i]->string;
  }
  *n = v->count;
  return 0;
}

static int parse_digest(const char *text, uint8_t out[SHA256_LEN]) {
  if (text == NULL || strncmp(text, "sha256:", 7) != 0 || sha256_parse_hex(text + 7, out) < 0)
    return bad("digest must be sha256:<64 hex digits>");
  return 0;
}

static int load_frames(const struct json *list, struct blob *b, uint64_t chunk) {
  uint64_t csum = 0, usum = 0;

  if (list == NULL || list->type != JSON_ARRAY)
    return bad("frames must be an array");
  b->frames = calloc(list->count + 1, sizeof *b->frames);
  if (b->frames == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  b->frame_count = list->count;
  for (size_t i = 0; i < list->count; i++) {
    struct frame *f = &b->frames[i];
    const char *hex = NULL;
    if (get_uint(list->items[i], "csize", &f->csize) < 0 ||
        get_uint(list->items[i], "usize", &f->usize) < 0 ||
        get_string(list->items[i], "sha256", 0, &hex) < 0)
      return -1;
    if (sha256_parse_hex(hex, f->sha256) < 0)
      return bad("frame sha256 must be 64 hex digits");
    if (f->usize > chunk || f->csize > chunk + chunk / 64 + 4096)
      return bad("has a frame larger than chunk_size");
    csum += f->csize, usum += f->usize;
  }
  if (csum != b->size || usum != b->usize)
    return bad("frame sizes do not add up to the blob's size");
  return 0;
}

static int load_blob(const struct json *j, struct blob *b, uint64_t payload, uint64_t chunk) {
  const char *digest = NULL;

  if (get_string(j, "digest", 0, &digest) < 0 || parse_digest(digest, b->digest) < 0 ||
      get_string(j, "media", 0, &b->media) < 0 || get_uint(j, "offset", &b->offset) < 0 ||
      get_uint(j, "size", &b->size) < 0 || get_uint(j, "usize", &b->usize) < 0)
    return -1;
  sha256_hex(b->digest, b->hex);
  if (b->offset > payload || b->size > payload - b->offset)
    return bad("lies outside the payload");
  return load_frames(json_get(j, "frames"), b, chunk);
}

static int load_blobs(const struct json *list, struct manifest *m, uint64_t payload) {
  if (list == NULL || list->type != JSON_ARRAY)
    return snprintf(where, sizeof where, "blobs"), bad("must be an array");
  m->blobs = calloc(list->count + 1, sizeof *m->blobs);
  if (m->blobs == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  m->blob_count = list->count;
  for (size_t i = 0; i < list->count; i++) {
    at("%s[%zu]", "blobs", i);
    if (load_blob(list->items[i], &m->blobs[i], payload, m->chunk_size) < 0)
      return -1;
  }
  return 0;
}

struct blob *manifest_blob(const struct manifest *m, const char *digest) {
  uint8_t d[SHA256_LEN];

  if (digest == NULL || strncmp(digest, "sha256:", 7) != 0 || sha256_parse_hex(digest + 7, d) < 0)
    return NULL;
  for (size_t i = 0; i < m->blob_count; i++)
    if (memcmp(m->blobs[i].digest, d, SHA256_LEN) == 0)
      return &m->blobs[i];
  return NULL;
}

const struct service *manifest_service(const struct manifest *m, const char *name) {
  for (size_t i = 0; i < m->service_count; i++)
    if (strcmp(m->services[i].name, name) == 0)
      return &m->services[i];
  return NULL;
}

static int load_layers(const struct json *svc, struct service *s, const struct manifest *m) {
  const char **digests;

  if (get_strings(svc, "layers", &digests, &s->layer_count) < 0)
    return -1;
  s->layers = calloc(s->layer_count + 1, sizeof *s->layers);
  if (s->layers == NULL)
    return free(digests), fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  for (size_t i = 0; i < s->layer_count; i++) {
    s->layers[i] = manifest_blob(m, digests[i]);
    if (s->layers[i] == NULL)
      return free(digests), bad("names a layer that is not among the blobs");
  }
  free(digests);
  return 0;
}

static int check_target(const char *target) {
  if (target == NULL || target[0] != '/' || strlen(target) >= 4096)
    return bad("target must be an absolute path");
  return 0;
}

static int mount_type(const char *type, enum mount_type *out) {
  if (type != NULL && strcmp(type, "volume") == 0)
    *out = MOUNT_VOLUME;
  else if (type != NULL && strcmp(type, "bind") == 0)
    *out = MOUNT_BIND;
  else if (type != NULL && strcmp(type, "tmpfs") == 0)
    *out = MOUNT_TMPFS;
  else
    return bad("has an unknown mount type");
  return 0;
}

static int optional_int(const struct json *obj, const char *key, int64_t *out) {
  const struct json *v = json_get(obj, key);
  uint64_t u;

  *out = -1;
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (get_uint(obj, key, &u) < 0)
    return -1;
  *out = (int64_t)u;
  return 0;
}

static int load_mount(const struct json *j, struct mount_spec *mt) {
  const char *type = NULL;
  int64_t mode;

  if (get_string(j, "type", 0, &type) < 0 || mount_type(type, &mt->type) < 0 ||
      get_string(j, "target", 0, &mt->target) < 0 || check_target(mt->target) < 0)
    return -1;
  get_bool(j, "read_only", &mt->read_only);
  if (mt->type == MOUNT_TMPFS)
    return optional_int(j, "size", &mt->size) < 0 || optional_int(j, "mode", &mode) < 0
               ? -1
               : (mt->mode = (int)(mode & 07777), 0);
  if (get_string(j, "source", 0, &mt->source) < 0)
    return -1;
  if (mt->type == MOUNT_VOLUME && !is_single_component(mt->source))
    return bad("volume name must be a single directory name");
  return 0;
}

static int load_mounts(const struct json *svc, struct service *s, size_t index) {
  const struct json *list = json_get(svc, "mounts");

  if (list == NULL || list->type == JSON_NULL)
    return 0;
  if (list->type != JSON_ARRAY)
    return bad("mounts must be an array");
  s->mounts = calloc(list->count + 1, sizeof *s->mounts);
  if (s->mounts == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  s->mount_count = list->count;
  for (size_t i = 0; i < list->count; i++) {
    snprintf(where, sizeof where, "services[%zu].mounts[%zu]", index, i);
    if (load_mount(list->items[i], &s->mounts[i]) < 0)
      return -1;
  }
  return 0;
}

static int load_file(const struct json *j, struct baked_file *f, const struct manifest *m) {
  const char *digest = NULL;
  uint64_t mode, uid, gid;

  if (get_string(j, "target", 0, &f->target) < 0 || check_target(f->target) < 0 ||
      get_string(j, "blob", 0, &digest) < 0 || get_uint(j, "mode", &mode) < 0 ||
      get_uint(j, "uid", &uid) < 0 || get_uint(j, "gid", &gid) < 0)
    return -1;
  f->blob = manifest_blob(m, digest);
  if (f->blob == NULL)
    return bad("names a blob that is not among the blobs");
  if (uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1)
    return bad("has an owner id out of range");
  f->mode = (int)(mode & 07777), f->uid = (uint32_t)uid, f->gid = (uint32_t)gid;
  return 0;
}

static int load_files(const struct json *svc, struct service *s, const struct manifest *m,
                      size_t index) {
  const struct json *list = json_get(svc, "files");

  if (list == NULL || list->type == JSON_NULL)
    return 0;
  if (list->type != JSON_ARRAY)
    return bad("files must be an array");
  s->files = calloc(list->count + 1, sizeof *s->files);
  if (s->files == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  s->file_count = list->count;
  for (size_t i = 0; i < list->count; i++) {
    snprintf(where, sizeof where, "services[%zu].files[%zu]", index, i);
    if (load_file(list->items[i], &s->files[i], m) < 0)
      return -1;
  }
  return 0;
}

static int load_dependency(const struct json *j, struct service *s) {
  const char *name = NULL, *condition = NULL;
  const struct json *required = json_get(j, "required");

  if (get_string(j, "service", 0, &name) < 0 || get_string(j, "condition", 1, &condition) < 0)
    return -1;
  s->depends_condition[s->depends_count] = condition ? condition : "service_started";
  s->depends_required[s->depends_count] =
      required == NULL || required->type != JSON_BOOL || required->boolean;
  s->depends_on[s->depends_count++] = name;
  return 0;
}

static int load_depends(const struct json *svc, struct service *s) {
  const struct json *list = json_get(svc, "depends_on");

  if (list == NULL || list->type != JSON_ARRAY)
    return 0;
  s->depends_on = calloc(list->count + 1, sizeof *s->depends_on);
  s->depends_condition = calloc(list->count + 1, sizeof *s->depends_condition);
  s->depends_required = calloc(list->count + 1, sizeof *s->depends_required);
  if (s->depends_on == NULL || s->depends_condition == NULL || s->depends_required == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  for (size_t i = 0; i < list->count; i++)
    if (load_dependency(list->items[i], s) < 0)
      return -1;
  return 0;
}

/* A missing duration keeps Docker's default, which the packer normally writes out. */
static int load_duration(const struct json *j, const char *key, uint64_t *out, uint64_t def) {
  *out = def;
  return json_get(j, key) == NULL ? 0 : get_uint(j, key, out);
}

static int load_health(const struct json *svc, struct health_spec *h) {
  const struct json *j = json_get(svc, "healthcheck");

  if (j == NULL || j->type == JSON_NULL)
    return 0;
  if (j->type != JSON_OBJECT || get_strings(j, "test", &h->test, &h->test_count) < 0)
    return bad("healthcheck must be an object with a test list");
  if (load_duration(j, "interval_ms", &h->interval_ms, 30000) < 0 ||
      load_duration(j, "timeout_ms", &h->timeout_ms, 30000) < 0 ||
      load_duration(j, "retries", &h->retries, 3) < 0 ||
      load_duration(j, "start_period_ms", &h->start_period_ms, 0) < 0 ||
      load_duration(j, "start_interval_ms", &h->start_interval_ms, 5000) < 0)
    return -1;
  if (h->test_count == 0 || strcmp(h->test[0], "NONE") == 0)
    return 0;
  if ((strcmp(h->test[0], "CMD") != 0 && strcmp(h->test[0], "CMD-SHELL") != 0) || h->test_count < 2)
    return bad("healthcheck test must be [\"CMD\", ...] or [\"CMD-SHELL\", command]");
  h->enabled = 1;
  return 0;
}

static int load_restart(const struct json *svc, struct service *s) {
  const struct json *j = json_get(svc, "restart");

  s->restart_policy = "no";
  if (j == NULL || j->type != JSON_OBJECT)
    return 0;
  if (get_string(j, "policy", 1, &s->restart_policy) < 0)
    return -1;
  if (s->restart_policy == NULL)
    s->restart_policy = "no";
  return json_get(j, "max_retries") == NULL ? 0
                                            : get_uint(j, "max_retries", &s->restart_max_retries);
}

static int load_extra_hosts(const struct json *svc, struct service *s) {
  const struct json *list = json_get(svc, "extra_hosts");

  if (list == NULL || list->type != JSON_ARRAY)
    return 0;
  s->extra_host_names = calloc(list->count + 1, sizeof(char *));
  s->extra_host_ips = calloc(list->count + 1, sizeof(char *));
  if (s->extra_host_names == NULL || s->extra_host_ips == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  for (size_t i = 0; i < list->count; i++) {
    if (get_string(list->items[i], "host", 0, &s->extra_host_names[i]) < 0 ||
        get_string(list->items[i], "ip", 0, &s->extra_host_ips[i]) < 0)
      return -1;
    if (strpbrk(s->extra_host_names[i], " \t\n") || strpbrk(s->extra_host_ips[i], " \t\n"))
      return bad("extra host must not contain white space");
  }
  s->extra_host_count = list->count;
  return 0;
}

static int load_argv_env(const struct json *j, struct service *s) {
  return get_strings(j, "entrypoint", &s->entrypoint, &s->entrypoint_count) < 0 ||
                 get_strings(j, "cmd", &s->cmd, &s->cmd_count) < 0 ||
                 get_strings(j, "env", &s->env, &s->env_count) < 0
             ? -1
             : 0;
}

/* The capability list (names the runtime maps when it applies them) and the seccomp mode. */
static int load_confinement(const struct json *j, struct service *s) {
  const char *seccomp;

  s->caps_given = json_get(j, "capabilities") != NULL;
  if (get_strings(j, "capabilities", &s->caps, &s->cap_count) < 0 ||
      get_string(j, "seccomp", 1, &seccomp) < 0)
    return -1;
  if (seccomp != NULL && strcmp(seccomp, "default") != 0 && strcmp(seccomp, "unconfined") != 0)
    return bad("seccomp must be \"default\" or \"unconfined\"");
  s->seccomp_unconfined = seccomp != NULL && strcmp(seccomp, "unconfined") == 0;
  return 0;
}

static int load_scalars(const struct json *j, struct service *s) {
  const struct json *grace = json_get(j, "stop_grace_period_ms");

  if (get_string(j, "name", 0, &s->name) < 0 || get_string(j, "workdir", 1, &s->workdir) < 0 ||
      get_string(j, "user", 1, &s->user) < 0 || get_string(j, "hostname", 1, &s->hostname) < 0 ||
      get_string(j, "interface_mode", 1, &s->interface_mode) < 0 ||
      get_string(j, "stop_signal", 1, &s->stop_signal) < 0)
    return -1;
  if (!is_single_component(s->name))
    return bad("name must be a single directory name");
  s->stop_grace_ms = 10000;
  if (grace != NULL && get_uint(j, "stop_grace_period_ms", &s->stop_grace_ms) < 0)
    return -1;
  get_bool(j, "init", &s->init);
  if (s->workdir == NULL || s->workdir[0] == '\0')
    s->workdir = "/";
  if (s->workdir[0] != '/')
    return bad("workdir must be an absolute path");
  if (s->hostname == NULL || s->hostname[0] == '\0' || strlen(s->hostname) > 64)
    s->hostname = s->name;
  if (s->interface_mode == NULL)
    s->interface_mode = "none";
  return 0;
}

static int load_service(const struct json *j, struct service *s, const struct manifest *m,
                        size_t i) {
  if (j->type != JSON_OBJECT)
    return at("%s[%zu]", "services", i), bad("must be an object");
  at("%s[%zu]", "services", i);
  if (load_scalars(j, s) < 0 || load_layers(j, s, m) < 0 || load_argv_env(j, s) < 0 ||
      load_confinement(j, s) < 0)
    return -1;
  if (s->entrypoint_count + s->cmd_count == 0)
    return bad("has neither entrypoint nor cmd");
  return load_mounts(j, s, i) < 0 || load_files(j, s, m, i) < 0 || load_depends(j, s) < 0 ||
                 load_extra_hosts(j, s) < 0 || load_health(j, &s->health) < 0 ||
                 load_restart(j, s) < 0
             ? -1
             : 0;
}

static int load_services(const struct json *list, struct manifest *m) {
  if (list == NULL || list->type != JSON_ARRAY || list->count == 0)
    return snprintf(where, sizeof where, "services"), bad("must be a non-empty array");
  m->services = calloc(list->count + 1, sizeof *m->services);
  if (m->services == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  m->service_count = list->count;
  for (size_t i = 0; i < list->count; i++)
    if (load_service(list->items[i], &m->services[i], m, i) < 0)
      return -1;
  return 0;
}

static int load_app(const struct json *app, struct manifest *m) {
  snprintf(where, sizeof where, "app");
  if (app == NULL || app->type != JSON_OBJECT)
    return bad("must be an object");
  if (get_string(app, "name", 0, &m->app_name) < 0 ||
      get_string(app, "app_version", 1, &m->app_version) < 0 ||
      get_string(app, "data_dir", 1, &m->data_dir) < 0)
    return -1;
  if (!is_single_component(m->app_name))
    return bad("name must be a single directory name");
  return 0;
}

static int load_top(struct manifest *m) {
  uint64_t version;

  snprintf(where, sizeof where, "manifest");
  if (m->root->type != JSON_OBJECT)
    return bad("must be a JSON object");
  if (get_uint(m->root, "format_version", &version) < 0)
    return -1;
  if (version != 1)
    return fail(EXIT_DAMAGED, "rebuild the app with a matching chefer",
                "read manifest: format version %llu is not supported (this runtime reads 1)",
                (unsigned long long)version);
  if (get_uint(m->root, "chunk_size", &m->chunk_size) < 0 ||
      get_string(m->root, "builder", 1, &m->builder) < 0 ||
      get_string(m->root, "target", 1, &m->target) < 0)
    return -1;
  if (m->chunk_size == 0 || m->chunk_size > (64u << 20))
    return bad("chunk_size must be between 1 byte and 64 MiB");
  return 0;
}

static int load_volumes(struct manifest *m) {
  snprintf(where, sizeof where, "volumes");
  if (get_strings(m->root, "volumes", &m->volumes, &m->volume_count) < 0)
    return -1;
  for (size_t i = 0; i < m->volume_count; i++)
    if (!is_single_component(m->volumes[i]))
      return bad("has a name that is not a single directory name");
  return 0;
}

int manifest_load(const char *text, size_t len, uint64_t payload_size, struct manifest *out) {
  memset(out, 0, sizeof *out);
  if (json_parse(text, len, &out->root) < 0)
    return -1;
  if (load_top(out) < 0 || load_app(json_get(out->root, "app"), out) < 0 || load_volumes(out) < 0 ||
      load_blobs(json_get(out->root, "blobs"), out, payload_size) < 0 ||
      load_services(json_get(out->root, "services"), out) < 0) {
    manifest_free(out);
    return -1;
  }
  return 0;
}

static void free_service(struct service *s) {
  free(s->layers);
  free(s->entrypoint);
  free(s->cmd);
  free(s->env);
  free(s->mounts);
  free(s->files);
  free(s->depends_on);
  free(s->depends_condition);
  free(s->depends_required);
  free(s->health.test);
  free(s->extra_host_names);
  free(s->extra_host_ips);
  free(s->caps);
}

void manifest_free(struct manifest *m) {
  for (size_t i = 0; i < m->service_count; i++)
    free_service(&m->services[i]);
  for (size_t i = 0; i < m->blob_count; i++)
    free(m->blobs[i].frames);
  free(m->services);
  free(m->blobs);
  free(m->volumes);
  json_free(m->root);
  memset(m, 0, sizeof *m);
}
