/* The fixed 96-byte footer at the end of an executable (docs/format.md, "Footer"). */
#ifndef CHEFER_FOOTER_H
#define CHEFER_FOOTER_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define FOOTER_SIZE 96
#define FORMAT_VERSION 1
#define MANIFEST_MAX (64u << 20)

struct footer {
  uint32_t format_version;
  uint32_t flags;
  uint64_t payload_offset;
  uint64_t manifest_offset;
  uint64_t manifest_size;
  uint8_t manifest_sha256[SHA256_LEN];
  uint64_t file_size;
};

/* Decodes and checks the footer bytes against the real file size, in the order the format
 * page gives. Fails with EXIT_DAMAGED and a message naming the check. */
int footer_decode(const uint8_t raw[FOOTER_SIZE], uint64_t real_size, struct footer *out);

/* Reads the footer of the open file fd, then its manifest bytes, and checks the manifest
 * hash. *manifest is malloc'd and NUL-terminated. */
int footer_read(int fd, struct footer *out, char **manifest);

#endif
