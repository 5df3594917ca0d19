# .ci/postgres.sh: a throwaway PostgreSQL cluster for the tests. Source it,
# then call feedsift_pg_start (exports FEEDSIFT_TEST_POSTGRES) and, when
# done, feedsift_pg_stop. Developers can use it too:
#
#   source .ci/postgres.sh && feedsift_pg_start && go test ./... ; feedsift_pg_stop
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 only
# (a random port) and on a Unix socket in that directory, trusts local
# connections and is deleted by feedsift_pg_stop. As root it installs
# Debian's postgresql package if no server is found, and runs the server
# as the unprivileged user "nobody" (initdb refuses root). It returns
# non-zero, printing why, when no cluster can be started: callers skip.

feedsift_pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  return 1
}

feedsift_pg_start() {
  local bin
  if ! bin=$(feedsift_pg_bindir); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "postgres: installing Debian's postgresql package"
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/tmp/postgresql-install.log 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/tmp/postgresql-install.log 2>&1; } \
        || { echo "postgres: install failed:"; tail -3 /tmp/postgresql-install.log; return 1; }
    fi
    bin=$(feedsift_pg_bindir) || { echo "postgres: no initdb/pg_ctl found (not root, or no apt-get)"; return 1; }
  fi
  FEEDSIFT_PG_DIR=$(mktemp -d /tmp/feedsift-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$FEEDSIFT_PG_DIR" 2>/dev/null || { echo "postgres: cannot chown to nobody"; return 1; }
    chmod 755 "$FEEDSIFT_PG_DIR"
    if command -v runuser >/dev/null; then as=(runuser -u nobody --); else as=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi
  fi
  FEEDSIFT_PG_AS=("${as[@]}")
  FEEDSIFT_PG_BIN=$bin
  if ! "${as[@]}" "$bin/initdb" -D "$FEEDSIFT_PG_DIR/data" -U postgres -A trust -E UTF8 --no-locale >"$FEEDSIFT_PG_DIR/initdb.log" 2>&1; then
    echo "postgres: initdb failed:"; tail -5 "$FEEDSIFT_PG_DIR/initdb.log"; return 1
  fi
  local port try
  for try in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    if "${as[@]}" "$bin/pg_ctl" -D "$FEEDSIFT_PG_DIR/data" -l "$FEEDSIFT_PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $FEEDSIFT_PG_DIR -c max_connections=200 -c fsync=off -c full_page_writes=off" \
      start >/dev/null 2>&1; then
      export FEEDSIFT_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      export FEEDSIFT_PG_DIR
      echo "postgres: $("$bin/postgres" --version) on 127.0.0.1:$port ($FEEDSIFT_PG_DIR)"
      return 0
    fi
  done
  echo "postgres: the server did not start:"; tail -5 "$FEEDSIFT_PG_DIR/server.log" 2>/dev/null
  return 1
}

feedsift_pg_stop() {
  [ -n "${FEEDSIFT_PG_DIR:-}" ] || return 0
  if [ -d "$FEEDSIFT_PG_DIR/data" ]; then
    "${FEEDSIFT_PG_AS[@]}" "$FEEDSIFT_PG_BIN/pg_ctl" -D "$FEEDSIFT_PG_DIR/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$FEEDSIFT_PG_DIR"
  unset FEEDSIFT_PG_DIR FEEDSIFT_TEST_POSTGRES
}
