/* Published ports: listeners in the host netns relaying to service addresses.
 *
 * One epoll loop serves every listener and connection. TCP is relayed with splice(2)
 * through a pipe per direction, so data never enters user space; UDP keeps one upstream
 * socket per client address and drops it after an idle timeout. Upstream sockets come
 * from the socket factory (app network) or, in shared mode, are plain local sockets. */
#ifndef CHEFER_PORTFWD_H
#define CHEFER_PORTFWD_H

#include "net.h"

struct portfwd;

#define PORTFWD_UDP_IDLE_MS 60000

/* Binds every published host port of the plan. Call it before any service starts: a busy
 * or forbidden host port fails here, naming the port and the service. Ports below 1024
 * need the host's privileges, so root should call this before entering the app's user
 * namespace; the listeners keep working inside it. Sets SIGPIPE to be ignored in the calling
 * process, since splice(2) cannot be told not to raise it. */
struct portfwd *portfwd_open(const struct net_plan *plan, struct net_err *err);

/* Starts accepting on the TCP ports. Until then a connection is refused, as Docker refuses
 * one before the container runs, rather than queued for a service that is not up: a client
 * that gave up meanwhile would still have its request delivered later. Call it once the
 * forwarder is about to run. */
int portfwd_listen(struct portfwd *pf, struct net_err *err);

/* Makes upstream sockets through the socket factory (net_app.factory_fd) from now on.
 * Without it (shared mode) upstream sockets are plain sockets of the caller's netns. */
void portfwd_attach(struct portfwd *pf, int factory_fd);

/* One published port, as reported to portfwd_each; `forwarded` is 0 when no relay is
 * needed (shared mode with the same host and container port: the service listens itself). */
struct portfwd_info {
  const char *service;
  const char *host_ip;
  unsigned host_port;
  unsigned container_port;
  const char *protocol;
  int forwarded;
};

/* Calls fn once per published port (ranges expanded), e.g. to emit `port` events. */
void portfwd_each(const struct portfwd *pf, void (*fn)(void *ctx, const struct portfwd_info *),
                  void *ctx);

/* Debug messages (refused upstream connections, dropped datagrams) go to fn when set. */
void portfwd_set_logger(struct portfwd *pf, void (*fn)(void *ctx, const char *msg), void *ctx);

void portfwd_set_udp_idle(struct portfwd *pf, int idle_ms);

/* The epoll fd, readable when portfwd_dispatch has work: lets a caller's own loop wait on it. */
int portfwd_fd(const struct portfwd *pf);

/* Handles ready events, waiting at most timeout_ms (-1: until something happens or 1 s
 * when UDP sessions may expire). Returns -1 only when epoll itself fails. */
int portfwd_dispatch(struct portfwd *pf, int timeout_ms, struct net_err *err);

/* Closes every listener, connection and session. */
void portfwd_close(struct portfwd *pf);

#endif
