/* libFuzzer target: a whole executable as the runtime opens it. The input is the file: its
 * footer is decoded and checked, the manifest read and hashed, then loaded, as main.c does. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "footer.h"
#include "io.h"
#include "log.h"
#include "manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file = -1;

static void check(int ok) {
  if (!ok)
    abort(); /* footer_read accepted a footer that breaks the format's rules */
}

/* One memfd reused for every input: the runtime reads its executable through a descriptor. */
static int as_file(const uint8_t *data, size_t size) {
  if (ftruncate(file, 0) < 0 || (size > 0 && pwrite(file, data, size, 0) != (ssize_t)size))
    abort();
  return file;
}

static void load_manifest(const struct footer *f, const char *text) {
  struct manifest m;

  if (manifest_load(text, f->manifest_size, f->manifest_offset - f->payload_offset, &m) < 0) {
    check(error_code() != 0);
    return;
  }
  manifest_free(&m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  file = memfd_create("chefer-fuzz-footer", MFD_CLOEXEC);
  return file < 0 ? (abort(), 0) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct footer f;
  char *text = NULL;

  error_clear();
  if (footer_read(as_file(data, size), &f, &text) < 0) {
    check(error_code() != 0 && error_message()[0] != '\0');
    return 0;
  }
  check(f.file_size == size && f.payload_offset <= f.manifest_offset);
  check(f.manifest_offset + f.manifest_size == size - FOOTER_SIZE);
  load_manifest(&f, text);
  free(text);
  return 0;
}
