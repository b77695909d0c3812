#!/usr/bin/env bash
# Builds images/gui.tar (or the path given as the first argument), a one-layer image in `docker save` format, from this machine's own
# programs: xmessage (X11, Debian's x11-apps), wayland-info (wayland-utils) and the static
# busybox (busybox-static), each with the shared libraries ldd lists and the dynamic loader.
# No Docker engine and no registry are needed. The tar is not committed: it carries
# third-party binaries.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/images/gui.tar}"
programs=(/usr/bin/xmessage /usr/bin/wayland-info)
busybox="${BUSYBOX:-/bin/busybox}"
for p in "${programs[@]}" "$busybox"; do
  [ -x "$p" ] || {
    echo "make-image: $p is missing; install Debian's x11-apps, wayland-utils and busybox-static" >&2
    exit 1
  }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/bin" "$root/usr/bin" "$root/etc" "$root/tmp" "$work/image"

# A program and every library it loads, at the same paths as on this machine (ldd's lines
# read "name => /path (addr)", or "/path (addr)" for the loader).
copy_with_libs() {
  cp "$1" "$root$1"
  ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
for p in "${programs[@]}"; do copy_with_libs "$p"; done
# Xlib's tables for the C locale; without them every X program warns about its locale.
mkdir -p "$root/usr/share/X11/locale"
cp -r /usr/share/X11/locale/C /usr/share/X11/locale/locale.alias /usr/share/X11/locale/locale.dir \
  /usr/share/X11/locale/compose.dir "$root/usr/share/X11/locale/"

cp "$busybox" "$root/bin/busybox"
for applet in sh ls cat echo id sleep test env; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000:guest:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nguest:x:1000:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"

# A reproducible layer: fixed owner and mtime, sorted names.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mv "$work/layer.tar" "$work/image/$diff_id.tar"

cat >"$work/image/config.json" <<JSON
{"architecture":"$(dpkg --print-architecture)","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"],"Cmd":["xmessage","hello from a chefer app"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
config_id="$(sha256sum "$work/image/config.json" | cut -d' ' -f1)"
mv "$work/image/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["chefer-examples/gui:1"],"Layers":["%s.tar"]}]\n' \
  "$config_id" "$diff_id" >"$work/image/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$out.partial" .
mv "$out.partial" "$out"
echo "make-image: wrote $out" >&2
