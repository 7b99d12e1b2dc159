#!/usr/bin/env bash
# The server step of a Galera restore drill: the only container of the server pod that the
# drill's runner (drill-galera.sh) creates once the RestoreSession has filled the drill's claim.
# It runs in the Percona XtraDB Cluster image of the database's version line, starts the server
# on the restored data directory as a standalone server, runs drill-check.sh against it (which
# pushes the report), stops the server and exits with drill-check.sh's code (0 passed, 1 a check
# failed, 3 not pushed; 2 a configuration error).
#
# How the server is started, and why:
#   - no Galera: the arguments the construct passes (DRILL_MYSQLD_ARGS: --wsrep-provider=none)
#     keep it from joining any group or asking for a state transfer;
#   - --skip-grant-tables: the restored grant tables are the source database's, whose passwords
#     the drill must not read; with them skipped, any local client is root;
#   - --skip-networking and a socket in the pod's own emptyDir: so no one but this container can
#     reach that password-less server (MySQL 8 turns networking off with skip-grant-tables anyway).
#
# State written for drill-check.sh: restore.phase (Succeeded: the runner creates this pod only
# then), restore.seconds (DRILL_RESTORE_SECONDS, the runner's measure), server.ready, server.seconds.
#
# Environment (besides what drill-check.sh reads):
#   DRILL_STATE_DIR                an empty directory of this pod (required)
#   DRILL_RUN_DIR                  the server's socket, pid file and error log (required)
#   DRILL_DATA_DIR                 the restored data directory (default /var/lib/mysql)
#   DRILL_MYSQLD                   the server binary (default: mysqld, else mariadbd)
#   DRILL_MYSQLD_ARGS              arguments put first, space-separated (e.g. --wsrep-provider=none)
#   DRILL_RESTORE_SECONDS          how long the RestoreSession took
#   DRILL_SERVER_TIMEOUT_SECONDS   how long the server may take to answer (default 300)
#   DRILL_MYSQL_CLIENT             the client binary (default: mysql, else mariadb)
set -euo pipefail
umask 077

HERE="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=drill-lib.sh
. "$HERE/drill-lib.sh"

drill_require_vars DRILL_STATE_DIR DRILL_RUN_DIR
[ -d "$DRILL_STATE_DIR" ] || drill_die "DRILL_STATE_DIR $DRILL_STATE_DIR is not a directory"
[ -d "$DRILL_RUN_DIR" ] || drill_die "DRILL_RUN_DIR $DRILL_RUN_DIR is not a directory"
DATA="${DRILL_DATA_DIR:-/var/lib/mysql}"
TIMEOUT="${DRILL_SERVER_TIMEOUT_SECONDS:-300}"
drill_is_uint "$TIMEOUT" || drill_die "DRILL_SERVER_TIMEOUT_SECONDS=$TIMEOUT is not a whole number of seconds"
MYSQLD="${DRILL_MYSQLD:-}"
if [ -z "$MYSQLD" ]; then
  if command -v mysqld >/dev/null 2>&1; then MYSQLD=mysqld; else MYSQLD=mariadbd; fi
fi
CLIENT="${DRILL_MYSQL_CLIENT:-}"
if [ -z "$CLIENT" ]; then
  if command -v mysql >/dev/null 2>&1; then CLIENT=mysql; else CLIENT=mariadb; fi
fi
SOCKET="$DRILL_RUN_DIR/mysqld.sock"
LOG="$DRILL_RUN_DIR/mysqld.err"

drill_state_write restore.phase Succeeded
if drill_is_uint "${DRILL_RESTORE_SECONDS:-}"; then drill_state_write restore.seconds "$DRILL_RESTORE_SECONDS"; fi

started="$(drill_now)"
pid=''
not_ready() {
  drill_state_write server.ready false
  drill_state_write server.seconds "$(($(drill_now) - started))"
  drill_log "the server did not start: $1"
}
last_log() { if [ -r "$LOG" ]; then tail -n 5 "$LOG" | tr '\n' ' ' | cut -c1-600; fi; }

if [ ! -d "$DATA/mysql" ]; then
  # An empty claim (or one the restore left half-written) has no system schema: nothing to start.
  not_ready "$DATA has no mysql system schema: the restored data directory is empty or not a data directory"
elif ! command -v "$MYSQLD" >/dev/null 2>&1; then
  not_ready "no server binary $MYSQLD in this image"
else
  # shellcheck disable=SC2086 # DRILL_MYSQLD_ARGS is a list of options
  "$MYSQLD" ${DRILL_MYSQLD_ARGS:-} --datadir="$DATA" --socket="$SOCKET" --pid-file="$DRILL_RUN_DIR/mysqld.pid" \
    --log-error="$LOG" --skip-grant-tables --skip-networking >"$DRILL_RUN_DIR/mysqld.out" 2>&1 &
  pid=$!
  while :; do
    if [ -S "$SOCKET" ] && "$CLIENT" --no-defaults --socket="$SOCKET" --protocol=SOCKET -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; then
      drill_state_write server.ready true
      drill_state_write server.seconds "$(($(drill_now) - started))"
      drill_log "the server answers on $SOCKET after $(($(drill_now) - started))s"
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null && code=0 || code=$?
      pid=''
      not_ready "$MYSQLD exited with $code: $(last_log)$(head -c 300 "$DRILL_RUN_DIR/mysqld.out" 2>/dev/null | tr '\n' ' ')"
      break
    fi
    if [ $(($(drill_now) - started)) -ge "$TIMEOUT" ]; then
      not_ready "no answer on $SOCKET within ${TIMEOUT}s: $(last_log)"
      break
    fi
    sleep 1
  done
fi

stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 1; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=''
}
trap stop_server EXIT

code=0
MYSQL_SOCKET="$SOCKET" MYSQL_USER=root MYSQL_PWD='' DRILL_MYSQL_CLIENT="$CLIENT" bash "$HERE/drill-check.sh" || code=$?
stop_server
exit "$code"
