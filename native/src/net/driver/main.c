#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "../hosts.h"
#include "../resolv.h"
#include "driver.h"

static int usage(void) {
  fprintf(stderr,
          "usage: net-driver probe | run PLAN | hosts PLAN SERVICE | manifest FILE SERVICE |\n"
          "       resolv MODE on|off HOSTFILE | tcp-echo PORT | tcp-count PORT |\n"
          "       udp-echo PORT\n");
  return 2;
}

static int fail(const struct net_err *err) {
  fprintf(stderr, "net-driver: error: %s\n", err->msg);
  return 1;
}

/* `hosts PLAN SERVICE`: prints the hosts file that SERVICE would see. */
static int cmd_hosts(const char *plan_path, const char *service) {
  static struct plan_file pf;
  struct net_err err;
  char buf[65536];

  if (plan_file_read(plan_path, &pf, &err))
    return fail(&err);
  for (size_t i = 0; i < pf.plan.n_services; i++) {
    if (strcmp(pf.plan.services[i].name, service) != 0)
      continue;
    long len = net_hosts_render(&pf.plan, i, buf, sizeof buf, &err);
    if (len < 0)
      return fail(&err);
    fwrite(buf, 1, (size_t)len, stdout);
    return 0;
  }
  fprintf(stderr, "net-driver: error: no service %s in %s\n", service, plan_path);
  return 1;
}

/* `resolv MODE on|off HOSTFILE`: prints the resolv.conf services would see. */
static int cmd_resolv(const char *mode, const char *outbound, const char *host_path) {
  static char host[16384], out[16384];
  struct net_err err;
  enum net_mode m = strcmp(mode, "shared") == 0     ? NET_SHARED
                    : strcmp(mode, "internal") == 0 ? NET_INTERNAL
                                                    : NET_BRIDGE;
  FILE *f = fopen(host_path, "re");
  if (!f) {
    net_fail(&err, "open %s", host_path);
    return fail(&err);
  }
  host[fread(host, 1, sizeof host - 1, f)] = '\0';
  fclose(f);

  long len = net_resolv_render(m, strcmp(outbound, "on") == 0, host, out, sizeof out, &err);
  if (len < 0)
    return fail(&err);
  fwrite(out, 1, (size_t)len, stdout);
  return 0;
}

/* `probe`: whether this user may create the namespaces `run` needs. */
static int cmd_probe(void) {
  struct net_err err;
  if (enter_userns(&err))
    return fail(&err);
  if (unshare(CLONE_NEWNET) < 0) {
    net_fail(&err, "create a network namespace");
    return fail(&err);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "probe") == 0)
    return cmd_probe();
  if (argc == 3 && strcmp(argv[1], "run") == 0)
    return cmd_run(argv[2]);
  if (argc == 4 && strcmp(argv[1], "hosts") == 0)
    return cmd_hosts(argv[2], argv[3]);
  if (argc == 5 && strcmp(argv[1], "resolv") == 0)
    return cmd_resolv(argv[2], argv[3], argv[4]);
  if (argc == 4 && strcmp(argv[1], "manifest") == 0)
    return cmd_manifest(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "tcp-echo") == 0)
    return cmd_tcp_serve(argv[2], 0);
  if (argc == 3 && strcmp(argv[1], "tcp-count") == 0)
    return cmd_tcp_serve(argv[2], 1);
  if (argc == 3 && strcmp(argv[1], "udp-echo") == 0)
    return cmd_udp_echo(argv[2]);
  return usage();
}
