#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../json.h"
#include "../hosts.h"
#include "../manifest_plan.h"
#include "driver.h"

static const char *mode_name(enum net_mode m) {
  return m == NET_BRIDGE ? "bridge" : m == NET_INTERNAL ? "internal" : "shared";
}

static void print_plan(const struct net_plan *plan) {
  printf("mode %s\n", mode_name(plan->mode));
  for (size_t i = 0; i < plan->n_services; i++) {
    const struct net_service *s = &plan->services[i];
    for (size_t k = 0; k < s->n_ports; k++) {
      const struct net_port *p = &s->ports[k];
      printf("port %s %s %s %u-%u %u-%u\n", s->name, p->proto == NET_TCP ? "tcp" : "udp",
             p->host_ip, p->host_start, p->host_end, p->container_start, p->container_end);
    }
  }
}

static int print_hosts(const struct net_plan *plan, const char *service, struct net_err *err) {
  char buf[65536];
  for (size_t i = 0; i < plan->n_services; i++) {
    if (strcmp(plan->services[i].name, service) != 0)
      continue;
    long len = net_hosts_render(plan, i, buf, sizeof buf, err);
    if (len < 0)
      return -1;
    fwrite(buf, 1, (size_t)len, stdout);
    return 0;
  }
  return net_failx(err, "no service %s in the manifest", service);
}

static char *read_all(const char *path, size_t *len, struct net_err *err) {
  FILE *f = fopen(path, "re");
  char *text = malloc(1 << 20);
  if (!f || !text) {
    net_fail(err, "read %s", path);
    if (f)
      fclose(f);
    free(text);
    return NULL;
  }
  *len = fread(text, 1, (1 << 20) - 1, f);
  fclose(f);
  return text;
}

int cmd_manifest(const char *path, const char *service) {
  struct net_err err;
  struct net_plan_store store;
  struct json *root = NULL;
  size_t len = 0;
  char *text = read_all(path, &len, &err);

  if (!text || json_parse(text, len, &root) < 0) {
    fprintf(stderr, "net-driver: error: %s\n", text ? driver_json_error() : err.msg);
    free(text);
    return 1;
  }
  int rc = net_plan_from_manifest(root, &store, &err);
  if (!rc) {
    print_plan(&store.plan);
    rc = print_hosts(&store.plan, service, &err);
  }
  if (rc)
    fprintf(stderr, "net-driver: error: %s\n", err.msg);
  net_plan_store_free(&store);
  json_free(root);
  free(text);
  return rc ? 1 : 0;
}
