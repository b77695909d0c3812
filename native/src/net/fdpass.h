/* One message with up to two file descriptors over a unix socket (SCM_RIGHTS). */
#ifndef CHEFER_FDPASS_H
#define CHEFER_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes and the n_fds (0-2) descriptors in fds. */
ssize_t fdpass_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds);

/* Receives one message into buf; fds[0..n_fds) get the descriptors sent with it (close-on-
 * exec), or -1 where none came. Returns the message length, 0 at end, -1 on error. */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fds, size_t n_fds);

/* In a helper process that never execs: closes every descriptor above 2 except keep, so
 * it holds no copy of the runtime's (e.g. a published port's listener, which would stay
 * bound as long as the helper lives). */
void fdpass_close_others(int keep);

#endif
