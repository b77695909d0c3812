#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "portfwd_int.h"

#define ACCEPT_BATCH 64
/* A larger pipe moves more per splice call; 256 KiB reached near-direct loopback speed here
 * and keeps an unprivileged user well inside fs.pipe-user-pages-soft with many connections. */
#define PIPE_BYTES (256 * 1024)
/* A client that ends its side after waiting this long for the service has given up: its
 * request is not delivered. Sooner, it is a client that half-closes after sending. */
#define GAVE_UP_MS 250

static int open_pipe(struct pf_pipe *p) {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
    return -1;
  p->r = fds[0];
  p->w = fds[1];
  /* Refused past the user's pipe quota; the default 64 KiB pipe still works. */
  fcntl(p->w, F_SETPIPE_SZ, PIPE_BYTES);
  return 0;
}

static void close_fd(int *fd) {
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

static void conn_close(struct pf_conn *c) {
  struct portfwd *pf = c->pf;
  if (c->closed)
    return;
  c->closed = 1;

  close_fd(&c->client.fd);
  close_fd(&c->upstream.fd);
  close_fd(&c->up.r);
  close_fd(&c->up.w);
  close_fd(&c->down.r);
  close_fd(&c->down.w);

  if (c->prev)
    c->prev->next = c->next;
  else
    pf->live_conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->next_dead = pf->dead_conns;
  pf->dead_conns = c;
}

/* Closing with a zero linger sends a reset, so the client sees the refusal as Docker's
 * proxy shows it, instead of an empty reply. */
static void conn_refuse(struct pf_conn *c) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(c->client.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  conn_close(c);
}

/* A side that has both ended and been shut down only reports EPOLLHUP from now on, which
 * no interest mask silences; it leaves the epoll set so the loop does not spin on it. */
static int watch(struct pf_conn *c, struct pf_side *s, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = s};
  if (s->eof && s->shut) {
    if (s->registered)
      epoll_ctl(c->pf->epfd, EPOLL_CTL_DEL, s->fd, NULL);
    s->registered = 0;
    return 0;
  }
  if (s->registered && s->events == events)
    return 0;

  int op = s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(c->pf->epfd, op, s->fd, &ev) < 0)
    return -1;
  s->registered = 1;
  s->events = events;
  return 0;
}

static int update_interest(struct pf_conn *c) {
  uint32_t client = c->client_hup ? 0 : EPOLLRDHUP, upstream = EPOLLOUT;

  if (!c->connecting) {
    client = (!c->client.eof && !c->up.full ? EPOLLIN : 0) | (c->down.len ? EPOLLOUT : 0);
    upstream = (!c->upstream.eof && !c->down.full ? EPOLLIN : 0) | (c->up.len ? EPOLLOUT : 0);
  }
  if (watch(c, &c->client, client) < 0)
    return -1;
  return watch(c, &c->upstream, upstream);
}

/* Moves what the pipe holds into dst, then what src has into the pipe, until neither moves. */
static int pump(struct pf_side *src, struct pf_side *dst, struct pf_pipe *p) {
  const unsigned flags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;

  for (int moved = 1; moved;) {
    moved = 0;
    if (p->len) {
      ssize_t n = splice(p->r, NULL, dst->fd, NULL, p->len, flags);
      if (n < 0 && errno != EAGAIN)
        return -1;
      if (n > 0)
        p->len -= (size_t)n, p->full = 0, moved = 1;
    }
    if (!src->eof && !p->full) {
      ssize_t n = splice(src->fd, NULL, p->w, NULL, PIPE_BYTES, flags);
      if (n < 0 && errno != EAGAIN)
        return -1;
      if (n < 0)
        p->full = p->len > 0; /* EAGAIN with data queued: the pipe has no room */
      if (n == 0)
        src->eof = 1;
      if (n > 0)
        p->len += (size_t)n, moved = 1;
    }
  }

  if (src->eof && !p->len && !dst->shut) {
    shutdown(dst->fd, SHUT_WR);
    dst->shut = 1;
  }
  return 0;
}

static int waited_too_long(const struct pf_conn *c) {
  return pf_now_ms() - c->started_ms > GAVE_UP_MS;
}

