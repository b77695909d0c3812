#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FDPASS_MAX 2

void fdpass_close_others(int keep) {
  if (keep > 3)
    close_range(3, (unsigned)keep - 1, 0);
  if (close_range((unsigned)keep + 1, ~0U, 0) == 0)
    return;
  /* Kernels before 5.9 lack close_range. */
  long max = sysconf(_SC_OPEN_MAX);
  for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
    if (fd != keep)
      close((int)fd);
}

ssize_t fdpass_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds) {
  char control[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

  if (n_fds > FDPASS_MAX)
    return errno = EINVAL, -1;
  if (n_fds) {
    memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
  }
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}

ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fds, size_t n_fds) {
  char control[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr msg = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};

  for (size_t i = 0; i < n_fds; i++)
    fds[i] = -1;
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);

  struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
    size_t got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int all[FDPASS_MAX];
    memcpy(all, CMSG_DATA(c), (got < FDPASS_MAX ? got : FDPASS_MAX) * sizeof(int));
    for (size_t i = 0; i < got && i < FDPASS_MAX; i++) {
      if (i < n_fds)
        fds[i] = all[i];
      else
        close(all[i]);
    }
  }
  return n;
}
