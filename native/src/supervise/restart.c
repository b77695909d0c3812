/* Restart policies and their back-off, as Docker applies them to a container. */
#include "internal.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define BACKOFF_RESET_MS 10000 /* a run this long counts as healthy: the delay starts over */

/* Whether a service that exited with code should be started again. */
bool sv_restart_wanted(const struct sv_service *s, const struct sv_unit *u, int code) {
  switch (s->restart) {
  case SV_RESTART_NO:
    return false;
  case SV_RESTART_ON_FAILURE:
    if (code == 0)
      return false;
    return s->max_retries <= 0 || u->restarts < s->max_retries;
  case SV_RESTART_ALWAYS:
  /* One run of an app has no daemon restart, the only place the two policies differ. */
  case SV_RESTART_UNLESS_STOPPED:
    return true;
  }
  return false;
}

/* The delay before the next start: 100 ms, doubled after each quick exit, capped at 1 min. */
int64_t sv_restart_delay(struct sv_unit *u, int64_t now) {
  int64_t delay = BACKOFF_FIRST_MS;

  if (now - u->started_ms >= BACKOFF_RESET_MS)
    u->backoff_streak = 0;

  for (int k = 0; k < u->backoff_streak && delay < BACKOFF_MAX_MS; k++)
    delay *= 2;
  if (delay > BACKOFF_MAX_MS)
    delay = BACKOFF_MAX_MS;

  u->backoff_streak++;
  return delay;
}
