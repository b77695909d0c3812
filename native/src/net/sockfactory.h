/* Sockets made in another network namespace, handed over a SOCK_SEQPACKET socketpair.
 *
 * A socket stays in the network namespace it was created in. The port forwarder lives in
 * the host netns but must reach service addresses on the app network, and a rootless
 * process cannot setns into a netns owned by another user namespace; so the helper that
 * holds the app netns creates the sockets and passes them back with SCM_RIGHTS. */
#ifndef CHEFER_SOCKFACTORY_H
#define CHEFER_SOCKFACTORY_H

#include "net.h"

/* Answers requests on fd until the other end closes it. Runs in the app netns. */
void sockfactory_serve(int fd);

/* Returns a new socket(family, type, 0) made by the factory behind fd, or -1 with err. */
int sockfactory_socket(int fd, int family, int type, struct net_err *err);

#endif
