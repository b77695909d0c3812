#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exit-codes.h"
#include "log.h"

struct parser {
  const char *p;
  const char *start;
  const char *end;
  int depth;
};

static int parse_value(struct parser *ps, struct json **out);

static int syntax(struct parser *ps, const char *what) {
  return fail(EXIT_DAMAGED, "rebuild the app with `chefer build`", "parse manifest: %s at byte %zu",
              what, (size_t)(ps->p - ps->start));
}

static void skip_space(struct parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static struct json *node(enum json_type type) {
  struct json *v = calloc(1, sizeof *v);
  if (v != NULL)
    v->type = type;
  return v;
}

static int literal(struct parser *ps, const char *word, struct json **out, enum json_type t,
                   int b) {
  size_t n = strlen(word);

  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return syntax(ps, "unexpected character");
  ps->p += n;
  *out = node(t);
  if (*out == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
  (*out)->boolean = b;
  return 0;
}

static int digits(struct parser *ps) {
  const char *from = ps->p;
  while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
    ps->p++;
  return ps->p > from ? 0 : syntax(ps, "expected a digit");
}

static int parse_number(struct parser *ps, struct json **out) {
  const char *from = ps->p;
  char buf[64];
  double number;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p < ps->end && *ps->p == '0')
    ps->p++;
  else if (digits(ps) < 0)
    return -1;
  if (ps->p < ps->end && *ps->p == '.' && (ps->p++, digits(ps) < 0))
    return -1;
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
    ps->p++;
    if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
      ps->p++;
    if (digits(ps) < 0)
      return -1;
  }
  if ((size_t)(ps->p - from) >= sizeof buf)
    return syntax(ps, "number too long");
  memcpy(buf, from, (size_t)(ps->p - from));
  buf[ps->p - from] = '\0';
  number = strtod(buf, NULL);
  if (!isfinite(number))
    return syntax(ps, "number out of range");
  *out = node(JSON_NUMBER);
  if (*out == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
  (*out)->number = number;
  return 0;
}

static int hex4(struct parser *ps, unsigned *out) {
  *out = 0;
  if (ps->end - ps->p < 4)
    return syntax(ps, "truncated \\u escape");
  for (int i = 0; i < 4; i++) {
    char c = *ps->p++;
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return syntax(ps, "bad hex digit in \\u escape");
    *out = *out << 4 | (unsigned)d;
  }
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18);
  o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static int unicode_escape(struct parser *ps, char *o, size_t *n) {
  unsigned cp, lo;

  if (hex4(ps, &cp) < 0)
    return -1;
  if (cp >= 0xDC00 && cp <= 0xDFFF)
    return syntax(ps, "lone low surrogate");
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
      return syntax(ps, "lone high surrogate");
    ps->p += 2;
    if (hex4(ps, &lo) < 0)
      return -1;
    if (lo < 0xDC00 || lo > 0xDFFF)
      return syntax(ps, "bad surrogate pair");
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  if (cp == 0)
    return syntax(ps, "NUL character in string");
  *n += put_utf8(o + *n, cp);
  return 0;
}

static int escape(struct parser *ps, char *o, size_t *n) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit;

  if (ps->p >= ps->end)
    return syntax(ps, "truncated escape");
  if (*ps->p == 'u')
    return ps->p++, unicode_escape(ps, o, n);
  hit = strchr(from, *ps->p);
  if (hit == NULL || *ps->p == '\0')
    return syntax(ps, "unknown escape");
  o[(*n)++] = to[hit - from];
  ps->p++;
  return 0;
}

/* Length of the UTF-8 sequence at p (1-4), or 0 when it is malformed or overlong. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  size_t len = p[0] < 0x80             ? 1
               : (p[0] & 0xE0) == 0xC0 ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
  unsigned cp;

  if (len == 0 || (size_t)(end - p) < len)
    return 0;
  cp = len == 1 ? p[0] : len == 2 ? p[0] & 0x1Fu : len == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3Fu);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

static int string_body(struct parser *ps, char *o) {
  size_t n = 0;

  while (ps->p < ps->end && *ps->p != '"') {
    unsigned char c = (unsigned char)*ps->p;
    size_t len;
    if (c < 0x20)
      return syntax(ps, "control character in string");
    if (c == '\\') {
      ps->p++;
      if (escape(ps, o, &n) < 0)
        return -1;
      continue;
    }
    len = utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);
    if (len == 0)
      return syntax(ps, "invalid UTF-8");
    memcpy(o + n, ps->p, len);
    n += len, ps->p += len;
  }
  if (ps->p >= ps->end)
    return syntax(ps, "unterminated string");
  ps->p++;
  o[n] = '\0';
  return 0;
}

/* Bytes up to the closing quote, escapes skipped over: decoded text is never longer than
 * its source (a 6-byte \u escape yields at most 3 bytes, a 12-byte pair 4). */
