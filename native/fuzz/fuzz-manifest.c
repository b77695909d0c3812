/* libFuzzer target: manifest_load (the JSON parser and the manifest checks) on arbitrary text.
 * An accepted manifest must keep every promise manifest.h makes to the rest of the runtime:
 * blobs inside the payload, frames adding up, names that are single path components. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A payload size that seed manifests fit in and that mutated offsets can overflow. */
#define PAYLOAD (1u << 20)

static void check(int ok) {
  if (!ok)
    abort(); /* the manifest checks let through something the runtime relies on */
}

static void check_blob(const struct manifest *m, const struct blob *b) {
  uint64_t csum = 0, usum = 0;

  check(b->offset <= PAYLOAD && b->size <= PAYLOAD - b->offset);
  check(b->media != NULL);
  for (size_t i = 0; i < b->frame_count; i++) {
    check(b->frames[i].usize <= m->chunk_size);
    csum += b->frames[i].csize, usum += b->frames[i].usize;
  }
  check(csum == b->size && usum == b->usize);
}

static int is_blob(const struct manifest *m, const struct blob *b) {
  return b >= m->blobs && b < m->blobs + m->blob_count;
}

static void check_service(const struct manifest *m, const struct service *s) {
  check(is_single_component(s->name) && s->workdir[0] == '/' && s->hostname != NULL);
  check(s->entrypoint_count + s->cmd_count > 0);
  for (size_t i = 0; i < s->layer_count; i++)
    check(is_blob(m, s->layers[i]));
  for (size_t i = 0; i < s->file_count; i++)
    check(is_blob(m, s->files[i].blob) && s->files[i].target[0] == '/');
  for (size_t i = 0; i < s->mount_count; i++) {
    const struct mount_spec *mt = &s->mounts[i];
    check(mt->target[0] == '/');
    check(mt->type != MOUNT_VOLUME || is_single_component(mt->source));
  }
  check(manifest_service(m, s->name) != NULL);
}

static void check_manifest(const struct manifest *m) {
  check(is_single_component(m->app_name));
  check(m->chunk_size > 0 && m->chunk_size <= (64u << 20));
  check(m->service_count > 0);
  for (size_t i = 0; i < m->volume_count; i++)
    check(is_single_component(m->volumes[i]));
  for (size_t i = 0; i < m->blob_count; i++)
    check_blob(m, &m->blobs[i]);
  for (size_t i = 0; i < m->service_count; i++)
    check_service(m, &m->services[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct manifest m;

  error_clear();
  if (manifest_load((const char *)data, size, PAYLOAD, &m) < 0) {
    check(error_code() != 0 && error_message()[0] != '\0');
    return 0;
  }
  check_manifest(&m);
  manifest_free(&m);
  return 0;
}
