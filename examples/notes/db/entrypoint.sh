#!/bin/sh
# Runs as root: owns the data directory to postgres (a fresh volume belongs to root), creates
# the cluster when the directory is empty, then execs postgres as the postgres user.
set -eu
as_postgres() { setpriv --reuid postgres --regid postgres --init-groups "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "db: initialising a new cluster in $PGDATA"
  pwfile=$(mktemp) && echo "$POSTGRES_PASSWORD" >"$pwfile" && chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # A single-user backend creates the app's database before any client can connect.
  echo "CREATE DATABASE \"$POSTGRES_DB\";" | as_postgres postgres --single -D "$PGDATA" template1 >/dev/null
else
  echo "db: using the existing cluster in $PGDATA"
fi

exec setpriv --reuid postgres --regid postgres --init-groups "$@" -D "$PGDATA" \
  -c listen_addresses='*'
