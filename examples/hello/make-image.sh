#!/usr/bin/env bash
# Builds images/hello.tar, a one-layer image in `docker save` format, from this machine's
# static busybox (Debian's busybox-static). No Docker engine and no registry are needed,
# which makes it the quickest way to try chefer. The tar is not committed: it would carry
# a third-party binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
busybox="${BUSYBOX:-/bin/busybox}"
[ -x "$busybox" ] || {
  echo "make-image: $busybox is missing; install Debian's busybox-static" >&2
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/image"
cp "$busybox" "$work/rootfs/bin/busybox"
for applet in sh echo cat ls id hostname uname env sleep wget httpd nc printf date; do
  ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000:guest:/home/guest:/bin/sh\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\nguest:x:1000:\n' >"$work/rootfs/etc/group"
printf 'NAME="chefer hello"\n' >"$work/rootfs/etc/os-release"
chmod 1777 "$work/rootfs/tmp"

# A reproducible layer: fixed owner and mtime, sorted names.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" .
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mv "$work/layer.tar" "$work/image/$diff_id.tar"

cat >"$work/image/config.json" <<JSON
{"architecture":"$(dpkg --print-architecture)","os":"linux","config":{"Env":["PATH=/bin","GREETING=hello"],"Cmd":["/bin/sh","-c","echo \$GREETING from \$(hostname), uid \$(id -u), pid \$\$"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
config_id="$(sha256sum "$work/image/config.json" | cut -d' ' -f1)"
mv "$work/image/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["chefer-examples/hello:1"],"Layers":["%s.tar"]}]\n' \
  "$config_id" "$diff_id" >"$work/image/manifest.json"

mkdir -p "$here/images"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$here/images/hello.tar.partial" .
mv "$here/images/hello.tar.partial" "$here/images/hello.tar"
echo "make-image: wrote $here/images/hello.tar" >&2