static int finish_connect(struct pf_conn *c) {
  int soerr = 0;
  socklen_t len = sizeof soerr;
  getsockopt(c->upstream.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr) {
    pf_log(c->pf, "connect to service %s port %u: %s", c->l->service, c->l->container_port,
           strerror(soerr));
    return -1;
  }
  if (c->client_hup && waited_too_long(c)) {
    pf_log(c->pf, "client of service %s port %u left before the service answered",
           c->l->service, c->l->container_port);
    return -1;
  }
  c->connecting = 0;
  return 0;
}

/* The client's side while the service is being reached: a hang-up after a long wait ends the
 * connection; a quick half-close (send, then shutdown) is kept for when it is reached. */
static int client_while_connecting(struct pf_conn *c, uint32_t events) {
  if ((events & (EPOLLHUP | EPOLLERR)) || waited_too_long(c))
    return -1;
  c->client_hup = 1;
  return update_interest(c) < 0 ? -1 : 0;
}

/* Returns 0 while the connection goes on, -1 when it is to be refused, 1 when it is done. */
static int step(struct pf_conn *c, struct pf_side *side, uint32_t events) {
  if (c->connecting && side == &c->client)
    return client_while_connecting(c, events);
  if (c->connecting && finish_connect(c) < 0)
    return -1;
  if (events & EPOLLERR)
    return 1;
  if (pump(&c->client, &c->upstream, &c->up) < 0 || pump(&c->upstream, &c->client, &c->down) < 0)
    return 1;

  int done = c->client.eof && c->upstream.eof && !c->up.len && !c->down.len;
  return done || update_interest(c) < 0 ? 1 : 0;
}

void pf_tcp_event(struct pf_side *side, uint32_t events) {
  struct pf_conn *c = side->conn;
  if (c->closed)
    return;

  int rc = step(c, side, events);
  if (rc < 0)
    conn_refuse(c);
  else if (rc > 0)
    conn_close(c);
}

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static struct pf_conn *conn_new(struct portfwd *pf, int client) {
  struct pf_conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;

  c->pf = pf;
  c->client = (struct pf_side){.h = {PF_TCP_SIDE}, .fd = client, .conn = c};
  c->upstream = (struct pf_side){.h = {PF_TCP_SIDE}, .fd = -1, .conn = c};
  c->up = (struct pf_pipe){.r = -1, .w = -1};
  c->down = (struct pf_pipe){.r = -1, .w = -1};
  c->next = pf->live_conns;
  if (c->next)
    c->next->prev = c;
  pf->live_conns = c;
  return c;
}

static void start_conn(struct pf_listener *l, int client) {
  struct pf_conn *c = conn_new(l->pf, client);
  if (!c) {
    close(client);
    return;
  }
  c->l = l;
  c->started_ms = pf_now_ms();

  c->upstream.fd = pf_upstream_socket(l->pf, SOCK_STREAM);
  if (c->upstream.fd < 0 || open_pipe(&c->up) < 0 || open_pipe(&c->down) < 0) {
    conn_refuse(c);
    return;
  }

  set_nodelay(client);
  set_nodelay(c->upstream.fd);
  int rc = connect(c->upstream.fd, (struct sockaddr *)&l->target, sizeof l->target);
  if (rc < 0 && errno != EINPROGRESS) {
    pf_log(l->pf, "connect to service %s port %u: %s", l->service, l->container_port,
           strerror(errno));
    conn_refuse(c);
    return;
  }

  c->connecting = 1;
  if (update_interest(c) < 0)
    conn_close(c);
}

void pf_tcp_accept(struct pf_listener *l) {
  for (int i = 0; i < ACCEPT_BATCH; i++) {
    int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
        pf_log(l->pf, "accept on host port %u: %s", l->host_port, strerror(errno));
      return;
    }
    start_conn(l, fd);
  }
}

void pf_tcp_reap(struct portfwd *pf) {
  while (pf->dead_conns) {
    struct pf_conn *c = pf->dead_conns;
    pf->dead_conns = c->next_dead;
    free(c);
  }
}

void pf_tcp_close_all(struct portfwd *pf) {
  while (pf->live_conns)
    conn_close(pf->live_conns);
}
