#!/usr/bin/env bash
# The check step of a restore drill: the main container of the drill's Job (the throwaway
# server's image, which has bash and the mysql client). Reads what drill-restore.sh left in the
# state directory, runs the checks in order (restore, server-start, schemas, tables, row-counts,
# sql; the first failure ends the run), pushes the report to the Pushgateway and exits non-zero
# when a check failed (1) or the report could not be pushed (3).
#
# Environment (see docs/monitoring.md for the metrics):
#   DRILL_STATE_DIR              the directory shared with drill-restore.sh (required)
#   MYSQL_HOST, MYSQL_PORT       the throwaway server (default 127.0.0.1, 3306)
#   MYSQL_SOCKET                 its Unix socket instead (the Galera drill's server, which
#                                listens on no TCP port)
#   MYSQL_USER, MYSQL_PWD        its account (the password is handed to the client in a private
#                                option file, never on a command line, never printed)
#   DRILL_MYSQL_CLIENT           the client binary (default: mysql, else mariadb)
#   DRILL_SCHEMAS                space-separated schemas that must exist (empty: at least one
#                                user schema must exist)
#   DRILL_TABLES                 space-separated schema.table to check (empty: every base table
#                                of the user schemas)
#   DRILL_CHECK_TIMEOUT_SECONDS  time budget of CHECK TABLE ... QUICK (default 600)
#   DRILL_SERVER_TIMEOUT_SECONDS how long to wait for the server to answer (default 300)
#   DRILL_RULES_FILE             row-count rules, one a line: <schema> <table> <op> <value>
#                                (op: == != > >= < <=); blank lines and # comments skipped
#   DRILL_SQL_FILE               user SQL; its first row's first column must exist and not be
#                                0, false, NULL or empty
#   PUSHGATEWAY_URL, DRILL_NAMESPACE, DATABASE_NAME, DRILL_NAME   where and as what to report
#   DRILL_HTTP_CLIENT            curl or bash (/dev/tcp, plain http); default curl when present
set -euo pipefail
umask 077

# shellcheck source-path=SCRIPTDIR source=drill-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/drill-lib.sh"

drill_require_vars DRILL_STATE_DIR PUSHGATEWAY_URL DRILL_NAMESPACE DATABASE_NAME DRILL_NAME MYSQL_USER
[ -d "$DRILL_STATE_DIR" ] || drill_die "DRILL_STATE_DIR $DRILL_STATE_DIR is not a directory"
MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
CHECK_TIMEOUT="${DRILL_CHECK_TIMEOUT_SECONDS:-600}"
SERVER_TIMEOUT="${DRILL_SERVER_TIMEOUT_SECONDS:-300}"
drill_is_uint "$CHECK_TIMEOUT" || drill_die "DRILL_CHECK_TIMEOUT_SECONDS=$CHECK_TIMEOUT is not a whole number of seconds"
drill_is_uint "$SERVER_TIMEOUT" || drill_die "DRILL_SERVER_TIMEOUT_SECONDS=$SERVER_TIMEOUT is not a whole number of seconds"
drill_is_uint "$MYSQL_PORT" || drill_die "MYSQL_PORT=$MYSQL_PORT is not a port"

CLIENT="${DRILL_MYSQL_CLIENT:-}"
if [ -z "$CLIENT" ]; then
  if command -v mysql >/dev/null 2>&1; then CLIENT=mysql; else CLIENT=mariadb; fi
fi
if ! command -v "$CLIENT" >/dev/null 2>&1; then
  # The Galera drill's runner (a kubectl image) reports a restore or a server that failed: those
  # checks end the run before any SQL, so only a run that would reach the server needs a client.
  if [ "$(drill_state_read restore.phase '')" = Succeeded ] && [ "$(drill_state_read server.ready '')" != false ]; then
    drill_die "no mysql client ($CLIENT) in this image"
  fi
fi
SERVER="$MYSQL_HOST:$MYSQL_PORT"
[ -z "${MYSQL_SOCKET:-}" ] || SERVER="$MYSQL_SOCKET"

# Everything this run writes outside the state directory lives here and goes on exit.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drill-check.XXXXXX")"
# check.done tells drill-cleanup.sh (with a KubeDB database) that the database is no longer used.
trap 'rm -rf -- "$WORK"; : >"$DRILL_STATE_DIR/check.done"' EXIT

