#include "confine.h"
#include "exit-codes.h"
#include "log.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Capability names by number, as <linux/capability.h> numbers them (0..40). */
static const char *const cap_names[] = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
};
#define CAP_COUNT (int)(sizeof cap_names / sizeof cap_names[0])

/* Docker's default set: what a service has when its recipe names no capabilities. */
static const char *const default_caps[] = {
    "CHOWN",  "DAC_OVERRIDE", "FSETID",  "FOWNER",           "MKNOD",      "NET_RAW", "SETGID",
    "SETUID", "SETFCAP",      "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",    "AUDIT_WRITE",
};

int confine_cap_number(const char *name) {
  if (strncasecmp(name, "CAP_", 4) == 0)
    name += 4;
  for (int i = 0; i < CAP_COUNT; i++)
    if (strcasecmp(name, cap_names[i]) == 0)
      return i;
  return -1;
}

static uint64_t bit(int cap) {
  return (uint64_t)1 << cap;
}

int confine_caps(const struct service *s, uint64_t *out) {
  const char *const *names = s->caps_given ? s->caps : default_caps;
  size_t n = s->caps_given ? s->cap_count : sizeof default_caps / sizeof default_caps[0];

  *out = 0;
  for (size_t i = 0; i < n; i++) {
    int cap = confine_cap_number(names[i]);
    if (cap < 0)
      return fail(EXIT_DAMAGED, "rebuild the app with this chefer's packer",
                  "start service %s: unknown capability \"%s\" in the manifest", s->name, names[i]);
    *out |= bit(cap);
  }
  return 0;
}

static int drop_bounding(const struct service *s, uint64_t keep) {
  for (int cap = 0; cap < 64; cap++) {
    if (keep & bit(cap))
      continue;
    /* EINVAL: the kernel has no such capability, so nothing to drop. */
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return fail_errno(EXIT_START, NULL, "drop capability %d for service %s", cap, s->name);
  }
  return 0;
}

/* ---- the seccomp filter ---- */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "no seccomp architecture for this target"
#endif

/* What a refused call returns: EPERM, as Docker's profile answers, except clone3, whose flags
 * sit behind a pointer the filter cannot read: ENOSYS makes libc fall back to clone. */
enum rule_kind { DENY, DENY_NS_CLONE, NO_CLONE3 };

struct rule {
  int native; /* the number on this architecture, -1 when it has none */
  int i386;   /* the number for 32-bit x86 processes on x86_64, -1 when none */
  enum rule_kind kind;
  int unless_cap; /* a capability that lifts the rule, or -1 */
};

#define NR(name) __NR_##name
#ifdef __NR_kexec_file_load
#define NR_KEXEC_FILE NR(kexec_file_load)
#else
#define NR_KEXEC_FILE -1
#endif

/* i386 numbers are fixed by the kernel's ABI (arch/x86/entry/syscalls/syscall_32.tbl). */
static const struct rule rules[] = {
    {NR(keyctl), 288, DENY, -1}, /* keyrings are not namespaced */
    {NR(add_key), 286, DENY, -1},
    {NR(request_key), 287, DENY, -1},
    {NR(io_uring_setup), 425, DENY, -1},
    {NR(io_uring_enter), 426, DENY, -1},
    {NR(io_uring_register), 427, DENY, -1},
    {NR(kexec_load), 283, DENY, -1},
    {NR_KEXEC_FILE, -1, DENY, -1},
    {NR(init_module), 128, DENY, -1},
    {NR(finit_module), 350, DENY, -1},
    {NR(delete_module), 129, DENY, -1},
    {NR(open_by_handle_at), 342, DENY, -1},
    {NR(syslog), 103, DENY, 34},          /* SYSLOG */
    {NR(bpf), 357, DENY, 21},             /* SYS_ADMIN */
    {NR(perf_event_open), 336, DENY, 21}, /* SYS_ADMIN */
    {NR(userfaultfd), 374, DENY, 19},     /* SYS_PTRACE */
    {NR(unshare), 310, DENY, 21},         /* new namespaces: SYS_ADMIN */
    {NR(setns), 346, DENY, 21},
    {NR(clone), 120, DENY_NS_CLONE, 21},
    {NR(clone3), 435, NO_CLONE3, 21},
};
#define RULE_COUNT (sizeof rules / sizeof rules[0])

