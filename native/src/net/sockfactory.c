#include "sockfactory.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct factory_req {
  int32_t family;
  int32_t type;
};

static int send_reply(int fd, int32_t status, int sock) {
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = &status, .iov_len = sizeof status};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

  if (sock >= 0) {
    memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sock, sizeof sock);
  }

  return sendmsg(fd, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

void sockfactory_serve(int fd) {
  for (;;) {
    struct factory_req req;
    ssize_t n = recv(fd, &req, sizeof req, 0);
    if (n == 0)
      return;
    if (n < 0 && errno == EINTR)
      continue;
    if (n != sizeof req)
      return;

    int sock = socket(req.family, req.type | SOCK_CLOEXEC, 0);
    int rc = send_reply(fd, sock < 0 ? errno : 0, sock);
    if (sock >= 0)
      close(sock);
    if (rc < 0)
      return;
  }
}

static int receive_reply(int fd, struct net_err *err) {
  int32_t status = 0;
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = &status, .iov_len = sizeof status};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};

  ssize_t n;
  do
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n != sizeof status)
    return net_fail(err, "receive a socket from the app network helper");

  if (status) {
    errno = status;
    return net_fail(err, "create a socket in the app network");
  }

  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) {
    errno = EPROTO;
    return net_fail(err, "receive a socket from the app network helper");
  }
  int sock;
  memcpy(&sock, CMSG_DATA(c), sizeof sock);
  return sock;
}

int sockfactory_socket(int fd, int family, int type, struct net_err *err) {
  struct factory_req req = {.family = family, .type = type};

  if (send(fd, &req, sizeof req, MSG_NOSIGNAL) != sizeof req)
    return net_fail(err, "ask the app network helper for a socket");

  return receive_reply(fd, err);
}
