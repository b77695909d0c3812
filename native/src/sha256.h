/* SHA-256 (FIPS 180-4), streaming. Used for the manifest hash, frame hashes and blob digests. */
#ifndef CHEFER_SHA256_H
#define CHEFER_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
  uint32_t state[8];
  uint64_t length; /* bytes hashed so far */
  uint8_t block[64];
  size_t used;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, uint8_t out[SHA256_LEN]);
void sha256_once(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* Writes 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);
/* Parses 64 hex digits (either case); returns -1 on anything else. */
int sha256_parse_hex(const char *hex, uint8_t out[SHA256_LEN]);

#endif
