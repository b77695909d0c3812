#include "netlink.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NL_BUF 1024

struct nl_req {
  struct nlmsghdr *h;
  char buf[NL_BUF];
};

static void *nl_tail(struct nl_req *r) {
  return (char *)r->h + NLMSG_ALIGN(r->h->nlmsg_len);
}

static void *nl_begin(struct nl_req *r, int type, int flags, size_t body) {
  memset(r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *)r->buf;
  r->h->nlmsg_type = type;
  r->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  r->h->nlmsg_len = NLMSG_LENGTH(body);
  return NLMSG_DATA(r->h);
}

/* Appends one attribute; the buffer is sized for the largest request built here. */
static struct rtattr *nl_put(struct nl_req *r, int type, const void *data, size_t len) {
  struct rtattr *a = nl_tail(r);
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  if (len)
    memcpy(RTA_DATA(a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}

static struct rtattr *nl_nest(struct nl_req *r, int type) {
  return nl_put(r, type, NULL, 0);
}

static void nl_nest_end(struct nl_req *r, struct rtattr *a) {
  a->rta_len = (char *)nl_tail(r) - (char *)a;
}

static int nl_put_str(struct nl_req *r, int type, const char *s) {
  return nl_put(r, type, s, strlen(s) + 1) ? 0 : -1;
}

int nl_open(struct net_err *err) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return net_fail(err, "open a netlink socket");
  return fd;
}

/* Sends one request and reads its acknowledgement; returns 0 or a negative errno. */
static int nl_talk(int nl, struct nl_req *r) {
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  char reply[NL_BUF];

  if (sendto(nl, r->h, r->h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    return -errno;

  ssize_t n = recv(nl, reply, sizeof reply, 0);
  if (n < 0)
    return -errno;

  struct nlmsghdr *h = (struct nlmsghdr *)reply;
  if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != NLMSG_ERROR)
    return -EPROTO;
  return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

static int nl_check(int rc, struct net_err *err, const char *what, const char *name) {
  if (rc == 0)
    return 0;
  errno = -rc;
  return net_fail(err, "%s %s", what, name);
}

int nl_add_bridge(int nl, const char *name, struct net_err *err) {
  struct nl_req r;
  nl_begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
  nl_put_str(&r, IFLA_IFNAME, name);

  struct rtattr *info = nl_nest(&r, IFLA_LINKINFO);
  nl_put_str(&r, IFLA_INFO_KIND, "bridge");
  nl_nest_end(&r, info);

  return nl_check(nl_talk(nl, &r), err, "create bridge", name);
}

int nl_add_veth(int nl, const char *name, const char *peer, int peer_netns_fd,
                struct net_err *err) {
  struct nl_req r;
  nl_begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
  nl_put_str(&r, IFLA_IFNAME, name);

  struct rtattr *info = nl_nest(&r, IFLA_LINKINFO);
  nl_put_str(&r, IFLA_INFO_KIND, "veth");
  struct rtattr *data = nl_nest(&r, IFLA_INFO_DATA);
  struct rtattr *peer_info = nl_nest(&r, VETH_INFO_PEER);
  struct ifinfomsg peer_msg = {.ifi_family = AF_UNSPEC};
  memcpy(nl_tail(&r), &peer_msg, sizeof peer_msg);
  r.h->nlmsg_len += NLMSG_ALIGN(sizeof peer_msg);
  nl_put_str(&r, IFLA_IFNAME, peer);
  nl_put(&r, IFLA_NET_NS_FD, &peer_netns_fd, sizeof peer_netns_fd);
  nl_nest_end(&r, peer_info);
  nl_nest_end(&r, data);
  nl_nest_end(&r, info);

  return nl_check(nl_talk(nl, &r), err, "create veth", name);
}

int nl_link_up(int nl, const char *name, const char *master, struct net_err *err) {
  unsigned index = if_nametoindex(name);
  if (index == 0)
    return net_fail(err, "find link %s", name);

  struct nl_req r;
  struct ifinfomsg *ifi = nl_begin(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
  ifi->ifi_index = (int)index;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;

  if (master) {
    unsigned m = if_nametoindex(master);
    if (m == 0)
      return net_fail(err, "find bridge %s", master);
    nl_put(&r, IFLA_MASTER, &m, sizeof m);
  }

  return nl_check(nl_talk(nl, &r), err, "bring up link", name);
}

int nl_add_addr(int nl, const char *name, struct in_addr addr, int prefix, struct net_err *err) {
  unsigned index = if_nametoindex(name);
  if (index == 0)
    return net_fail(err, "find link %s", name);

  struct nl_req r;
  struct ifaddrmsg *ifa =
      nl_begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = (unsigned char)prefix;
  ifa->ifa_index = index;
  nl_put(&r, IFA_LOCAL, &addr, sizeof addr);
  nl_put(&r, IFA_ADDRESS, &addr, sizeof addr);

  return nl_check(nl_talk(nl, &r), err, "add address to link", name);
}

int nl_del_link(int nl, const char *name, struct net_err *err) {
  struct nl_req r;
  nl_begin(&r, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
  nl_put_str(&r, IFLA_IFNAME, name);
  return nl_check(nl_talk(nl, &r), err, "delete stale link", name);
}
