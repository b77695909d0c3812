/* Every exit status the runtime uses, in one table. Codes 0-4 and 70 agree with the CLI's
 * src/util/exit-codes.ts; 125-127 follow `docker run`; a service killed by signal n gives
 * 128+n, as a shell does. */
#ifndef CHEFER_EXIT_CODES_H
#define CHEFER_EXIT_CODES_H

enum exit_code {
  EXIT_OK = 0,
  EXIT_USER = 1,        /* a flag value or the app's own configuration is wrong */
  EXIT_USAGE = 2,       /* unknown flag or missing argument */
  EXIT_ENVIRONMENT = 4, /* the machine refuses something: namespaces, disk, cache */
  EXIT_DAMAGED = 5,     /* not a chefer executable, truncated or tampered with */
  EXIT_BUG = 70,        /* a broken invariant inside the runtime */
  EXIT_START = 125,     /* the runtime could not start the service */
  EXIT_NOEXEC = 126,    /* the service's command exists but cannot be executed */
  EXIT_NOTFOUND = 127,  /* the service's command was not found in its root filesystem */
  EXIT_SIGNAL_BASE = 128,
};

#endif
