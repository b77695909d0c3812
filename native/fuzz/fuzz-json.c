/* libFuzzer target: the runtime's JSON parser on arbitrary bytes. Checks that a refusal always
 * leaves an error to report and that an accepted document has the shape json.h promises. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int key_unique(const struct json *object, size_t i) {
  if (object->keys[i] == NULL)
    return 0;
  for (size_t j = 0; j < i; j++)
    if (strcmp(object->keys[j], object->keys[i]) == 0)
      return 0;
  return 1;
}

static void check_value(const struct json *v, int depth) {
  if (depth > JSON_MAX_DEPTH + 1)
    abort(); /* the parser promised to bound nesting */
  if (v->type == JSON_STRING && v->string == NULL)
    abort();
  if (v->type != JSON_ARRAY && v->type != JSON_OBJECT)
    return;
  for (size_t i = 0; i < v->count; i++) {
    if (v->type == JSON_OBJECT && !key_unique(v, i))
      abort(); /* json.h: duplicate keys are refused */
    check_value(v->items[i], depth + 1);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct json *root = NULL;

  error_clear();
  if (json_parse((const char *)data, size, &root) < 0) {
    if (error_code() == 0 || error_message()[0] == '\0')
      abort(); /* a refusal the runtime could not explain to the user */
    return 0;
  }
  check_value(root, 1);
  json_free(root);
  return 0;
}
