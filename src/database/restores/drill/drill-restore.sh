#!/usr/bin/env bash
# The restore step of a restore drill: an init container of the drill's Job (an upstream kubectl
# image with bash and coreutils), after the throwaway server (a native sidecar) was started. It
# waits for the server's port (bounded), creates this run's RestoreSession from the manifest the
# construct rendered — the latest snapshot of the database's Repository into the drill's own
# AppBinding — with an owner reference to the Job so that garbage collection removes it, waits
# for its phase (bounded) and writes the outcome to the state directory for drill-check.sh.
# With a KubeDB database (DRILL_DATABASE_FILE set), it first creates the run's PerconaXtraDB
# from the manifest the construct rendered (owned by the Job too), and waits for the AppBinding and
# the Secret KubeDB makes for it; MYSQL_HOST is then KubeDB's Service.
# It exits 0 whenever it wrote an outcome, so that the check step always runs and reports;
# 2 on a configuration error (the check step then reports the restore as not finished).
#
# State files written: server.ready (true/false), server.seconds; once the restore was tried:
# restore.phase (Succeeded, Failed, Unknown or Timeout), restore.seconds, restore.message.
#
# Environment:
#   DRILL_STATE_DIR                shared with drill-check.sh (required)
#   DRILL_NAMESPACE, DRILL_NAME    the drill's namespace and name (required)
#   DRILL_JOB_NAME, DRILL_JOB_UID  this run's Job (downward API: the pod's
#                                  batch.kubernetes.io/job-name and controller-uid labels) (required)
#   DRILL_RESTORE_SESSION_FILE     the RestoreSession manifest (JSON, as the construct renders it:
#                                  metadata first, without ownerReferences) (required)
#   DRILL_RESTORESESSION_NAME      its name (default: DRILL_NAME)
#   DRILL_APPBINDING_NAME          the only AppBinding it may target (default: DRILL_NAME)
#   MYSQL_HOST, MYSQL_PORT         the throwaway server (default 127.0.0.1, 3306)
#   DRILL_DATABASE_FILE            the KubeDB PerconaXtraDB manifest (JSON, named as the AppBinding,
#                                  without authSecret or ownerReferences); unset: no KubeDB database
#   DRILL_AUTH_SECRET              the Secret KubeDB makes for it (required with DRILL_DATABASE_FILE)
#   DRILL_WAIT_FOR_SERVER          false: restore without waiting for a server (the Galera
#                                  drill restores into a claim; its server starts afterwards)
#   DRILL_SERVER_TIMEOUT_SECONDS   how long to wait for the server's port (default 300)
#   DRILL_RESTORE_TIMEOUT_SECONDS  how long to wait for the RestoreSession (default 3600)
#   DRILL_POLL_SECONDS             between two looks at the RestoreSession (default 5)
#   KUBECTL                        the kubectl binary (default kubectl)
set -euo pipefail
umask 077

# shellcheck source-path=SCRIPTDIR source=drill-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/drill-lib.sh"

drill_require_vars DRILL_STATE_DIR DRILL_NAMESPACE DRILL_NAME DRILL_JOB_NAME DRILL_JOB_UID DRILL_RESTORE_SESSION_FILE
[ -d "$DRILL_STATE_DIR" ] || drill_die "DRILL_STATE_DIR $DRILL_STATE_DIR is not a directory"
[ -r "$DRILL_RESTORE_SESSION_FILE" ] || drill_die "cannot read DRILL_RESTORE_SESSION_FILE $DRILL_RESTORE_SESSION_FILE"
KUBECTL="${KUBECTL:-kubectl}"
MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
SESSION="${DRILL_RESTORESESSION_NAME:-$DRILL_NAME}"
APPBINDING="${DRILL_APPBINDING_NAME:-$DRILL_NAME}"
SERVER_TIMEOUT="${DRILL_SERVER_TIMEOUT_SECONDS:-300}"
RESTORE_TIMEOUT="${DRILL_RESTORE_TIMEOUT_SECONDS:-3600}"
POLL="${DRILL_POLL_SECONDS:-5}"
for v in SERVER_TIMEOUT RESTORE_TIMEOUT POLL MYSQL_PORT; do
  drill_is_uint "${!v}" || drill_die "$v=${!v} is not a whole number"
done
[ "$POLL" -ge 1 ] || POLL=1
command -v "$KUBECTL" >/dev/null 2>&1 || drill_die "no $KUBECTL in this image"

drill_kname DRILL_NAMESPACE "$DRILL_NAMESPACE"
drill_kname DRILL_JOB_NAME "$DRILL_JOB_NAME"
drill_kname DRILL_RESTORESESSION_NAME "$SESSION"
drill_kname DRILL_APPBINDING_NAME "$APPBINDING"
[[ "$DRILL_JOB_UID" =~ ^[0-9a-f-]+$ ]] || drill_die "DRILL_JOB_UID=\"$DRILL_JOB_UID\" is not a UID"

