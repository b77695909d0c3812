/* The network part of the manifest (docs/format.md): app.network and, per service, name,
 * hostname, aliases, extra_hosts and ports, read from the parsed JSON into a net_plan. */
#ifndef CHEFER_MANIFEST_PLAN_H
#define CHEFER_MANIFEST_PLAN_H

#include "../json.h"
#include "net.h"

/* Owns the arrays a plan points at; strings still point into the JSON tree. */
struct net_plan_store {
  struct net_plan plan;
  struct net_service *services;
  const char **names;            /* every service's aliases, back to back */
  struct net_extra_host *extras; /* every service's extra hosts, back to back */
  struct net_port *ports;        /* every service's ports, back to back */
};

/* Fills store from the manifest's root object; the tree must outlive the plan. */
int net_plan_from_manifest(const struct json *root, struct net_plan_store *store,
                           struct net_err *err);

void net_plan_store_free(struct net_plan_store *store);

#endif
