/* The user namespace every app runs in, and how its ids map to the host.
 *
 * Rootless: container 0 is the user; with newuidmap/newgidmap and a range in /etc/subuid and
 * /etc/subgid, container 1..n map to that range, so images that chown or switch users work.
 * Without them only container 0 exists and other owners collapse onto it.
 * As root: container 0..65535 map to root's /etc/subuid range when it has one, else to the
 * fixed range 1879048192 (0x70000000) + 65536, so container root is never host root. */
#ifndef CHEFER_USERNS_H
#define CHEFER_USERNS_H

#include <stdint.h>
#include <sys/types.h>

#define ROOT_RANGE_START 1879048192u
#define ROOT_RANGE_COUNT 65536u

struct idmap {
  uid_t uid0;         /* host uid of container uid 0 */
  gid_t gid0;         /* host gid of container gid 0 */
  uint32_t uid_start; /* host start of container uids 1.. (0: none) */
  uint32_t uid_count; /* how many container uids from 1 */
  uint32_t gid_start;
  uint32_t gid_count;
  int helpers;          /* 1 when newuidmap/newgidmap must write the maps */
  char key[13];         /* names cache entries made under this mapping */
  char why_single[160]; /* when only container 0 is mapped: the reason, for the warning */
};

/* Chooses the mapping for this user on this machine (CHEFER_IDMAP=single forces one id). */
int idmap_choose(struct idmap *m);

/* Makes host paths reachable inside the sandbox's mount namespace (bind mounts under the
 * current directory). Called as real root before the user namespace exists, so container
 * root need not traverse root's 0700 home; rootless, right after entering it. */
typedef int (*sandbox_stage)(void *ctx);

/* Forks the sandbox process: in the child, returns 0 inside a new user and mount namespace
 * with the mapping written and ids switched to container root; in the parent, returns the
 * child's pid. On a refused mapping with helpers it falls back to a single id, updates *m
 * in both processes, and warns with the reason. Returns -1 with the error set. */
pid_t sandbox_fork(struct idmap *m, sandbox_stage stage, void *ctx);

/* The host uid a container uid maps to, or (uid_t)-1 when unmapped. */
uid_t idmap_host_uid(const struct idmap *m, uint32_t container_uid);

#endif
