# stash-pxc restore guard for a standalone Percona XtraDB restore.
#
# Stash runs it through the RestoreSession's hooks, inside the database's own pod (for an
# AppBinding target, `stash run-hook` execs in a pod behind the AppBinding's Service), so it
# uses the server's own client and root credentials from the container's environment.
#   check <namespace/restoresession>: before the restore; exits 1 (and the restore fails before
#       the addon writes anything) when this RestoreSession already finished here, or when the
#       server holds user schemas that the dump would overwrite.
#   mark <namespace/restoresession>: after a successful restore; records it in stash_pxc.restores
#       so that the same RestoreSession, created again, is refused even if the dump was empty.
# Connection: 127.0.0.1 over TCP (the pod's server listens there whatever its socket path);
# MYSQL_TCP_PORT and MYSQL_HOST, which the client reads itself, move it.
set -u
mode=${1:-}
restore=${2:-}
user=${MYSQL_ROOT_USERNAME:-root}
# The password travels in the environment, never on a command line that `ps` shows.
MYSQL_PWD=${MYSQL_PWD:-${MYSQL_ROOT_PASSWORD:-}}
export MYSQL_PWD
say() { printf 'stash-pxc restore guard: %s\n' "$*"; }
# Stash's exec hook runner keeps only the exit status of the command, never its output, so the
# RestoreSession and its Events cannot carry the reason. A refusal is therefore also appended to
# the server container's log (PID 1's stdout is what `kubectl logs` shows), best effort;
# STASH_PXC_GUARD_LOG names another file.
refuse() {
  say "REFUSED: $*"
  { say "REFUSED: $*" >>"${STASH_PXC_GUARD_LOG:-/proc/1/fd/1}"; } 2>/dev/null || true
  exit 1
}
sql() {
  mysql --host="${MYSQL_HOST:-127.0.0.1}" --user="$user" --batch --skip-column-names --execute="$1"
}
case "$restore" in
  */*) ;;
  *) say "usage: check|mark <namespace/restoresession>"; exit 2 ;;
esac
key=$(printf '%s' "$restore" | sed "s/'/''/g")
case "$mode" in
  check)
    if ! table=$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'stash_pxc' AND table_name = 'restores'" 2>&1); then
      refuse "cannot query the database to check that it is empty ($table). Nothing was restored. Fix: make the database reachable and create the RestoreSession again, or set overwrite: true to restore without this check."
    fi
    found=
    if [ "$table" != 0 ] && ! found=$(sql "SELECT IFNULL(MAX(finished_at), '') FROM stash_pxc.restores WHERE name = '$key'" 2>&1); then
      refuse "cannot read stash_pxc.restores ($found). Nothing was restored. Fix: make the database reachable and create the RestoreSession again, or set overwrite: true to restore without this check."
    fi
    if [ -n "$found" ]; then
      refuse "RestoreSession $restore already restored this database (finished $found UTC, recorded in stash_pxc.restores); running it again would overwrite everything written since. Nothing was restored. Fix: to restore again on purpose, create a RestoreSession with a new name and overwrite: true (see the runbook, StashPxcRestoreFailed)."
    fi
    if ! schemas=$(sql "SELECT GROUP_CONCAT(schema_name ORDER BY schema_name SEPARATOR ', ') FROM information_schema.schemata WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'kubedb_system', 'stash_pxc')" 2>&1); then
      refuse "cannot list the database's schemas ($schemas). Nothing was restored. Fix: make the database reachable and create the RestoreSession again, or set overwrite: true to restore without this check."
    fi
    if [ -n "$schemas" ] && [ "$schemas" != "NULL" ]; then
      refuse "the database already holds data (schemas: $schemas) that restoring $restore would overwrite. Nothing was restored. Fix: restore into a new, empty database, or set overwrite: true on the restore to replace this data on purpose."
    fi
    say "the database holds no user schemas and no record of $restore; restoring."
    ;;
  mark)
    if ! out=$(sql "CREATE DATABASE IF NOT EXISTS stash_pxc; CREATE TABLE IF NOT EXISTS stash_pxc.restores (name VARCHAR(253) NOT NULL PRIMARY KEY, finished_at DATETIME NOT NULL) ENGINE=InnoDB; INSERT INTO stash_pxc.restores (name, finished_at) VALUES ('$key', UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE finished_at = VALUES(finished_at)" 2>&1); then
      say "could not record $restore in stash_pxc.restores ($out); the restore itself finished."
      exit 1
    fi
    say "recorded $restore in stash_pxc.restores."
    ;;
  *) say "usage: check|mark <namespace/restoresession>"; exit 2 ;;
esac