static size_t raw_length(const char *p, const char *end) {
  const char *q = p + 1;

  while (q < end && *q != '"')
    q += (*q == '\\' && q + 1 < end) ? 2 : 1;
  return (size_t)(q - p);
}

static int parse_string_raw(struct parser *ps, char **out) {
  char *o = malloc(raw_length(ps->p, ps->end) + 1);

  if (o == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
  ps->p++;
  if (string_body(ps, o) < 0) {
    free(o);
    return -1;
  }
  *out = o;
  return 0;
}

static int parse_string(struct parser *ps, struct json **out) {
  char *s;

  if (parse_string_raw(ps, &s) < 0)
    return -1;
  *out = node(JSON_STRING);
  if (*out == NULL) {
    free(s);
    return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
  }
  (*out)->string = s;
  return 0;
}

static int push(struct json *list, struct json *item, char *key) {
  if ((list->count & (list->count - 1)) == 0) {
    size_t cap = list->count ? list->count * 2 : 4;
    struct json **items = realloc(list->items, cap * sizeof *items);
    char **keys = items ? realloc(list->keys, cap * sizeof *keys) : NULL;
    if (items != NULL)
      list->items = items;
    if (keys == NULL)
      return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
    list->keys = keys;
  }
  list->items[list->count] = item;
  list->keys[list->count] = key;
  list->count++;
  return 0;
}

static int member(struct parser *ps, struct json *obj) {
  char *key = NULL;
  struct json *value = NULL;

  skip_space(ps);
  if (ps->p >= ps->end || *ps->p != '"')
    return syntax(ps, "expected a string key");
  if (parse_string_raw(ps, &key) < 0)
    return -1;
  if (json_get(obj, key) != NULL) {
    free(key);
    return syntax(ps, "duplicate key");
  }
  skip_space(ps);
  if (ps->p >= ps->end || *ps->p != ':') {
    free(key);
    return syntax(ps, "expected ':'");
  }
  ps->p++;
  if (parse_value(ps, &value) < 0 || push(obj, value, key) < 0) {
    free(key);
    json_free(value);
    return -1;
  }
  return 0;
}

static int element(struct parser *ps, struct json *arr) {
  struct json *value = NULL;

  if (parse_value(ps, &value) < 0 || push(arr, value, NULL) < 0) {
    json_free(value);
    return -1;
  }
  return 0;
}

static int parse_container(struct parser *ps, struct json **out, enum json_type type) {
  char close = type == JSON_OBJECT ? '}' : ']';
  struct json *c = node(type);

  if (c == NULL)
    return fail(EXIT_ENVIRONMENT, NULL, "allocate manifest: out of memory");
  if (++ps->depth > JSON_MAX_DEPTH) {
    json_free(c);
    return syntax(ps, "nesting too deep");
  }
  ps->p++;
  skip_space(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    ps->depth--;
    *out = c;
    return 0;
  }
  for (;;) {
    if ((type == JSON_OBJECT ? member(ps, c) : element(ps, c)) < 0)
      break;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      ps->depth--;
      *out = c;
      return 0;
    }
    syntax(ps, type == JSON_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
    break;
  }
  json_free(c);
  return -1;
}

static int parse_value(struct parser *ps, struct json **out) {
  skip_space(ps);
  if (ps->p >= ps->end)
    return syntax(ps, "unexpected end");
  switch (*ps->p) {
  case '{':
    return parse_container(ps, out, JSON_OBJECT);
  case '[':
    return parse_container(ps, out, JSON_ARRAY);
  case '"':
    return parse_string(ps, out);
  case 't':
    return literal(ps, "true", out, JSON_BOOL, 1);
  case 'f':
    return literal(ps, "false", out, JSON_BOOL, 0);
  case 'n':
    return literal(ps, "null", out, JSON_NULL, 0);
  default:
    return parse_number(ps, out);
  }
}

int json_parse(const char *text, size_t len, struct json **out) {
  struct parser ps = {text, text, text + len, 0};
  struct json *v = NULL;

  *out = NULL;
  if (parse_value(&ps, &v) < 0)
    return -1;
  skip_space(&ps);
  if (ps.p != ps.end) {
    json_free(v);
    return syntax(&ps, "trailing characters");
  }
  *out = v;
  return 0;
}

void json_free(struct json *value) {
  if (value == NULL)
    return;
  for (size_t i = 0; i < value->count; i++) {
    json_free(value->items[i]);
    free(value->keys[i]);
  }
  free(value->items);
  free(value->keys);
  free(value->string);
  free(value);
}

const struct json *json_get(const struct json *object, const char *key) {
  if (object == NULL || object->type != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < object->count; i++)
    if (strcmp(object->keys[i], key) == 0)
      return object->items[i];
  return NULL;
}
