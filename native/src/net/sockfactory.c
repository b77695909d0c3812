#include "sockfactory.h"

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"

struct factory_req {
  int32_t family;
  int32_t type;
};

void sockfactory_serve(int fd) {
  for (;;) {
    struct factory_req req;
    int fds[1];
    if (fdpass_recv(fd, &req, sizeof req, fds, 1) != sizeof req)
      return;

    int sock = socket(req.family, req.type | SOCK_CLOEXEC, 0);
    int32_t status = sock < 0 ? errno : 0;
    ssize_t sent = fdpass_send(fd, &status, sizeof status, &sock, sock < 0 ? 0 : 1);
    if (sock >= 0)
      close(sock);
    if (sent < 0)
      return;
  }
}

int sockfactory_socket(int fd, int family, int type, struct net_err *err) {
  struct factory_req req = {.family = family, .type = type};
  int32_t status = 0;
  int sock;

  if (fdpass_send(fd, &req, sizeof req, NULL, 0) != sizeof req)
    return net_fail(err, "ask the app network helper for a socket");
  if (fdpass_recv(fd, &status, sizeof status, &sock, 1) != sizeof status)
    return net_fail(err, "receive a socket from the app network helper");

  if (status) {
    errno = status;
    return net_fail(err, "create a socket in the app network");
  }
  if (sock < 0) {
    errno = EPROTO;
    return net_fail(err, "receive a socket from the app network helper");
  }
  return sock;
}
