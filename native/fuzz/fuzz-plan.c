/* libFuzzer target: the network plan read from a manifest that manifest_load accepted, as the
 * runtime does, then the /etc/hosts each service gets. Every value the plan writes into a
 * hosts file must be a single word (an alias "www\n6.6.6.6 bank.example" would add an entry)
 * and every extra host's address an address. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manifest.h"
#include "net/hosts.h"
#include "net/manifest_plan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char hosts[1 << 16]; /* rendered to exercise hosts.c; read by nothing */

/* A word that can sit in a hosts line: not empty, no white space, no comment sign, no control
 * character. A newline in an alias would add a hosts entry of the manifest's choosing. */
static int word_ok(const char *word) {
  if (word == NULL || word[0] == '\0')
    return 0;
  for (const unsigned char *p = (const unsigned char *)word; *p; p++)
    if (*p <= ' ' || *p == '#' || *p == 0x7f)
      return 0;
  return 1;
}

static int address_ok(const char *text) {
  unsigned char bin[16];
  return inet_pton(AF_INET, text, bin) == 1 || inet_pton(AF_INET6, text, bin) == 1;
}

/* What hosts.c writes must be words, and extra hosts' addresses must be addresses. */
static void check_hosts_values(const struct net_service *s) {
  if (!word_ok(s->name) || (s->hostname != NULL && !word_ok(s->hostname)))
    abort();
  for (size_t i = 0; i < s->n_aliases; i++)
    if (!word_ok(s->aliases[i]))
      abort();
  for (size_t i = 0; i < s->n_extra_hosts; i++)
    if (!word_ok(s->extra_hosts[i].host) || !address_ok(s->extra_hosts[i].ip))
      abort();
}

static void check_plan(const struct manifest *m) {
  struct net_plan_store store;
  struct net_err err;

  memset(&store, 0, sizeof store);
  if (net_plan_from_manifest(m->root, &store, &err) == 0 && net_plan_check(&store.plan, &err) == 0)
    for (size_t i = 0; i < store.plan.n_services; i++) {
      long len = net_hosts_render(&store.plan, i, hosts, sizeof hosts, &err);
      if (len >= 0)
        check_hosts_values(&store.plan.services[i]);
    }
  net_plan_store_free(&store);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  log_set_level_name("error");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct manifest m;

  error_clear();
  if (manifest_load((const char *)data, size, 1u << 20, &m) < 0)
    return 0;
  check_plan(&m);
  manifest_free(&m);
  return 0;
}