# The password reaches the client through an option file only this user can read.
esc_option() { local v="${1//\\/\\\\}"; printf '%s' "${v//\"/\\\"}"; }
{
  printf '[client]\n'
  if [ -n "${MYSQL_SOCKET:-}" ]; then
    printf 'socket="%s"\n' "$(esc_option "$MYSQL_SOCKET")"
    printf 'protocol=SOCKET\n'
  else
    printf 'host="%s"\n' "$(esc_option "$MYSQL_HOST")"
    printf 'port=%s\n' "$MYSQL_PORT"
    printf 'protocol=TCP\n'
  fi
  printf 'user="%s"\n' "$(esc_option "$MYSQL_USER")"
  printf 'password="%s"\n' "$(esc_option "${MYSQL_PWD:-}")"
  printf 'connect-timeout=5\n'
} >"$WORK/client.cnf"
unset MYSQL_PWD

# sql STATEMENTS: runs them, prints the rows tab-separated without headers; the client's error
# text goes to $WORK/sql.err.
sql() {
  "$CLIENT" --defaults-extra-file="$WORK/client.cnf" --batch --skip-column-names -e "$1" 2>"$WORK/sql.err"
}
sql_error() { tr '\n' ' ' <"$WORK/sql.err" | sed 's/ *$//'; }

# A string literal and an identifier, escaped for SQL.
lit() { local v="${1//\\/\\\\}"; printf "'%s'" "${v//\'/\\\'}"; }
# shellcheck disable=SC2016 # the backticks are SQL's identifier quotes
ident() { printf '`%s`' "${1//\`/\`\`}"; }

SYSTEM_SCHEMAS="'mysql','information_schema','performance_schema','sys','kubedb_system'"

FAILED=''
REASON=''
SIZE=''
declare -A PHASE=()
fail() { FAILED="$1"; REASON="$2"; drill_log "check $1: FAILED: $2"; }
pass() { drill_log "check $1: ok ($2)"; }
skip() { drill_log "check $1: skipped ($2)"; }

restore_phase="$(drill_state_read restore.phase '')"
restore_seconds="$(drill_state_read restore.seconds '')"
restore_message="$(drill_state_read restore.message '')"
server_ready="$(drill_state_read server.ready '')"
server_seconds="$(drill_state_read server.seconds '')"
# Durations that are not whole seconds are left out rather than break the arithmetic below.
drill_is_uint "$restore_seconds" || restore_seconds=''
drill_is_uint "$server_seconds" || server_seconds=''
if [ -n "$restore_seconds" ]; then PHASE[restore]="$restore_seconds"; fi

check_restore() {
  # A server that never started means the restore, which writes into it, never ran: that is
  # server-start's failure, not the restore's.
  if [ "$server_ready" = false ] && [ "$restore_phase" != Succeeded ]; then
    skip restore "not run: the server did not start"
    return 0
  fi
  case "$restore_phase" in
    Succeeded) pass restore "RestoreSession Succeeded in ${restore_seconds:-?}s" ;;
    '') fail restore "no restore.phase in $DRILL_STATE_DIR: the restore step did not finish" ;;
    Timeout) fail restore "the RestoreSession did not finish within its time budget${restore_message:+: $restore_message}" ;;
    *) fail restore "the RestoreSession ended $restore_phase${restore_message:+: $restore_message}" ;;
  esac
}

check_server_start() {
  local started waited
  if [ "$server_ready" = false ]; then
    fail server-start "the throwaway server did not become ready${server_seconds:+ within ${server_seconds}s}"
    if drill_is_uint "$server_seconds"; then PHASE[server-start]="$server_seconds"; fi
    return 0
  fi
  started="$(drill_now)"
  while :; do
    if sql 'SELECT 1' >/dev/null; then break; fi
    waited=$(($(drill_now) - started))
    if [ "$waited" -ge "$SERVER_TIMEOUT" ]; then
      PHASE[server-start]=$(( ${server_seconds:-0} + waited ))
      fail server-start "no answer from $SERVER within ${SERVER_TIMEOUT}s: $(sql_error)"
      return 0
    fi
    sleep 2
  done
  waited=$(($(drill_now) - started))
  drill_is_uint "$server_seconds" || server_seconds=0
  PHASE[server-start]=$((server_seconds + waited))
  pass server-start "answers on $SERVER"
  SIZE="$(sql "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema NOT IN ($SYSTEM_SCHEMAS)")" || SIZE=''
  drill_is_uint "$SIZE" || SIZE=''
}

