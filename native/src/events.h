/* Runtime events (docs/runtime-events.md): one JSON object per line on the descriptor or file
 * given by --events or CHEFER_EVENTS, for the dashboard and for scripts. Each event is one
 * write(2), so lines from the sandbox and the services' set-up never interleave. */
#ifndef CHEFER_EVENTS_H
#define CHEFER_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* spec: a descriptor number, or a path appended to; NULL or "" turns events off. */
int events_open(const char *spec);
int events_enabled(void);
/* The events descriptor (-1 when off) and the monotonic ms its `ts` counts from, for the
 * supervisor, which writes its own events in the same stream. */
int events_fd(void);
int64_t events_t0(void);
/* Closes the events descriptor in a process that must not hold the reader's pipe open. */
void events_close(void);

void event_app(const char *name, const char *state, int exit_code);
void event_progress(const char *step, size_t done, size_t total, const char *label);
void event_service(const char *name, const char *state, pid_t pid, int exit_code);
void event_port(const char *service, const char *host_ip, unsigned host_port,
                unsigned container_port, const char *protocol);
void event_error(const char *message, const char *fix);
void event_warning(const char *message);

#endif
