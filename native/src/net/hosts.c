#include "hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out {
  char *buf;
  size_t size;
  size_t len;
  int overflow;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= o->size - o->len)
    o->overflow = 1;
  else
    o->len += (size_t)n;
}

/* One line per service: its address, then its name, hostname (when different) and aliases,
 * as Docker's embedded DNS would answer them on a user-defined network. */
static void emit_service(struct out *o, const struct net_plan *plan, size_t i) {
  const struct net_service *s = &plan->services[i];
  char ip[INET_ADDRSTRLEN];
  struct in_addr a = net_service_addr(plan, i);

  inet_ntop(AF_INET, &a, ip, sizeof ip);
  emit(o, "%s\t%s", ip, s->name);
  if (s->hostname && *s->hostname && strcmp(s->hostname, s->name) != 0)
    emit(o, " %s", s->hostname);
  for (size_t k = 0; k < s->n_aliases; k++)
    emit(o, " %s", s->aliases[k]);
  emit(o, "\n");
}

long net_hosts_render(const struct net_plan *plan, size_t index, char *buf, size_t size,
                      struct net_err *err) {
  struct out o = {.buf = buf, .size = size};
  const struct net_service *self = &plan->services[index];

  if (size == 0)
    return net_failx(err, "render hosts file: no room");
  buf[0] = '\0';
  emit(&o, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");

  /* The service itself first, so a lookup of its own hostname finds its own address. */
  emit_service(&o, plan, index);
  for (size_t i = 0; i < plan->n_services; i++)
    if (i != index)
      emit_service(&o, plan, i);

  for (size_t k = 0; k < self->n_extra_hosts; k++)
    emit(&o, "%s\t%s\n", self->extra_hosts[k].ip, self->extra_hosts[k].host);

  if (o.overflow)
    return net_failx(err, "render hosts file for service %s: larger than %zu bytes", self->name,
                     size);
  return (long)o.len;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static size_t hosts_size(const struct net_plan *plan, size_t index) {
  size_t size = 256;
  for (size_t i = 0; i < plan->n_services; i++) {
    const struct net_service *s = &plan->services[i];
    size += 24 + strlen(s->name) + (s->hostname ? strlen(s->hostname) + 1 : 0);
    for (size_t k = 0; k < s->n_aliases; k++)
      size += strlen(s->aliases[k]) + 1;
  }
  const struct net_service *self = &plan->services[index];
  for (size_t k = 0; k < self->n_extra_hosts; k++)
    size += strlen(self->extra_hosts[k].ip) + strlen(self->extra_hosts[k].host) + 2;
  return size;
}

int net_hosts_write(const struct net_plan *plan, size_t index, const char *path,
                    struct net_err *err) {
  size_t size = hosts_size(plan, index);
  char *buf = malloc(size);
  if (!buf)
    return net_fail(err, "allocate the hosts file for %s", path);

  long len = net_hosts_render(plan, index, buf, size, err);
  int fd = len < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int rc = len < 0 ? -1 : 0;
  if (len >= 0 && fd < 0)
    rc = net_fail(err, "create hosts file %s", path);
  if (fd >= 0 && write_all(fd, buf, (size_t)len) < 0)
    rc = net_fail(err, "write hosts file %s", path);
  if (fd >= 0)
    close(fd);
  free(buf);
  return rc;
}
