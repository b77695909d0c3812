#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "driver.h"

int cmd_udp_echo(const char *port) {
  char host[64] = "?", in[2048], out[2200];
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);

  gethostname(host, sizeof host - 1);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    perror("net-driver: udp-echo: bind");
    return 1;
  }
  for (;;) {
    struct sockaddr_storage from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd, in, sizeof in - 1, 0, (struct sockaddr *)&from, &len);
    if (n < 0)
      continue;
    unsigned peer = ntohs(((struct sockaddr_in *)&from)->sin_port);
    int m = snprintf(out, sizeof out, "%s %u %.*s", host, peer, (int)n, in);
    sendto(fd, out, (size_t)m, 0, (struct sockaddr *)&from, len);
  }
}