# The manifest must be a RestoreSession named $SESSION whose target is the drill's AppBinding:
# a drill never restores into anything else, whatever the ConfigMap holds.
manifest="$(cat "$DRILL_RESTORE_SESSION_FILE")"
flat="$(printf '%s' "$manifest" | tr -d ' \t\r\n')"
[[ "$flat" == *'"kind":"RestoreSession"'* && "$flat" == *"\"name\":\"$SESSION\""* ]] ||
  drill_die "DRILL_RESTORE_SESSION_FILE is not the RestoreSession $SESSION"
ref_re='"target":\{"ref":\{([^{}]*)\}'
[[ "$flat" =~ $ref_re ]] || drill_die "DRILL_RESTORE_SESSION_FILE has no target.ref"
ref="${BASH_REMATCH[1]}"
[[ ",$ref," == *',"kind":"AppBinding",'* && ",$ref," == *",\"name\":\"$APPBINDING\","* ]] ||
  drill_die "the RestoreSession's target is not AppBinding $APPBINDING: refusing to restore into {$ref}"
[[ "$manifest" == *'"metadata": {'* || "$manifest" == *'"metadata":{'* ]] || drill_die "DRILL_RESTORE_SESSION_FILE has no metadata object"
[[ "$flat" != *'"ownerReferences"'* ]] || drill_die "DRILL_RESTORE_SESSION_FILE already has ownerReferences"

# The KubeDB database, when there is one: a PerconaXtraDB named as the drill's AppBinding (KubeDB
# names its AppBinding after it), with a new auth Secret (never an existing one, such as the
# source's), waiting for this restore.
DATABASE_FILE="${DRILL_DATABASE_FILE:-}"
if [ -n "$DATABASE_FILE" ]; then
  [ -r "$DATABASE_FILE" ] || drill_die "cannot read DRILL_DATABASE_FILE $DATABASE_FILE"
  drill_require_vars DRILL_AUTH_SECRET
  drill_kname DRILL_AUTH_SECRET "$DRILL_AUTH_SECRET"
  db_manifest="$(cat "$DATABASE_FILE")"
  db_flat="$(printf '%s' "$db_manifest" | tr -d ' \t\r\n')"
  [[ "$db_flat" == *'"kind":"PerconaXtraDB"'* && "$db_flat" == *"\"name\":\"$APPBINDING\""* ]] ||
    drill_die "DRILL_DATABASE_FILE is not the PerconaXtraDB $APPBINDING"
  [[ "$db_flat" != *'"authSecret"'* ]] || drill_die "DRILL_DATABASE_FILE names an auth Secret: the drill's database gets a new one"
  [[ "$db_flat" == *'"waitForInitialRestore":true'* ]] || drill_die "DRILL_DATABASE_FILE does not wait for the initial restore"
  [[ "$db_manifest" == *'"metadata": {'* || "$db_manifest" == *'"metadata":{'* ]] || drill_die "DRILL_DATABASE_FILE has no metadata object"
  [[ "$db_flat" != *'"ownerReferences"'* ]] || drill_die "DRILL_DATABASE_FILE already has ownerReferences"
fi

kc() { "$KUBECTL" --request-timeout=30s --namespace "$DRILL_NAMESPACE" "$@"; }

# Outcome of a restore that was tried: its state files, then exit 0 (the check step reports).
finish() { # phase seconds message
  drill_state_write restore.phase "$1"
  drill_state_write restore.seconds "$2"
  drill_state_write restore.message "$(printf '%s' "$3" | tr '\r\n\t' '   ' | cut -c1-500)"
  drill_log "restore: $1 after ${2}s${3:+: $3}"
  exit 0
}

# The owner reference to this run's Job, put first into a manifest's metadata (blockOwnerDeletion
# is left out: it needs update on jobs/finalizers, and the Job's deletion removes the object either way).
owner="\"ownerReferences\": [{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"name\": \"$DRILL_JOB_NAME\", \"uid\": \"$DRILL_JOB_UID\"}], "
owned() {
  if [[ "$1" == *'"metadata": {'* ]]; then
    printf '%s\n' "${1/'"metadata": {'/"\"metadata\": {$owner"}"
  else
    printf '%s\n' "${1/'"metadata":{'/"\"metadata\":{$owner"}"
  fi
}

# The server never became ready: the check step reports server-start.
no_server() { # message
  drill_state_write server.ready false
  drill_state_write server.seconds "$(($(drill_now) - started))"
  drill_log "$1: no restore"
  exit 0
}

started="$(drill_now)"

