#include "resolv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESOLV_MAX 16384

/* TODO(limitation): one resolver (pasta's forwarder) in bridge mode; Compose dns options are
 * not applied. */
/* What one host line becomes: itself, the forward address, or nothing. */
static const char *rewrite_line(enum net_mode mode, int outbound, const char *line, int *forwarded,
                                char *scratch, size_t size) {
  char ip[64];
  if (mode == NET_SHARED || sscanf(line, " nameserver %63s", ip) != 1)
    return line;
  if (mode == NET_INTERNAL || !outbound)
    return NULL;
  if (*forwarded)
    return NULL;

  *forwarded = 1;
  snprintf(scratch, size, "nameserver %s", NET_DNS_FORWARD);
  return scratch;
}

long net_resolv_render(enum net_mode mode, int outbound, const char *host, char *buf, size_t size,
                       struct net_err *err) {
  size_t len = 0;
  int forwarded = 0;

  while (*host) {
    char line[512], scratch[64];
    size_t n = strcspn(host, "\n");
    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), host);
    host += n + (host[n] == '\n');

    const char *out = rewrite_line(mode, outbound, line, &forwarded, scratch, sizeof scratch);
    if (!out)
      continue;
    int w = snprintf(buf + len, size - len, "%s\n", out);
    if (w < 0 || (size_t)w >= size - len)
      return net_failx(err, "render resolv.conf: too large");
    len += (size_t)w;
  }
  if (size)
    buf[len] = '\0';
  return (long)len;
}

static long read_host(const char *path, char *buf, size_t size, struct net_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return buf[0] = '\0', 0;
  if (fd < 0)
    return net_fail(err, "open %s", path);

  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0)
    return net_fail(err, "read %s", path);
  buf[n] = '\0';
  return n;
}

int net_resolv_write(enum net_mode mode, int outbound, const char *host_path, const char *out_path,
                     struct net_err *err) {
  char *host = malloc(RESOLV_MAX), *out = malloc(RESOLV_MAX);
  long len = -1;
  int fd = -1, rc = -1;

  if (!host || !out)
    net_fail(err, "allocate resolv.conf");
  else if (read_host(host_path, host, RESOLV_MAX, err) >= 0)
    len = net_resolv_render(mode, outbound, host, out, RESOLV_MAX, err);
  if (len >= 0)
    fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (len >= 0 && fd < 0)
    net_fail(err, "create %s", out_path);
  if (fd >= 0)
    rc = write(fd, out, (size_t)len) == len ? 0 : net_fail(err, "write %s", out_path);
  if (fd >= 0)
    close(fd);
  free(host);
  free(out);
  return rc;
}
