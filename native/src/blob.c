#include "blob.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "exit-codes.h"
#include "io.h"
#include "log.h"

#define REBUILD "download the app again, or rebuild it with `chefer build`"
#define MAX_WORKERS 4

/* One frame being read, checked and decompressed by a worker thread. Workers never touch
 * the pending error (it is not thread-safe); they leave a message for the reader. */
struct slot {
  int fd;
  const struct blob *blob;
  const struct frame *frame;
  uint64_t at;
  size_t index;
  ZSTD_DCtx *dctx;
  uint8_t *in, *out;
  pthread_t thread;
  int started;
  int code; /* 0, or the exit code of the failure described in message */
  char message[256];
};

/* A batch of frames decompressed at once, while the previous batch is handed to the sink. */
struct batch {
  struct slot slots[MAX_WORKERS];
  size_t count;
};

static void slot_fail(struct slot *s, int code, const char *what) {
  s->code = code;
  snprintf(s->message, sizeof s->message, "%s blob %.12s frame %zu: %s",
           code == EXIT_DAMAGED && strstr(what, "SHA") ? "verify" : "decompress", s->blob->hex,
           s->index, what);
}

static void *decompress_frame(void *arg) {
  struct slot *s = arg;
  uint8_t digest[SHA256_LEN];
  size_t got;

  if (pread_full(s->fd, s->in, s->frame->csize, (off_t)s->at) < 0) {
    slot_fail(s, EXIT_DAMAGED, "cannot be read (file truncated?)");
    return NULL;
  }
  sha256_once(s->in, s->frame->csize, digest);
  if (memcmp(digest, s->frame->sha256, SHA256_LEN) != 0) {
    slot_fail(s, EXIT_DAMAGED, "damaged (SHA-256 mismatch)");
    return NULL;
  }
  got = ZSTD_decompressDCtx(s->dctx, s->out, s->frame->usize, s->in, s->frame->csize);
  if (ZSTD_isError(got) || got != s->frame->usize)
    slot_fail(s, EXIT_DAMAGED, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong size");
  return NULL;
}

static uint64_t largest(const struct blob *b, int compressed) {
  uint64_t max = 1;
  for (size_t i = 0; i < b->frame_count; i++) {
    uint64_t v = compressed ? b->frames[i].csize : b->frames[i].usize;
    max = v > max ? v : max;
  }
  return max;
}

static int slots_init(struct batch *batches, size_t workers, int fd, const struct blob *b) {
  for (size_t k = 0; k < 2; k++) {
    for (size_t j = 0; j < workers; j++) {
      struct slot *s = &batches[k].slots[j];
      *s = (struct slot){.fd = fd, .blob = b, .dctx = ZSTD_createDCtx()};
      s->in = malloc(largest(b, 1));
      s->out = malloc(largest(b, 0));
      if (s->dctx == NULL || s->in == NULL || s->out == NULL)
        return fail(EXIT_ENVIRONMENT, NULL, "read blob %.12s: out of memory", b->hex);
    }
  }
  return 0;
}

static void slots_free(struct batch *batches, size_t workers) {
  for (size_t k = 0; k < 2; k++) {
    for (size_t j = 0; j < workers; j++) {
      ZSTD_freeDCtx(batches[k].slots[j].dctx);
      free(batches[k].slots[j].in);
      free(batches[k].slots[j].out);
    }
  }
}

/* Starts frames first.. of the blob in the batch; with one worker, runs it right here. */
static void batch_start(struct batch *bt, size_t workers, size_t first, uint64_t *at) {
  const struct blob *b = bt->slots[0].blob;

  bt->count = 0;
  for (size_t j = 0; j < workers && first + j < b->frame_count; j++) {
    struct slot *s = &bt->slots[j];
    s->frame = &b->frames[first + j];
    s->index = first + j;
    s->at = *at;
    s->code = 0;
    *at += s->frame->csize;
    s->started = workers > 1 && pthread_create(&s->thread, NULL, decompress_frame, s) == 0;
    if (!s->started)
      decompress_frame(s);
    bt->count++;
  }
}

static void batch_join(struct batch *bt) {
  for (size_t j = 0; j < bt->count; j++)
    if (bt->slots[j].started)
      pthread_join(bt->slots[j].thread, NULL), bt->slots[j].started = 0;
}

/* Waits for the batch, then hands its frames to the sink in order. */
static int batch_finish(struct batch *bt, struct sha256 *content, blob_sink sink, void *ctx) {
  batch_join(bt);
  for (size_t j = 0; j < bt->count; j++) {
    struct slot *s = &bt->slots[j];
    if (s->code != 0)
      return fail(s->code, REBUILD, "%s", s->message);
    sha256_update(content, s->out, s->frame->usize);
    if (sink(ctx, s->out, s->frame->usize) < 0)
      return -1;
  }
  return 0;
}

static size_t worker_count(const struct blob *b) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t n = cpus > 0 ? (size_t)cpus : 1;

  n = n > MAX_WORKERS ? MAX_WORKERS : n;
  return b->frame_count < n ? (b->frame_count ? b->frame_count : 1) : n;
}

/* Frames of batch k+1 decompress on other cores while batch k goes through the sink (the
 * tar extractor), so a multi-frame layer uses every core on a first start. */
static int stream(struct batch *batches, size_t workers, uint64_t at, blob_sink sink, void *ctx) {
  const struct blob *b = batches[0].slots[0].blob;
  struct sha256 content;
  uint8_t digest[SHA256_LEN];
  size_t cur = 0, next = 0;
  int rc = 0;

  sha256_init(&content);
  batch_start(&batches[cur], workers, next, &at);
  next += batches[cur].count;
  while (rc == 0 && batches[cur].count > 0) {
    batches[cur ^ 1].count = 0;
    if (next < b->frame_count) {
      batch_start(&batches[cur ^ 1], workers, next, &at);
      next += batches[cur ^ 1].count;
    }
    rc = batch_finish(&batches[cur], &content, sink, ctx);
    batches[cur].count = 0;
    cur ^= 1;
  }
  batch_join(&batches[cur]);
  if (rc < 0)
    return -1;
  sha256_final(&content, digest);
  if (memcmp(digest, b->digest, SHA256_LEN) != 0)
    return fail(EXIT_DAMAGED, REBUILD, "verify blob %.12s: damaged (digest mismatch)", b->hex);
  return 0;
}

int blob_read(int fd, uint64_t payload_offset, const struct blob *b, blob_sink sink, void *ctx) {
  struct batch *batches = calloc(2, sizeof *batches);
  size_t workers = worker_count(b);
  int rc = -1;

  if (batches == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "read blob %.12s: out of memory", b->hex);
  if (slots_init(batches, workers, fd, b) == 0) {
    batches[0].slots[0].blob = b;
    rc = stream(batches, workers, payload_offset + b->offset, sink, ctx);
  }
  slots_free(batches, workers);
  free(batches);
  return rc;
}
