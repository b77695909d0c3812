#!/usr/bin/env bash
# Puts a minimal Debian 12 base image, chefer-examples/debian:bookworm, into the local Docker
# engine, made with debootstrap from Debian's own packages. The examples' Dockerfiles start
# FROM it, so they build on a machine that reaches Debian's archive but no image registry.
# Honours DOCKER_HOST. Safe to run again: an existing image is kept.
set -euo pipefail
image="chefer-examples/debian:bookworm"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "make-base-image: $image is already there" >&2
  exit 0
fi
command -v debootstrap >/dev/null || {
  echo "make-base-image: debootstrap is missing; install it (apt-get install debootstrap)" >&2
  exit 1
}

cache="${CHEFER_BASE_ROOTFS:-/var/tmp/chefer-base-rootfs}"
if [ ! -f "$cache/.complete" ]; then
  rm -rf "$cache.partial"
  debootstrap --variant=minbase bookworm "$cache.partial" >&2
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
  touch "$cache/.complete"
fi
tar --exclude=./.complete --numeric-owner -C "$cache" -c . | docker import - "$image" >/dev/null
echo "make-base-image: imported $image" >&2
