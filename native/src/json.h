/* A small JSON parser for the manifest: strict RFC 8259 grammar, UTF-8 checked, bounded depth,
 * no NUL bytes in strings. Input is untrusted; every failure names the byte offset. */
#ifndef CHEFER_JSON_H
#define CHEFER_JSON_H

#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
  enum json_type type;
  int boolean;
  double number;
  char *string;        /* JSON_STRING: NUL-terminated, contains no NUL */
  size_t count;        /* JSON_ARRAY, JSON_OBJECT: number of items */
  struct json **items; /* JSON_ARRAY, JSON_OBJECT: values in document order */
  char **keys;         /* JSON_OBJECT: keys, parallel to items */
};

#define JSON_MAX_DEPTH 64

/* Parses exactly one value followed only by whitespace. On failure returns -1 with the
 * pending error set ("parse manifest: expected ':' at byte 120"). */
int json_parse(const char *text, size_t len, struct json **out);
void json_free(struct json *value);

/* The member named key, or NULL when absent (the last one wins for duplicates is NOT used:
 * duplicates are rejected by json_parse). */
const struct json *json_get(const struct json *object, const char *key);

#endif
