/* libFuzzer target: extracting a layer tar into a scratch root. After every input, nothing
 * may exist outside the root (scratch.h says how that is watched) and no device node inside.
 * The input is fed in uneven pieces so that headers and records arrive split, as they do
 * when the runtime decompresses frames into the extractor. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "scratch.h"
#include "tar.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int root = -1;
static const size_t pieces[] = {512, 7, 1024, 1, 300, 4096};
#define PIECE_KINDS (sizeof pieces / sizeof pieces[0])

static int feed(struct tar_extract *t, const uint8_t *data, size_t size) {
  for (size_t i = 0; size > 0; i++) {
    size_t n = pieces[i % PIECE_KINDS] < size ? pieces[i % PIECE_KINDS] : size;
    if (tar_feed(t, data, n) < 0)
      return -1;
    data += n, size -= n;
  }
  return tar_finish(t);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  root = scratch_init();
  return 0;
}

/* CHEFER_FUZZ_SELF_TEST=escape makes every input write outside the root, so a test can see
 * scratch_check() catch it: a watch that never fires proves nothing. */
static void self_test(void) {
  const char *mode = getenv("CHEFER_FUZZ_SELF_TEST");
  int fd;

  if (mode == NULL || strcmp(mode, "escape") != 0)
    return;
  fd = openat(root, "../escaped", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct tar_extract *t = tar_begin(root, "fuzz");

  if (t == NULL)
    abort();
  error_clear();
  if (feed(t, data, size) < 0 && (error_code() == 0 || error_message()[0] == '\0'))
    abort(); /* a refusal the runtime could not explain to the user */
  tar_free(t);
  self_test();
  scratch_check();
  scratch_reset();
  return 0;
}
