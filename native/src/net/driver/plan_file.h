/* The test driver's plan file: a line-based stand-in for the manifest's network fields.
 *
 *   mode bridge|internal|shared
 *   udp_idle_ms 2000
 *   service NAME              starts a service; the lines below apply to it
 *   hostname NAME
 *   alias NAME
 *   extra HOST IP
 *   port tcp|udp HOST_IP HOST[-END] CONTAINER[-END]
 *   arg WORD                  one argv word per line, taken verbatim
 *   restart N                 start the service again when it exits, up to N times */
#ifndef CHEFER_NET_PLAN_FILE_H
#define CHEFER_NET_PLAN_FILE_H

#include "../net.h"

#define PF_MAX_SERVICES 32
#define PF_MAX_ITEMS 32

struct plan_service {
  struct net_service net;
  const char *aliases[PF_MAX_ITEMS];
  struct net_extra_host extra[PF_MAX_ITEMS];
  struct net_port ports[PF_MAX_ITEMS];
  char *argv[PF_MAX_ITEMS + 1];
  size_t argc;
  int restarts;
};

struct plan_file {
  struct net_plan plan;
  struct plan_service services[PF_MAX_SERVICES];
  struct net_service net_services[PF_MAX_SERVICES];
  int udp_idle_ms;
};

/* Reads path into pf; strings point into memory that lives as long as the process. */
int plan_file_read(const char *path, struct plan_file *pf, struct net_err *err);

#endif