# 0. The KubeDB database (bounded, within the server's budget): an earlier run's goes first, then
#    this run's, then KubeDB's AppBinding and Secret for it.
if [ -n "$DATABASE_FILE" ]; then
  if ! kc delete perconaxtradb "$APPBINDING" --ignore-not-found --wait=true --timeout="${SERVER_TIMEOUT}s" >/dev/null; then
    no_server "could not delete the earlier PerconaXtraDB $APPBINDING"
  fi
  if ! db_created="$(owned "$db_manifest" | kc create -f - -o 'jsonpath={.metadata.name}{" "}{.metadata.uid}')" || [ "${db_created%% *}" != "$APPBINDING" ]; then
    no_server "could not create PerconaXtraDB $APPBINDING"
  fi
  drill_log "created PerconaXtraDB $DRILL_NAMESPACE/$APPBINDING"
  until kc get appbinding "$APPBINDING" -o name >/dev/null 2>&1 && kc get secret "$DRILL_AUTH_SECRET" -o name >/dev/null 2>&1; do
    [ $(($(drill_now) - started)) -lt "$SERVER_TIMEOUT" ] || no_server "KubeDB made no AppBinding $APPBINDING and Secret $DRILL_AUTH_SECRET within ${SERVER_TIMEOUT}s"
    sleep "$POLL"
  done
  drill_log "KubeDB made AppBinding $APPBINDING and Secret $DRILL_AUTH_SECRET"
fi

# 1. The server (bounded): without it there is nothing to restore into.
until [ "${DRILL_WAIT_FOR_SERVER:-true}" = false ] || drill_tcp_open "$MYSQL_HOST" "$MYSQL_PORT"; do
  if [ $(($(drill_now) - started)) -ge "$SERVER_TIMEOUT" ]; then
    drill_state_write server.ready false
    drill_state_write server.seconds "$(($(drill_now) - started))"
    drill_log "the server at $MYSQL_HOST:$MYSQL_PORT did not open its port within ${SERVER_TIMEOUT}s: no restore"
    exit 0
  fi
  sleep 2
done
if [ "${DRILL_WAIT_FOR_SERVER:-true}" != false ]; then
  drill_state_write server.ready true
  drill_state_write server.seconds "$(($(drill_now) - started))"
  drill_log "the server at $MYSQL_HOST:$MYSQL_PORT accepts connections"
fi

# 2. This run's RestoreSession. An earlier run's (same name, its Job still within its TTL) goes
#    first; the new one is owned by this Job.
restore_started="$(drill_now)"
if ! kc delete restoresession "$SESSION" --ignore-not-found --wait=true --timeout=120s >/dev/null; then
  finish Failed 0 "could not delete the earlier RestoreSession $SESSION"
fi
if ! created="$(owned "$manifest" | kc create -f - -o 'jsonpath={.metadata.name}{" "}{.metadata.uid}')"; then
  finish Failed "$(($(drill_now) - restore_started))" "could not create RestoreSession $SESSION"
fi
uid="${created#* }"
if [ "${created%% *}" != "$SESSION" ] || [ -z "$uid" ]; then
  finish Failed "$(($(drill_now) - restore_started))" "created \"$created\", not RestoreSession $SESSION"
fi
drill_log "created RestoreSession $DRILL_NAMESPACE/$SESSION (uid $uid) into AppBinding $APPBINDING"

# 3. Its phase, until a final one or the budget is spent. The uid check makes sure the phase
#    read is this run's session's.
phase=''
while :; do
  elapsed=$(($(drill_now) - restore_started))
  if status="$(kc get restoresession "$SESSION" -o 'jsonpath={.metadata.uid}{"\t"}{.status.phase}{"\t"}{.status.stats[*].error}' 2>/dev/null)"; then
    if [ "${status%%$'\t'*}" = "$uid" ]; then
      rest="${status#*$'\t'}"
      phase="${rest%%$'\t'*}"
      message="${rest#*$'\t'}"
      [ "$message" != "$rest" ] || message=''
      case "$phase" in
        Succeeded) finish Succeeded "$elapsed" '' ;;
        Failed|Unknown) finish "$phase" "$elapsed" "$message" ;;
        Invalid) finish Failed "$elapsed" "the RestoreSession is Invalid (see its conditions)" ;;
      esac
    else
      finish Failed "$elapsed" "RestoreSession $SESSION was replaced while the drill waited for it"
    fi
  fi
  if [ "$elapsed" -ge "$RESTORE_TIMEOUT" ]; then
    # Stop the restore: the restore Job belongs to the RestoreSession, so it goes with it.
    kc delete restoresession "$SESSION" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    finish Timeout "$elapsed" "still ${phase:-without a phase} after ${RESTORE_TIMEOUT}s"
  fi
  sleep "$POLL"
done
