/* Internals shared by portfwd.c, portfwd_tcp.c and portfwd_udp.c. */
#ifndef CHEFER_PORTFWD_INT_H
#define CHEFER_PORTFWD_INT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>

#include "portfwd.h"

enum pf_kind { PF_TCP_LISTENER, PF_UDP_LISTENER, PF_TCP_SIDE, PF_UDP_SESSION };

/* First member of everything registered with epoll. */
struct pf_handle {
  enum pf_kind kind;
};

struct pf_session;

struct pf_listener {
  struct pf_handle h;
  int fd;
  struct portfwd *pf;
  const char *service;
  char host_ip[INET6_ADDRSTRLEN];
  unsigned host_port;
  unsigned container_port;
  enum net_proto proto;
  struct sockaddr_in target;
  struct pf_session *sessions;
  size_t n_sessions;
};

struct pf_pipe {
  int r, w;
  size_t len;
  int full;
};

struct pf_conn;

struct pf_side {
  struct pf_handle h;
  int fd;
  struct pf_conn *conn;
  uint32_t events;
  int registered;
  int eof;
  int shut;
};

struct pf_conn {
  struct pf_side client, upstream;
  struct pf_pipe up, down; /* up: client to service; down: service to client */
  struct portfwd *pf;
  const struct pf_listener *l;
  int connecting;
  int client_hup;     /* the client ended its side while the service was being reached */
  int64_t started_ms; /* when the connection was accepted */
  int closed;
  struct pf_conn *prev, *next; /* the live list */
  struct pf_conn *next_dead;
};

struct pf_session {
  struct pf_handle h;
  int fd;
  struct pf_listener *l;
  struct sockaddr_storage client;
  socklen_t client_len;
  int64_t last_ms;
  int closed;
  struct pf_session *next;
  struct pf_session *next_dead;
};

struct portfwd {
  int epfd;
  int factory_fd;
  struct pf_listener *listeners;
  size_t n_listeners;
  int udp_idle_ms;
  int64_t last_sweep_ms;
  struct pf_conn *live_conns;
  struct pf_conn *dead_conns;
  struct pf_session *dead_sessions;
  void (*log)(void *ctx, const char *msg);
  void *log_ctx;
};

void pf_log(struct portfwd *pf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int64_t pf_now_ms(void);

/* An upstream socket in the app network (or locally in shared mode); -1 on failure. */
int pf_upstream_socket(struct portfwd *pf, int type);

void pf_tcp_accept(struct pf_listener *l);
void pf_tcp_event(struct pf_side *side, uint32_t events);
void pf_tcp_reap(struct portfwd *pf);
void pf_tcp_close_all(struct portfwd *pf);

void pf_udp_from_client(struct pf_listener *l);
void pf_udp_from_service(struct pf_session *s);
void pf_udp_sweep(struct portfwd *pf, int64_t now);
void pf_udp_close_all(struct pf_listener *l);
void pf_udp_reap(struct portfwd *pf);

#endif
