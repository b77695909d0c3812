#!/usr/bin/env bash
# Starts (or reuses) the real services the test suite talks to: a Docker engine with its own
# data root and socket, and a registry on loopback, plain and with htpasswd auth.
# Usage: scripts/services.sh start|stop|env. `start` prints nothing on success and writes
# $CHEFER_TEST_STATE/env, which `env` prints for sourcing.
set -euo pipefail

state="${CHEFER_TEST_STATE:-/tmp/chefer-test}"
sock="$state/docker.sock"
mkdir -p "$state"

have() { command -v "$1" >/dev/null 2>&1; }

docker_up() {
  [ -S "$sock" ] && DOCKER_HOST="unix://$sock" timeout 5 docker version >/dev/null 2>&1
}

start_dockerd() {
  have dockerd || { echo "services: dockerd not installed; Docker tests will fail or skip" >&2; return 0; }
  [ "$(id -u)" = 0 ] || { echo "services: dockerd needs root here; Docker tests will skip" >&2; return 0; }
  docker_up && return 0
  rm -f "$sock"
  # --bridge=none and --iptables=false: no host networking changes; builds use --network host.
  nohup dockerd --host "unix://$sock" --data-root "${CHEFER_TEST_DOCKER_ROOT:-/var/tmp/chefer-test-docker}" \
    --exec-root "$state/docker-exec" --pidfile "$state/dockerd.pid" \
    --iptables=false --ip6tables=false --bridge=none >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker_up && return 0; sleep 0.5; done
  echo "services: dockerd did not come up; see $state/dockerd.log" >&2
  tail -20 "$state/dockerd.log" >&2
  return 1
}

registry_up() { curl -fsS "http://127.0.0.1:$1/v2/" >/dev/null 2>&1 || [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/")" = 401 ]; }

start_registry() { # port name [htpasswd]
  local port=$1 name=$2 auth=${3:-}
  have docker-registry || { echo "services: docker-registry not installed" >&2; return 0; }
  registry_up "$port" && return 0
  mkdir -p "$state/$name"
  {
    echo "version: 0.1"
    echo "log: {level: warn}"
    echo "storage: {filesystem: {rootdirectory: $state/$name/data}, delete: {enabled: true}}"
    echo "http: {addr: 127.0.0.1:$port}"
    if [ -n "$auth" ]; then echo "auth: {htpasswd: {realm: chefer-test, path: $auth}}"; fi
  } >"$state/$name/config.yml"
  nohup docker-registry serve "$state/$name/config.yml" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
  for _ in $(seq 1 40); do registry_up "$port" && return 0; sleep 0.25; done
  echo "services: registry $name did not come up; see $state/$name.log" >&2
  return 1
}

make_htpasswd() {
  local file="$state/htpasswd"
  [ -f "$file" ] && return 0
  if have htpasswd; then
    htpasswd -Bbn chefer s3cret-pass >"$file"
  else
    echo "services: htpasswd (apache2-utils) not installed; the auth registry is not started" >&2
    return 1
  fi
}

write_env() {
  {
    if docker_up; then echo "export CHEFER_TEST_DOCKER_HOST=unix://$sock"; fi
    if registry_up 5000; then echo "export CHEFER_TEST_REGISTRY=127.0.0.1:5000"; fi
    if registry_up 5001; then
      echo "export CHEFER_TEST_AUTH_REGISTRY=127.0.0.1:5001"
      echo "export CHEFER_TEST_AUTH_USER=chefer CHEFER_TEST_AUTH_PASSWORD=s3cret-pass"
    fi
  } >"$state/env"
}

stop_all() {
  [ -f "$state/dockerd.pid" ] && kill "$(cat "$state/dockerd.pid")" 2>/dev/null || true
  for n in registry auth-registry; do
    [ -f "$state/$n.pid" ] && kill "$(cat "$state/$n.pid")" 2>/dev/null || true
  done
  rm -f "$state/env"
}

case "${1:-start}" in
  start)
    start_dockerd
    start_registry 5000 registry
    if make_htpasswd; then start_registry 5001 auth-registry "$state/htpasswd"; fi
    write_env
    ;;
  stop) stop_all ;;
  env) cat "$state/env" 2>/dev/null || true ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
