/* Work left for after the app: removing a run directory costs milliseconds per directory on
 * some file systems (ext4 with discard), so it happens in a detached process and the
 * runtime's exit does not wait for it. */
#ifndef CHEFER_CLEANUP_H
#define CHEFER_CLEANUP_H

/* Runs fn(arg) in a new session with stdio on /dev/null; returns at once. */
void run_detached(void (*fn)(void *), void *arg);

#endif
