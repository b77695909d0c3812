#include "inspect.h"

#include <stdio.h>
#include <stdlib.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"

static int print_raw(int exe, const struct footer *f) {
  char *text = malloc(f->manifest_size + 1);

  if (text == NULL || pread_full(exe, text, f->manifest_size, (off_t)f->manifest_offset) < 0)
    return free(text), fail_errno(EXIT_DAMAGED, NULL, "read manifest");
  fwrite(text, 1, f->manifest_size, stdout);
  printf("\n");
  free(text);
  return 0;
}

static void print_service(const struct service *s) {
  printf("service %s\n  layers %zu\n  command", s->name, s->layer_count);
  for (size_t i = 0; i < s->entrypoint_count; i++)
    printf(" %s", s->entrypoint[i]);
  for (size_t i = 0; i < s->cmd_count; i++)
    printf(" %s", s->cmd[i]);
  printf("\n  workdir %s\n  user %s\n  mounts %zu\n  files %zu\n", s->workdir,
         s->user && s->user[0] ? s->user : "(root)", s->mount_count, s->file_count);
}

int inspect_print(int exe, const struct footer *f, const struct manifest *m, int raw) {
  char hex[SHA256_HEX_LEN + 1];
  uint64_t usize = 0;

  if (raw)
    return print_raw(exe, f);
  sha256_hex(f->manifest_sha256, hex);
  for (size_t i = 0; i < m->blob_count; i++)
    usize += m->blobs[i].usize;
  printf("format %u\npayload offset %llu\nmanifest offset %llu\nmanifest size %llu\n"
         "manifest sha256 %s\nfile size %llu\n",
         f->format_version, (unsigned long long)f->payload_offset,
         (unsigned long long)f->manifest_offset, (unsigned long long)f->manifest_size, hex,
         (unsigned long long)f->file_size);
  printf("app %s\nversion %s\nbuilder %s\ntarget %s\nblobs %zu (%llu bytes uncompressed)\n",
         m->app_name, m->app_version ? m->app_version : "-", m->builder ? m->builder : "-",
         m->target ? m->target : "-", m->blob_count, (unsigned long long)usize);
  for (size_t i = 0; i < m->service_count; i++)
    print_service(&m->services[i]);
  return 0;
}
