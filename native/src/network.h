/* The app's network, as the runtime uses the net module (docs/networking.md, "Integration"):
 * the plan read from the manifest, the published ports bound on the host before anything
 * starts, pasta's launcher for outbound traffic, the app network made in the sandbox, the
 * forwarder process, and each service's hosts and resolv.conf texts. In `shared` mode the
 * services keep the sandbox's network namespace (the host's) and only the files and the
 * port relays for remapped ports remain. */
#ifndef CHEFER_NETWORK_H
#define CHEFER_NETWORK_H

#include <stddef.h>
#include <sys/types.h>

#include "manifest.h"
#include "net/manifest_plan.h"
#include "net/pasta.h"
#include "net/portfwd.h"

struct network {
  struct net_plan_store store;
  struct portfwd *fwd;
  struct pasta_launcher launcher;
  int outbound;         /* bridge mode with pasta available */
  struct net_app app;   /* made in the sandbox */
  pid_t forwarder;      /* the forwarder process, or -1 */
  struct pasta *pastas; /* per service */
  char **hosts;         /* per service: its /etc/hosts text */
  char **resolv;        /* per service: its /etc/resolv.conf text */
};

/* On the host, before the sandbox exists: reads the plan and binds every published port (a
 * busy port fails here, before any service starts); in bridge mode starts pasta's launcher,
 * or warns once that outbound traffic is off. Returns -1 with the error set. */
int network_host_prepare(struct network *n, const struct manifest *m);

/* On the host after the sandbox forked: drops the host's copies of the listeners. */
void network_host_release(struct network *n);

/* In the sandbox, before any service: the app network, the forwarder process, a `port` event
 * per published port, and every service's hosts and resolv.conf texts. */
int network_start(struct network *n);

/* In service `index`'s new process, before its root filesystem: joins the app network and
 * sends the result (and the service's netns, for pasta) over sock. Returns -1 on failure. */
int network_join(const struct network *n, size_t index, int sock);

/* In the supervisor, after network_join's message arrived on sock: starts pasta for the
 * service. Returns -1 with the error set when the child reported a failure. */
int network_joined(struct network *n, size_t index, int sock);

/* In the supervisor, when service `index` has exited: stops its pasta, which would otherwise
 * hold the service's network namespace open. */
void network_service_exited(struct network *n, size_t index);

/* In service `index`'s process, just before exec: waits for pasta's route (bridge mode). */
void network_wait_outbound(const struct network *n);

/* In the sandbox at the end: stops pasta, the forwarder and the app network. */
void network_stop(struct network *n);

#endif
