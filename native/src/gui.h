/* GUI services (interface_mode gui or both): the user's X11 and Wayland displays passed
 * through to the service. Three steps, in three processes:
 * - gui_host_prepare, on the host as the user who started the app, before any namespace:
 *   reads DISPLAY, WAYLAND_DISPLAY and the X authority file (later only container root could
 *   look, and as root it is not host root), and warns when no display is found; what it
 *   learns stays in memory that the service processes inherit.
 * - gui_mount, in the service before it enters its root: binds the host's /tmp/.X11-unix
 *   read-only and mounts a private runtime directory (/run/chefer-xdg, a small tmpfs)
 *   holding the X authority copy and the Wayland socket.
 * - gui_own and gui_env, just before exec, once the service's user is known: hand that
 *   directory to the user, and add DISPLAY, XAUTHORITY, XDG_RUNTIME_DIR and WAYLAND_DISPLAY
 *   to the environment unless it sets them already.
 * Services with interface_mode none or terminal get none of this. */
#ifndef CHEFER_GUI_H
#define CHEFER_GUI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "manifest.h"

#define GUI_RUNTIME_DIR "/run/chefer-xdg"
#define GUI_XAUTHORITY GUI_RUNTIME_DIR "/Xauthority"
#define GUI_X11_DIR "/tmp/.X11-unix"

/* True for a service whose interface_mode is gui or both. */
int gui_wanted(const struct service *s);

/* On the host, before the sandbox: learns the user's displays; warns for what is missing. */
void gui_host_prepare(const struct manifest *m);

/* In the service's mount namespace, with root the assembled rootfs: mounts what gui_host_prepare
 * found. A display that cannot be passed is a warning, never a failure to start. */
void gui_mount(const struct service *s, int root);

/* Inside the root, as container root: gives the runtime directory to the service's user. */
void gui_own(const struct service *s, uid_t uid, gid_t gid);

/* Returns envp with the display variables the service lacks added (a new array), or envp. */
char **gui_env(const struct service *s, char **envp);

/* The X authority entries of xauth (the file's bytes) for display number `number`: for a
 * local display only FamilyLocal and FamilyWild ones, for a TCP display every family. The
 * FamilyLocal ones become FamilyWild (they are keyed to a hostname, and a service's is not
 * the host's; Xlib looks a `localhost:N` display up that way too). Writes a new
 * malloc'd file into *out. Returns the entry count kept, or -1 for a malformed file with
 * *bad_at set to the byte offset of the bad entry. */
int gui_xauth_filter(const uint8_t *xauth, size_t len, const char *number, int local, uint8_t **out,
                     size_t *out_len, size_t *bad_at);

#endif
