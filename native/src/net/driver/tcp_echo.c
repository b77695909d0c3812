#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "driver.h"

/* One connection at a time: read what comes, send it back, until the client closes. */
static void echo(int fd) {
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    if (write(fd, buf, (size_t)n) != n)
      break;
  close(fd);
}

/* Reads until the client half-closes, then answers with the byte count: the answer only
 * arrives if the half-close was passed on and the way back kept open. */
static void count(int fd) {
  char buf[4096];
  ssize_t n;
  unsigned long total = 0;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    total += (unsigned long)n;
  int len = snprintf(buf, sizeof buf, "%lu", total);
  if (write(fd, buf, (size_t)len) != len)
    perror("net-driver: tcp-count: write");
  close(fd);
}

int cmd_tcp_serve(const char *port, int counting) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
  int one = 1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  if (fd >= 0)
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 128) < 0) {
    perror("net-driver: listen");
    return 1;
  }
  for (;;) {
    int c = accept(fd, NULL, NULL);
    if (c >= 0 && counting)
      count(c);
    else if (c >= 0)
      echo(c);
  }
}
