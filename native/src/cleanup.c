#include "cleanup.h"
#include "events.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

void run_detached(void (*fn)(void *), void *arg) {
  pid_t pid = fork();
  int null;

  if (pid != 0)
    return; /* on fork failure too: the directory stays, as after a crash */
  prctl(PR_SET_PDEATHSIG, 0);
  events_close(); /* a dashboard waits for the end of the event stream */
  setsid();
  null = open("/dev/null", O_RDWR);
  if (null >= 0)
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
  fn(arg);
  _exit(0);
}
