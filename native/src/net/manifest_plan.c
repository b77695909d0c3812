#include "manifest_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *string_of(const struct json *obj, const char *key) {
  const struct json *v = obj ? json_get(obj, key) : NULL;
  return v && v->type == JSON_STRING ? v->string : NULL;
}

static const struct json *array_of(const struct json *obj, const char *key) {
  const struct json *v = obj ? json_get(obj, key) : NULL;
  return v && v->type == JSON_ARRAY ? v : NULL;
}

static size_t count_of(const struct json *obj, const char *key) {
  const struct json *a = array_of(obj, key);
  return a ? a->count : 0;
}

static int port_number(const struct json *port, const char *key, uint16_t *out, int min) {
  const struct json *v = json_get(port, key);
  if (!v || v->type != JSON_NUMBER || v->number != floor(v->number) || v->number < min ||
      v->number > 65535)
    return -1;
  *out = (uint16_t)v->number;
  return 0;
}

static int read_port(const char *svc, size_t k, const struct json *p, struct net_port *out,
                     struct net_err *err) {
  const char *proto = string_of(p, "protocol");

  out->host_ip = string_of(p, "host_ip");
  out->proto = proto && strcmp(proto, "udp") == 0 ? NET_UDP : NET_TCP;
  if (p->type != JSON_OBJECT || !out->host_ip || !proto ||
      (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0) ||
      port_number(p, "host_start", &out->host_start, 1) ||
      port_number(p, "host_end", &out->host_end, 1) ||
      port_number(p, "container_start", &out->container_start, 1) ||
      port_number(p, "container_end", &out->container_end, 1))
    return net_failx(err,
                     "read services.%s.ports[%zu] of the manifest: needs host_ip, "
                     "host_start, host_end, container_start, container_end (1-65535) and "
                     "protocol tcp or udp",
                     svc, k);
  return 0;
}

static int read_lists(const struct json *s, struct net_service *out, struct net_plan_store *st,
                      size_t *names, size_t *extras, size_t *ports, struct net_err *err) {
  const struct json *a = array_of(s, "aliases");
  out->aliases = st->names + *names;
  for (size_t k = 0; a && k < a->count; k++)
    if (a->items[k]->type == JSON_STRING)
      st->names[(*names)++] = a->items[k]->string, out->n_aliases++;

  a = array_of(s, "extra_hosts");
  out->extra_hosts = st->extras + *extras;
  for (size_t k = 0; a && k < a->count; k++) {
    struct net_extra_host h = {string_of(a->items[k], "host"), string_of(a->items[k], "ip")};
    if (!h.host || !h.ip)
      return net_failx(err, "read services.%s.extra_hosts[%zu] of the manifest: needs host and ip",
                       out->name, k);
    st->extras[(*extras)++] = h, out->n_extra_hosts++;
  }

  a = array_of(s, "ports");
  out->ports = st->ports + *ports;
  for (size_t k = 0; a && k < a->count; k++, out->n_ports++)
    if (read_port(out->name, k, a->items[k], &st->ports[(*ports)++], err))
      return -1;
  return 0;
}

static int read_mode(const struct json *root, enum net_mode *mode, struct net_err *err) {
  const char *network = string_of(json_get(root, "app"), "network");
  if (network && strcmp(network, "bridge") == 0)
    *mode = NET_BRIDGE;
  else if (network && strcmp(network, "internal") == 0)
    *mode = NET_INTERNAL;
  else if (network && strcmp(network, "shared") == 0)
    *mode = NET_SHARED;
  else
    return net_failx(err, "read app.network of the manifest: expected bridge, internal or shared");
  return 0;
}

static int allocate(const struct json *services, struct net_plan_store *st, struct net_err *err) {
  size_t names = 0, extras = 0, ports = 0;
  for (size_t i = 0; i < services->count; i++) {
    names += count_of(services->items[i], "aliases");
    extras += count_of(services->items[i], "extra_hosts");
    ports += count_of(services->items[i], "ports");
  }
  st->services = calloc(services->count + 1, sizeof *st->services);
  st->names = calloc(names + 1, sizeof *st->names);
  st->extras = calloc(extras + 1, sizeof *st->extras);
  st->ports = calloc(ports + 1, sizeof *st->ports);
  if (!st->services || !st->names || !st->extras || !st->ports)
    return net_fail(err, "allocate the network plan");
  return 0;
}

int net_plan_from_manifest(const struct json *root, struct net_plan_store *st,
                           struct net_err *err) {
  const struct json *services = array_of(root, "services");
  size_t names = 0, extras = 0, ports = 0;

  memset(st, 0, sizeof *st);
  if (read_mode(root, &st->plan.mode, err))
    return -1;
  if (!services)
    return net_failx(err, "read services of the manifest: expected an array");
  if (allocate(services, st, err))
    return -1;

  for (size_t i = 0; i < services->count; i++) {
    const struct json *s = services->items[i];
    struct net_service *out = &st->services[i];
    out->name = string_of(s, "name");
    out->hostname = string_of(s, "hostname");
    if (!out->name)
      return net_failx(err, "read services[%zu].name of the manifest: expected a string", i);
    if (read_lists(s, out, st, &names, &extras, &ports, err))
      return -1;
  }
  st->plan.services = st->services;
  st->plan.n_services = services->count;
  return net_plan_check(&st->plan, err);
}

void net_plan_store_free(struct net_plan_store *st) {
  free(st->services);
  free(st->names);
  free(st->extras);
  free(st->ports);
  memset(st, 0, sizeof *st);
}