check_schemas() {
  local rows schema missing=''
  if ! rows="$(sql "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ($SYSTEM_SCHEMAS) ORDER BY schema_name")"; then
    fail schemas "could not list the schemas: $(sql_error)"; return 0
  fi
  if [ -z "${DRILL_SCHEMAS:-}" ]; then
    if [ -z "$rows" ]; then fail schemas "the restored server has no user schema"; return 0; fi
    pass schemas "$(printf '%s' "$rows" | tr '\n' ' ' | sed 's/ *$//')"
    return 0
  fi
  for schema in $DRILL_SCHEMAS; do
    grep -qxF -- "$schema" <<<"$rows" || missing="$missing $schema"
  done
  if [ -n "$missing" ]; then fail schemas "missing:$missing"; return 0; fi
  pass schemas "$DRILL_SCHEMAS"
}

check_tables() {
  local tables=() t rows missing='' list='' out bad='' count=0
  if [ -n "${DRILL_TABLES:-}" ]; then
    for t in $DRILL_TABLES; do
      case "$t" in
        ?*.?*) tables+=("$t") ;;
        *) fail tables "\"$t\" is not schema.table"; return 0 ;;
      esac
    done
  else
    local where="table_schema NOT IN ($SYSTEM_SCHEMAS)"
    if [ -n "${DRILL_SCHEMAS:-}" ]; then
      local s in_list=''
      for s in $DRILL_SCHEMAS; do in_list="$in_list${in_list:+,}$(lit "$s")"; done
      where="table_schema IN ($in_list)"
    fi
    if ! rows="$(sql "SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND $where ORDER BY 1")"; then
      fail tables "could not list the tables: $(sql_error)"; return 0
    fi
    while IFS= read -r t; do [ -n "$t" ] && tables+=("$t"); done <<<"$rows"
    if [ ${#tables[@]} -eq 0 ]; then fail tables "no table in the user schemas"; return 0; fi
  fi
  for t in "${tables[@]}"; do
    rows="$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $(lit "${t%%.*}") AND table_name = $(lit "${t#*.}")")" || {
      fail tables "could not look up $t: $(sql_error)"; return 0; }
    if [ "$rows" != 1 ]; then missing="$missing $t"; continue; fi
    list="$list${list:+, }$(ident "${t%%.*}").$(ident "${t#*.}")"
    count=$((count + 1))
  done
  if [ -n "$missing" ]; then fail tables "missing:$missing"; return 0; fi
  # One statement for all tables; the budget bounds the whole of it.
  if command -v timeout >/dev/null 2>&1; then
    out="$(timeout "$CHECK_TIMEOUT" "$CLIENT" --defaults-extra-file="$WORK/client.cnf" --batch --skip-column-names -e "CHECK TABLE $list QUICK" 2>"$WORK/sql.err")" || {
      local rc=$?
      if [ "$rc" = 124 ]; then fail tables "CHECK TABLE did not finish within ${CHECK_TIMEOUT}s"; else fail tables "CHECK TABLE failed: $(sql_error)"; fi
      return 0
    }
  else
    out="$(sql "CHECK TABLE $list QUICK")" || { fail tables "CHECK TABLE failed: $(sql_error)"; return 0; }
  fi
  # Rows: table, op, msg_type, msg_text; a table is fine when its status row says OK. (Plain
  # bash: the server images need not have awk.)
  local name op type text n=0
  while IFS=$'\t' read -r name op type text; do
    if [ "$type" = error ] || { [ "$type" = status ] && [ "$text" != OK ]; }; then
      n=$((n + 1))
      [ "$n" -gt 5 ] || bad="${bad:+$bad; }$name: $text"
    fi
  done <<<"$out"
  if [ -n "$bad" ]; then fail tables "CHECK TABLE: $bad"; return 0; fi
  pass tables "$count checked"
}

check_row_counts() {
  local file="${DRILL_RULES_FILE:-}" n=0 checked=0 schema table op value extra count ok
  if [ -z "$file" ]; then pass row-counts "no rules"; return 0; fi
  [ -r "$file" ] || { fail row-counts "cannot read DRILL_RULES_FILE $file"; return 0; }
  while IFS=$' \t' read -r schema table op value extra || [ -n "${schema:-}" ]; do
    n=$((n + 1))
    case "${schema:-}" in ''|'#'*) continue ;; esac
    if [ -z "${value:-}" ] || [ -n "${extra:-}" ] || ! [[ "$value" =~ ^[0-9]+$ ]]; then
      fail row-counts "rule on line $n is not \"<schema> <table> <operator> <whole number>\""; return 0
    fi
    case "$op" in '=='|'!='|'>'|'>='|'<'|'<=') ;; *)
      fail row-counts "rule on line $n: operator \"$op\" is not one of == != > >= < <="; return 0 ;;
    esac
    if ! count="$(sql "SELECT COUNT(*) FROM $(ident "$schema").$(ident "$table")")"; then
      fail row-counts "$schema.$table: $(sql_error)"; return 0
    fi
    ok=false
    case "$op" in
      '==') [ "$count" -eq "$value" ] && ok=true ;;
      '!=') [ "$count" -ne "$value" ] && ok=true ;;
      '>') [ "$count" -gt "$value" ] && ok=true ;;
      '>=') [ "$count" -ge "$value" ] && ok=true ;;
      '<') [ "$count" -lt "$value" ] && ok=true ;;
      '<=') [ "$count" -le "$value" ] && ok=true ;;
    esac
    if [ "$ok" != true ]; then fail row-counts "$schema.$table has $count rows, the rule wants $op $value"; return 0; fi
    checked=$((checked + 1))
  done <"$file"
  pass row-counts "$checked rules"
}

