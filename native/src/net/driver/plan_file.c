#include "plan_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_range(const char *s, uint16_t *start, uint16_t *end) {
  unsigned a, b;
  int n = sscanf(s, "%u-%u", &a, &b);
  if (n < 1 || a > 65535 || (n == 2 && b > 65535))
    return -1;
  *start = (uint16_t)a;
  *end = (uint16_t)(n == 2 ? b : a);
  return 0;
}

static int parse_port(struct plan_service *s, char *rest, struct net_err *err) {
  char proto[8], ip[64], host[16], ctr[16];
  if (s->net.n_ports >= PF_MAX_ITEMS)
    return net_failx(err, "too many ports");
  if (sscanf(rest, "%7s %63s %15s %15s", proto, ip, host, ctr) != 4)
    return net_failx(err, "port line needs: tcp|udp HOST_IP HOST CONTAINER");

  struct net_port *p = &s->ports[s->net.n_ports++];
  p->proto = strcmp(proto, "udp") == 0 ? NET_UDP : NET_TCP;
  p->host_ip = strdup(ip);
  if (parse_range(host, &p->host_start, &p->host_end) ||
      parse_range(ctr, &p->container_start, &p->container_end))
    return net_failx(err, "bad port range in: %s", rest);
  return 0;
}

static int parse_extra(struct plan_service *s, char *rest, struct net_err *err) {
  char host[256], ip[64];
  if (s->net.n_extra_hosts >= PF_MAX_ITEMS)
    return net_failx(err, "too many extra hosts");
  if (sscanf(rest, "%255s %63s", host, ip) != 2)
    return net_failx(err, "extra needs HOST IP");
  s->extra[s->net.n_extra_hosts].host = strdup(host);
  s->extra[s->net.n_extra_hosts++].ip = strdup(ip);
  return 0;
}

static int parse_mode(struct plan_file *pf, const char *v, struct net_err *err) {
  if (strcmp(v, "bridge") == 0)
    pf->plan.mode = NET_BRIDGE;
  else if (strcmp(v, "internal") == 0)
    pf->plan.mode = NET_INTERNAL;
  else if (strcmp(v, "shared") == 0)
    pf->plan.mode = NET_SHARED;
  else
    return net_failx(err, "unknown mode %s", v);
  return 0;
}

static int add_service(struct plan_file *pf, const char *name, struct net_err *err) {
  if (pf->plan.n_services >= PF_MAX_SERVICES)
    return net_failx(err, "too many services");
  struct plan_service *s = &pf->services[pf->plan.n_services++];
  s->net.name = strdup(name);
  s->net.aliases = s->aliases;
  s->net.extra_hosts = s->extra;
  s->net.ports = s->ports;
  return 0;
}

static int parse_service_line(struct plan_service *s, const char *key, char *rest,
                              struct net_err *err) {
  if (strcmp(key, "hostname") == 0)
    s->net.hostname = strdup(rest);
  else if (strcmp(key, "alias") == 0 && s->net.n_aliases < PF_MAX_ITEMS)
    s->aliases[s->net.n_aliases++] = strdup(rest);
  else if (strcmp(key, "restart") == 0)
    s->restarts = atoi(rest);
  else if (strcmp(key, "extra") == 0)
    return parse_extra(s, rest, err);
  else if (strcmp(key, "port") == 0)
    return parse_port(s, rest, err);
  else if (strcmp(key, "arg") == 0 && s->argc < PF_MAX_ITEMS)
    s->argv[s->argc++] = strdup(rest);
  else
    return net_failx(err, "unknown or excess line: %s", key);
  return 0;
}

static int parse_line(struct plan_file *pf, char *line, struct net_err *err) {
  line[strcspn(line, "\n")] = '\0';
  if (!*line || *line == '#')
    return 0;

  char *rest = line + strcspn(line, " ");
  if (*rest)
    *rest++ = '\0';
  if (strcmp(line, "mode") == 0)
    return parse_mode(pf, rest, err);
  if (strcmp(line, "udp_idle_ms") == 0)
    return (pf->udp_idle_ms = atoi(rest)), 0;
  if (strcmp(line, "service") == 0)
    return add_service(pf, rest, err);
  if (pf->plan.n_services == 0)
    return net_failx(err, "%s before any service", line);
  return parse_service_line(&pf->services[pf->plan.n_services - 1], line, rest, err);
}

int plan_file_read(const char *path, struct plan_file *pf, struct net_err *err) {
  char line[1024];
  FILE *f = fopen(path, "re");
  if (!f)
    return net_fail(err, "open plan %s", path);

  memset(pf, 0, sizeof *pf);
  int rc = 0;
  for (int n = 1; !rc && fgets(line, sizeof line, f); n++) {
    struct net_err why;
    if (parse_line(pf, line, &why))
      rc = net_failx(err, "%s:%d: %.200s", path, n, why.msg);
  }
  fclose(f);

  for (size_t i = 0; i < pf->plan.n_services; i++)
    pf->net_services[i] = pf->services[i].net;
  pf->plan.services = pf->net_services;
  return rc ? rc : net_plan_check(&pf->plan, err);
}