/* clone's namespace flags; CLONE_NEWTIME (0x80) only exists for clone3 and unshare, since
 * clone's low byte is the exit signal. */
#define NS_FLAGS                                                                                   \
  (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |    \
   CLONE_NEWNET)

#define MAX_FILTER 256

struct prog {
  struct sock_filter ops[MAX_FILTER];
  unsigned short len;
};

static void emit(struct prog *p, unsigned short code, unsigned char jt, unsigned char jf,
                 unsigned int k) {
  if (p->len < MAX_FILTER)
    p->ops[p->len] = (struct sock_filter){code, jt, jf, k};
  p->len++;
}

static void ret(struct prog *p, unsigned int action) {
  emit(p, BPF_RET | BPF_K, 0, 0, action);
}

#define LOAD(field) (BPF_LD | BPF_W | BPF_ABS), 0, 0, (unsigned)offsetof(struct seccomp_data, field)

/* The checks for one architecture: the syscall number is in the accumulator. */
static void emit_rules(struct prog *p, int i386, uint64_t caps) {
  for (size_t i = 0; i < RULE_COUNT; i++) {
    const struct rule *r = &rules[i];
    int nr = i386 ? r->i386 : r->native;
    if (nr < 0 || (r->unless_cap >= 0 && (caps & bit(r->unless_cap))))
      continue;
    if (r->kind == DENY_NS_CLONE) {
      /* The flags replace the number in the accumulator, so this block decides either way. */
      emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (unsigned)nr);
      emit(p, LOAD(args[0]));
      emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, NS_FLAGS);
      ret(p, SECCOMP_RET_ERRNO | EPERM);
      ret(p, SECCOMP_RET_ALLOW);
      continue;
    }
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (unsigned)nr);
    ret(p, SECCOMP_RET_ERRNO | (r->kind == NO_CLONE3 ? ENOSYS : EPERM));
  }
  ret(p, SECCOMP_RET_ALLOW);
}

static void build_filter(struct prog *p, uint64_t caps) {
  p->len = 0;
  emit(p, LOAD(arch));
#if defined(__x86_64__)
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, AUDIT_ARCH_X86_64);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 5, 0, AUDIT_ARCH_I386);
  ret(p, SECCOMP_RET_ERRNO | ENOSYS);
  /* x86_64: x32 calls (bit 30) are refused, the rest checked */
  emit(p, LOAD(nr));
  emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000);
  ret(p, SECCOMP_RET_ERRNO | EPERM);
  emit(p, BPF_JMP | BPF_JA, 0, 0, 0); /* patched below: jump over the i386 block */
  unsigned short skip = (unsigned short)(p->len - 1);
  emit(p, LOAD(nr));
  emit_rules(p, 1, caps);
  p->ops[skip].k = (unsigned)(p->len - skip - 1);
  emit(p, LOAD(nr));
  emit_rules(p, 0, caps);
#else
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NATIVE_ARCH);
  ret(p, SECCOMP_RET_ERRNO | ENOSYS); /* 32-bit processes are not checked, so refused */
  emit(p, LOAD(nr));
  emit_rules(p, 0, caps);
#endif
}

static int install_filter(const struct service *s, uint64_t caps) {
  struct prog p;

  build_filter(&p, caps);
  if (p.len > MAX_FILTER)
    return fail(EXIT_BUG, NULL, "seccomp filter too long (%u instructions)", p.len);
  struct sock_fprog fprog = {.len = p.len, .filter = p.ops};
  /* Root of the service's user namespace may install it without no_new_privs, so setuid
   * programs inside keep working, as under Docker. */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
    return 0;
  if (errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
    return 0;
  return fail_errno(EXIT_START, "set seccomp: unconfined for this service in the recipe",
                    "install the seccomp filter for service %s", s->name);
}

int confine_apply(const struct service *s) {
  uint64_t caps;

  if (confine_caps(s, &caps) < 0 || drop_bounding(s, caps) < 0)
    return -1;
  return s->seccomp_unconfined ? 0 : install_filter(s, caps);
}
