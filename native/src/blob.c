#include "blob.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"

#define REBUILD "download the app again, or rebuild it with `chefer build`"

struct reader {
  int fd;
  const struct blob *blob;
  ZSTD_DCtx *dctx;
  uint8_t *in;
  uint8_t *out;
  struct sha256 content;
};

static int read_frame(struct reader *r, const struct frame *f, uint64_t at, size_t index) {
  uint8_t digest[SHA256_LEN];
  size_t got;

  if (pread_full(r->fd, r->in, f->csize, (off_t)at) < 0)
    return fail_errno(EXIT_DAMAGED, REBUILD, "read layer %.12s frame %zu", r->blob->hex, index);
  sha256_once(r->in, f->csize, digest);
  if (memcmp(digest, f->sha256, SHA256_LEN) != 0)
    return fail(EXIT_DAMAGED, REBUILD, "verify blob %.12s frame %zu: damaged (SHA-256 mismatch)",
                r->blob->hex, index);
  got = ZSTD_decompressDCtx(r->dctx, r->out, f->usize, r->in, f->csize);
  if (ZSTD_isError(got) || got != f->usize)
    return fail(EXIT_DAMAGED, REBUILD, "decompress blob %.12s frame %zu: %s", r->blob->hex, index,
                ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong size");
  sha256_update(&r->content, r->out, got);
  return 0;
}

static uint64_t largest(const struct blob *b, int compressed) {
  uint64_t max = 1;
  for (size_t i = 0; i < b->frame_count; i++) {
    uint64_t v = compressed ? b->frames[i].csize : b->frames[i].usize;
    max = v > max ? v : max;
  }
  return max;
}

/* TODO(limitation): frames are decompressed one after another on one core; the format allows
 * decompressing them in parallel, which would shorten the first start of large images. */
static int stream(struct reader *r, uint64_t base, blob_sink sink, void *ctx) {
  uint64_t at = base + r->blob->offset;
  uint8_t digest[SHA256_LEN];

  for (size_t i = 0; i < r->blob->frame_count; i++) {
    const struct frame *f = &r->blob->frames[i];
    if (read_frame(r, f, at, i) < 0 || sink(ctx, r->out, f->usize) < 0)
      return -1;
    at += f->csize;
  }
  sha256_final(&r->content, digest);
  if (memcmp(digest, r->blob->digest, SHA256_LEN) != 0)
    return fail(EXIT_DAMAGED, REBUILD, "verify blob %.12s: damaged (digest mismatch)",
                r->blob->hex);
  return 0;
}

int blob_read(int fd, uint64_t payload_offset, const struct blob *b, blob_sink sink, void *ctx) {
  struct reader r = {.fd = fd, .blob = b, .dctx = ZSTD_createDCtx()};
  int rc = -1;

  r.in = malloc(largest(b, 1));
  r.out = malloc(largest(b, 0));
  sha256_init(&r.content);
  if (r.dctx == NULL || r.in == NULL || r.out == NULL)
    fail(EXIT_ENVIRONMENT, NULL, "read blob %.12s: out of memory", b->hex);
  else
    rc = stream(&r, payload_offset, sink, ctx);
  ZSTD_freeDCtx(r.dctx);
  free(r.in);
  free(r.out);
  return rc;
}
