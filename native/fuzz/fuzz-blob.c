/* libFuzzer target: blob_read, the verification and decompression of a blob's frames, on a
 * hostile frame table and payload. The input is
 *
 *   byte 0        flags: bit 0 set = each frame's SHA-256 is the true hash of its bytes, so
 *                 the input reaches the decompressor; clear = the hashes are all zero
 *   byte 1        frame count (taken modulo 9)
 *   8 bytes each  per frame: csize, usize (u32 little-endian). As the manifest checks bound
 *                 them, csize is taken modulo the payload's length + 1 (a blob lies inside
 *                 the payload; the frames together may still run past it) and usize
 *                 modulo 4 MiB + 1 (at most chunk_size)
 *   the rest      the payload: the frames' compressed bytes, one after the other
 *
 * A blob_read that succeeds must have handed over exactly usize bytes, frame by frame, whose
 * SHA-256 is the blob's digest; one that fails must leave an error with a message. A first
 * read with a zero digest learns the true digest from the sink; when only the digest was
 * wrong, a second read with it must succeed and give the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blob.h"
#include "exit-codes.h"
#include "log.h"
#include "sha256.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 8
#define MAX_USIZE (4u << 20)

static int file = -1;

/* What the sink saw: the hash of every byte, and whether each call matched its frame. */
struct seen {
  const struct blob *blob;
  struct sha256 hash;
  size_t calls;
  uint64_t bytes;
};

static void check(int ok) {
  if (!ok)
    abort(); /* blob_read broke a promise blob.h makes */
}

static int sink(void *ctx, const uint8_t *data, size_t len) {
  struct seen *s = ctx;

  check(s->calls < s->blob->frame_count && len == s->blob->frames[s->calls].usize);
  sha256_update(&s->hash, data, len);
  s->calls++, s->bytes += len;
  return 0;
}

static uint32_t u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Builds the blob from the header; returns the payload's offset in data, or 0 when short. */
static size_t parse(const uint8_t *data, size_t size, struct blob *b, struct frame *frames) {
  size_t n, at;

  if (size < 2)
    return 0;
  n = data[1] % (MAX_FRAMES + 1);
  at = 2 + 8 * n;
  if (size < at)
    return 0;
  *b = (struct blob){.media = "layer", .frame_count = n, .frames = frames};
  for (size_t i = 0; i < n; i++) {
    frames[i] = (struct frame){.csize = u32(data + 2 + 8 * i) % (size - at + 1),
                               .usize = u32(data + 6 + 8 * i) % (MAX_USIZE + 1)};
    b->size += frames[i].csize, b->usize += frames[i].usize;
  }
  return at;
}

/* The true hash of each frame's bytes where they lie inside the payload. */
static void hash_frames(struct blob *b, const uint8_t *payload, size_t len) {
  uint64_t at = 0;

  for (size_t i = 0; i < b->frame_count; i++) {
    const struct frame *f = &b->frames[i];
    if (f->csize <= len && at <= len - f->csize)
      sha256_once(payload + at, f->csize, b->frames[i].sha256);
    at += f->csize;
  }
}

static int read_blob(const struct blob *b, struct seen *s, uint8_t digest[SHA256_LEN]) {
  int rc;

  *s = (struct seen){.blob = b};
  sha256_init(&s->hash);
  error_clear();
  rc = blob_read(file, 0, b, sink, s);
  sha256_final(&s->hash, digest);
  if (rc == 0) {
    check(s->calls == b->frame_count && s->bytes == b->usize);
    check(memcmp(digest, b->digest, SHA256_LEN) == 0);
  } else {
    check(error_code() == EXIT_DAMAGED || error_code() == EXIT_ENVIRONMENT);
    check(error_message()[0] != '\0');
  }
  return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  file = memfd_create("chefer-fuzz-blob", MFD_CLOEXEC);
  return file < 0 ? (abort(), 0) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct frame frames[MAX_FRAMES];
  struct blob b;
  struct seen first, second;
  uint8_t got[SHA256_LEN], again[SHA256_LEN];
  size_t at = parse(data, size, &b, frames);

  if (at == 0)
    return 0;
  if (ftruncate(file, 0) < 0 || pwrite(file, data + at, size - at, 0) != (ssize_t)(size - at))
    abort();
  if (data[0] & 1)
    hash_frames(&b, data + at, size - at);
  if (read_blob(&b, &first, got) == 0 || strstr(error_message(), "digest mismatch") == NULL)
    return 0;
  /* Every frame verified and decompressed: with the digest it produced, the blob is good. */
  memcpy(b.digest, got, SHA256_LEN);
  check(read_blob(&b, &second, again) == 0 && memcmp(got, again, SHA256_LEN) == 0);
  return 0;
}