check_sql() {
  local file="${DRILL_SQL_FILE:-}" out first
  if [ -z "$file" ]; then pass sql "no SQL"; return 0; fi
  [ -r "$file" ] || { fail sql "cannot read DRILL_SQL_FILE $file"; return 0; }
  if ! out="$("$CLIENT" --defaults-extra-file="$WORK/client.cnf" --batch --skip-column-names <"$file" 2>"$WORK/sql.err")"; then
    fail sql "the SQL failed: $(sql_error)"; return 0
  fi
  IFS= read -r first <<<"$out" || true
  first="${first%%$'\t'*}"
  case "$(printf '%s' "$first" | tr '[:upper:]' '[:lower:]')" in
    '') fail sql "the SQL returned no row (or an empty value)" ;;
    0|false|null) fail sql "the SQL returned $first" ;;
    *) pass sql "first value $first" ;;
  esac
}

CHECKS=(restore server-start schemas tables row-counts sql)
checks_started=''
for check in "${CHECKS[@]}"; do
  "check_${check//-/_}"
  [ -z "$FAILED" ] || break
  # The checks phase: from the server's first answer to the end of the last check that ran.
  if [ "$check" = server-start ]; then checks_started="$(drill_now)"; fi
done
if [ -n "$checks_started" ]; then PHASE[checks]=$(( $(drill_now) - checks_started )); fi

# The report. Every family below is replaced as a whole in the drill's group (POST); the last
# success is written only by a successful run, so a failed run leaves it as it was.
now="$(drill_now)"
P=stash_pxc_restore_drill
{
  printf '# TYPE %s_success gauge\n%s_success %d\n' "$P" "$P" "$([ -z "$FAILED" ] && echo 1 || echo 0)"
  printf '# TYPE %s_last_run_timestamp_seconds gauge\n%s_last_run_timestamp_seconds %s\n' "$P" "$P" "$now"
  if [ -z "$FAILED" ]; then
    printf '# TYPE %s_last_success_timestamp_seconds gauge\n%s_last_success_timestamp_seconds %s\n' "$P" "$P" "$now"
  fi
  printf '# TYPE %s_failed_check gauge\n' "$P"
  for check in "${CHECKS[@]}"; do
    printf '%s_failed_check{check="%s"} %d\n' "$P" "$check" "$([ "$FAILED" = "$check" ] && echo 1 || echo 0)"
  done
  if [ ${#PHASE[@]} -gt 0 ]; then
    printf '# TYPE %s_phase_duration_seconds gauge\n' "$P"
    for phase in restore server-start checks; do
      if [ -n "${PHASE[$phase]:-}" ]; then
        printf '%s_phase_duration_seconds{phase="%s"} %s\n' "$P" "$phase" "${PHASE[$phase]}"
      fi
    done
  fi
  if [ -n "$SIZE" ]; then
    printf '# TYPE %s_restored_size_bytes gauge\n%s_restored_size_bytes %s\n' "$P" "$P" "$SIZE"
  fi
} >"$WORK/report.prom"

pushed=true
drill_push "$WORK/report.prom" || pushed=false

if [ -n "$FAILED" ]; then
  drill_log "drill FAILED at check $FAILED: $REASON"
  exit 1
fi
if [ "$pushed" != true ]; then
  drill_log "every check passed, but the report was not pushed"
  exit 3
fi
drill_log "drill passed: every check ok"
