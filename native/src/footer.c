#include "footer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"

static const uint8_t magic[8] = {0x89, 'C', 'H', 'E', 'F', 'E', 'R', '\n'};
static const uint8_t end_magic[8] = {'C', 'H', 'E', 'F', 'E', 'N', 'D', 0};

#define REBUILD "download the app again, or rebuild it with `chefer build`"

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int check_bounds(const struct footer *f, uint64_t real_size) {
  if (f->file_size != real_size)
    return fail(EXIT_DAMAGED, REBUILD,
                "read footer: truncated or extended file (footer says %llu bytes, file has %llu)",
                (unsigned long long)f->file_size, (unsigned long long)real_size);
  if (f->payload_offset > f->manifest_offset)
    return fail(EXIT_DAMAGED, REBUILD, "read footer: damaged footer (payload after manifest)");
  if (f->manifest_size > MANIFEST_MAX)
    return fail(EXIT_DAMAGED, REBUILD, "read footer: damaged footer (manifest over 64 MiB)");
  if (f->manifest_offset > real_size - FOOTER_SIZE ||
      f->manifest_size != real_size - FOOTER_SIZE - f->manifest_offset)
    return fail(EXIT_DAMAGED, REBUILD, "read footer: damaged footer (manifest out of place)");
  return 0;
}

int footer_decode(const uint8_t raw[FOOTER_SIZE], uint64_t real_size, struct footer *out) {
  if (real_size < FOOTER_SIZE || memcmp(raw, magic, 8) != 0 || memcmp(raw + 88, end_magic, 8))
    return fail(EXIT_DAMAGED, "run a file built by `chefer build`",
                "read footer: not a chefer executable (no footer magic)");
  out->format_version = le32(raw + 8);
  if (out->format_version != FORMAT_VERSION)
    return fail(EXIT_DAMAGED, "rebuild the app with a chefer that writes format 1",
                "read footer: format version %u is not supported (this runtime reads %d)",
                out->format_version, FORMAT_VERSION);
  out->flags = le32(raw + 12);
  if (out->flags != 0)
    return fail(EXIT_DAMAGED, "rebuild the app with a matching chefer",
                "read footer: unknown flags 0x%x", out->flags);
  out->payload_offset = le64(raw + 16);
  out->manifest_offset = le64(raw + 24);
  out->manifest_size = le64(raw + 32);
  memcpy(out->manifest_sha256, raw + 40, SHA256_LEN);
  out->file_size = le64(raw + 72);
  return check_bounds(out, real_size);
}

static int read_manifest(int fd, const struct footer *f, char **manifest) {
  uint8_t digest[SHA256_LEN];
  char *buf = malloc(f->manifest_size + 1);

  if (buf == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read manifest: out of memory");
  if (pread_full(fd, buf, f->manifest_size, (off_t)f->manifest_offset) < 0) {
    free(buf);
    return fail_errno(EXIT_DAMAGED, REBUILD, "read manifest");
  }
  buf[f->manifest_size] = '\0';
  sha256_once(buf, f->manifest_size, digest);
  if (memcmp(digest, f->manifest_sha256, SHA256_LEN) != 0) {
    free(buf);
    return fail(EXIT_DAMAGED, REBUILD, "read manifest: damaged manifest (SHA-256 mismatch)");
  }
  *manifest = buf;
  return 0;
}

int footer_read(int fd, struct footer *out, char **manifest) {
  uint8_t raw[FOOTER_SIZE];
  struct stat st;

  if (fstat(fd, &st) < 0)
    return fail_errno(EXIT_ENVIRONMENT, NULL, "stat executable");
  if (st.st_size < FOOTER_SIZE)
    return fail(EXIT_DAMAGED, "run a file built by `chefer build`",
                "read footer: not a chefer executable (file too small)");
  if (pread_full(fd, raw, FOOTER_SIZE, st.st_size - FOOTER_SIZE) < 0)
    return fail_errno(EXIT_DAMAGED, REBUILD, "read footer");
  if (footer_decode(raw, (uint64_t)st.st_size, out) < 0)
    return -1;
  return read_manifest(fd, out, manifest);
}
