#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "portfwd_int.h"

#define DATAGRAM_MAX 65535
#define RECV_BATCH 64
/* Bounds the memory one listener can be made to hold by spoofed source addresses. */
#define SESSIONS_MAX 4096

static char datagram[DATAGRAM_MAX];

static struct pf_session *find_session(struct pf_listener *l, const struct sockaddr_storage *a,
                                       socklen_t len) {
  for (struct pf_session *s = l->sessions; s; s = s->next)
    if (!s->closed && s->client_len == len && memcmp(&s->client, a, len) == 0)
      return s;
  return NULL;
}

static void session_close(struct pf_session *s) {
  struct portfwd *pf = s->l->pf;
  struct pf_session **link = &s->l->sessions;

  while (*link && *link != s)
    link = &(*link)->next;
  if (*link)
    *link = s->next;
  s->l->n_sessions--;
  s->closed = 1;
  close(s->fd);
  s->next_dead = pf->dead_sessions;
  pf->dead_sessions = s;
}

static struct pf_session *session_open(struct pf_listener *l, const struct sockaddr_storage *a,
                                       socklen_t len) {
  if (l->n_sessions >= SESSIONS_MAX)
    return NULL;
  struct pf_session *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;

  s->h.kind = PF_UDP_SESSION;
  s->l = l;
  s->fd = pf_upstream_socket(l->pf, SOCK_DGRAM);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
  if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&l->target, sizeof l->target) < 0 ||
      epoll_ctl(l->pf->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
    if (s->fd >= 0)
      close(s->fd);
    free(s);
    return NULL;
  }

  memcpy(&s->client, a, len);
  s->client_len = len;
  s->next = l->sessions;
  l->sessions = s;
  l->n_sessions++;
  return s;
}

void pf_udp_from_client(struct pf_listener *l) {
  for (int i = 0; i < RECV_BATCH; i++) {
    struct sockaddr_storage from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(l->fd, datagram, sizeof datagram, 0, (struct sockaddr *)&from, &len);
    if (n < 0)
      return;

    struct pf_session *s = find_session(l, &from, len);
    if (!s)
      s = session_open(l, &from, len);
    if (!s) {
      pf_log(l->pf, "drop a datagram to host port %u: no session", l->host_port);
      continue;
    }
    s->last_ms = pf_now_ms();
    /* A full socket buffer or an ICMP error from the service drops the datagram, as UDP may. */
    send(s->fd, datagram, (size_t)n, MSG_DONTWAIT);
  }
}

void pf_udp_from_service(struct pf_session *s) {
  if (s->closed)
    return;
  for (int i = 0; i < RECV_BATCH; i++) {
    ssize_t n = recv(s->fd, datagram, sizeof datagram, MSG_DONTWAIT);
    if (n < 0 && errno == ECONNREFUSED)
      continue; /* nothing listens yet: try the next one */
    if (n < 0)
      return;
    s->last_ms = pf_now_ms();
    sendto(s->l->fd, datagram, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&s->client,
           s->client_len);
  }
}

void pf_udp_sweep(struct portfwd *pf, int64_t now) {
  for (size_t i = 0; i < pf->n_listeners; i++) {
    struct pf_session *s = pf->listeners[i].sessions;
    while (s) {
      struct pf_session *next = s->next;
      if (now - s->last_ms >= pf->udp_idle_ms)
        session_close(s);
      s = next;
    }
  }
}

void pf_udp_close_all(struct pf_listener *l) {
  while (l->sessions)
    session_close(l->sessions);
}

void pf_udp_reap(struct portfwd *pf) {
  while (pf->dead_sessions) {
    struct pf_session *s = pf->dead_sessions;
    pf->dead_sessions = s->next_dead;
    free(s);
  }
}
