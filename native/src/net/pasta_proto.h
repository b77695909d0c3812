/* Messages between the runtime and the pasta launcher, over a SOCK_SEQPACKET pair. */
#ifndef CHEFER_PASTA_PROTO_H
#define CHEFER_PASTA_PROTO_H

#include <stdint.h>

enum { PASTA_OP_START = 1, PASTA_OP_STOP = 2, PASTA_OP_EXIT = 3 };

/* START carries two descriptors with SCM_RIGHTS: the service's netns, the app's userns. */
struct pasta_req {
  int32_t op;
  int32_t pid; /* STOP: the pasta to stop */
};

struct pasta_reply {
  int32_t error; /* 0 or an errno */
  int32_t pid;   /* START: the new pasta */
};

/* The launcher's loop; returns when the runtime's end closes. */
void pasta_launcher_serve(const char *path, int fd);

#endif
