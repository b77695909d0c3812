/* Reading a blob out of the executable: each zstd frame is hashed before it is decompressed,
 * must decompress to exactly its recorded size, and the whole blob must hash to its digest.
 * Frames are decompressed on up to four cores, two batches in flight, so memory is bounded
 * by eight frames (chunk_size each), whatever the blob claims. */
#ifndef CHEFER_BLOB_H
#define CHEFER_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* Receives the blob's content in order, one frame at a time. Returns 0 or -1 (error set). */
typedef int (*blob_sink)(void *ctx, const uint8_t *data, size_t len);

/* Streams blob b (payload starting at payload_offset of fd) into sink. The final digest check
 * happens after the last call to sink: a caller must treat what it wrote as unverified until
 * this returns 0. */
int blob_read(int fd, uint64_t payload_offset, const struct blob *b, blob_sink sink, void *ctx);

#endif
