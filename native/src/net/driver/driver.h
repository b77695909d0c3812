/* net-driver: exercises the network modules the way the runtime will, with host binaries
 * as services (no rootfs). Used by test/native-net and bench/forward.bench.ts. */
#ifndef CHEFER_NET_DRIVER_H
#define CHEFER_NET_DRIVER_H

#include <sys/types.h>

#include "../net.h"
#include "plan_file.h"

int enter_userns(struct net_err *err);

/* The host uid that root of the driver's user namespace will be. */
uid_t container_root_uid(void);

/* `run PLAN`: builds the network, starts the services, forwards ports until SIGTERM. */
int cmd_run(const char *plan_path);

/* `udp-echo PORT`: answers each datagram with "<hostname> <sender port> <datagram>". */
int cmd_udp_echo(const char *port);

/* `manifest FILE SERVICE`: reads a manifest's network fields; prints the mode, the ports
 * and SERVICE's hosts file. */
int cmd_manifest(const char *path, const char *service);

/* The last message json.c reported (see json_errors.c). */
const char *driver_json_error(void);

/* `tcp-echo PORT`: echoes each connection's bytes back, one connection at a time.
 * `tcp-count PORT`: answers each connection, once the client half-closes, with its byte count. */
int cmd_tcp_serve(const char *port, int counting);

#endif
