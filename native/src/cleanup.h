/* Work left for after the app: removing a run directory costs milliseconds per directory on
 * some file systems (ext4 with discard), so it happens in a detached process and the
 * runtime's exit does not wait for it. */
#ifndef CHEFER_CLEANUP_H
#define CHEFER_CLEANUP_H

/* Runs fn(arg) in a new session with stdio on /dev/null; returns at once. */
void run_detached(void (*fn)(void *), void *arg);

/* Starts a detached process (not our child) that runs fn(arg) once the returned pipe end is
 * closed in this process and in every child that inherited it, however they ended: a
 * SIGKILL included. The descriptor is close-on-exec; keep it open. Returns -1 on failure. */
int run_when_gone(void (*fn)(void *), void *arg);

/* SIGKILLs every other process in this process's user namespace. Each run of an app has a
 * user namespace of its own, so this reaches the app's processes and nothing else. */
void kill_user_namespace(void);

#endif
