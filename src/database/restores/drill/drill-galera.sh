#!/usr/bin/env bash
# The runner of a Galera restore drill: the only container of the drill's Job (an upstream
# kubectl image with bash). A cluster backup is a physical copy, restored by the operator into
# volume claims it creates from the RestoreSession's template, so the server cannot run in this
# pod (its claim does not exist yet when the pod starts). In order:
#   1. removes what an earlier run may have left under the drill's names (the operator refuses
#      to restore into a claim that exists);
#   2. creates the RestoreSession and waits for it (drill-restore.sh, without a server to wait for);
#   3. when it Succeeded, creates the server pod from the rendered manifest, owned by this Job,
#      which starts the server on the restored claim, checks it and pushes the report
#      (drill-galera-server.sh), and waits for it (bounded);
#   4. reports itself (drill-check.sh, which runs no SQL for these) when the restore failed or the
#      server pod never finished: the report names the restore or server-start check;
#   5. always (success, failure, timeout, SIGTERM at the Job's deadline) deletes the server pod,
#      the RestoreSession and the claims.
# Exit: 0 passed, 1 a check failed, 2 a configuration error, 3 the report was not pushed.
#
# Environment (besides what drill-restore.sh and drill-check.sh read):
#   DRILL_SERVER_POD_FILE         the server pod (JSON as the construct renders it: metadata
#                                 first, without ownerReferences) (required)
#   DRILL_SERVER_POD_NAME         its name (required)
#   DRILL_CLAIMS                  the claims the RestoreSession's template makes, space-separated;
#                                 the server pod mounts the first (required)
#   DRILL_SERVER_TIMEOUT_SECONDS  the server's budget to answer (default 300)
#   DRILL_CHECK_TIMEOUT_SECONDS   the checks' budget (default 600)
#   DRILL_POD_SLACK_SECONDS       scheduling and image pull of the server pod (default 300)
#   DRILL_POLL_SECONDS            between two looks at the pod (default 5)
#   KUBECTL                       the kubectl binary (default kubectl)
set -euo pipefail
umask 077

HERE="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=drill-lib.sh
. "$HERE/drill-lib.sh"

drill_require_vars DRILL_STATE_DIR DRILL_NAMESPACE DRILL_NAME DRILL_JOB_NAME DRILL_JOB_UID DRILL_SERVER_POD_FILE DRILL_SERVER_POD_NAME DRILL_CLAIMS
[ -d "$DRILL_STATE_DIR" ] || drill_die "DRILL_STATE_DIR $DRILL_STATE_DIR is not a directory"
[ -r "$DRILL_SERVER_POD_FILE" ] || drill_die "cannot read DRILL_SERVER_POD_FILE $DRILL_SERVER_POD_FILE"
KUBECTL="${KUBECTL:-kubectl}"
SERVER_TIMEOUT="${DRILL_SERVER_TIMEOUT_SECONDS:-300}"
CHECK_TIMEOUT="${DRILL_CHECK_TIMEOUT_SECONDS:-600}"
SLACK="${DRILL_POD_SLACK_SECONDS:-300}"
POLL="${DRILL_POLL_SECONDS:-5}"
for v in SERVER_TIMEOUT CHECK_TIMEOUT SLACK POLL; do
  drill_is_uint "${!v}" || drill_die "$v=${!v} is not a whole number"
done
[ "$POLL" -ge 1 ] || POLL=1
command -v "$KUBECTL" >/dev/null 2>&1 || drill_die "no $KUBECTL in this image"

drill_kname DRILL_NAMESPACE "$DRILL_NAMESPACE"
drill_kname DRILL_SERVER_POD_NAME "$DRILL_SERVER_POD_NAME"
POD="$DRILL_SERVER_POD_NAME"
read -r -a CLAIMS <<<"$DRILL_CLAIMS"
[ ${#CLAIMS[@]} -ge 1 ] || drill_die "DRILL_CLAIMS is empty"
for c in "${CLAIMS[@]}"; do drill_kname DRILL_CLAIMS "$c"; done
[[ "$DRILL_JOB_UID" =~ ^[0-9a-f-]+$ ]] || drill_die "DRILL_JOB_UID=\"$DRILL_JOB_UID\" is not a UID"
SESSION="${DRILL_RESTORESESSION_NAME:-$DRILL_NAME}"

# The pod manifest must be the pod $POD whose only claim is the drill's first one: whatever the
# ConfigMap holds, the runner never starts a pod on another claim.
pod="$(cat "$DRILL_SERVER_POD_FILE")"
flat="$(printf '%s' "$pod" | tr -d ' \t\r\n')"
[[ "$flat" == '{"apiVersion":"v1","kind":"Pod","metadata":{'* && "$flat" == *"\"name\":\"$POD\""* ]] ||
  drill_die "DRILL_SERVER_POD_FILE is not the Pod $POD (apiVersion, kind, then metadata)"
claims_in_pod="$(grep -o '"claimName": *"[^"]*"' <<<"$pod" | sed 's/.*"\([^"]*\)"$/\1/' | sort -u | tr '\n' ' ')"
[ "$claims_in_pod" = "${CLAIMS[0]} " ] ||
  drill_die "the server pod mounts the claims [${claims_in_pod% }], not only ${CLAIMS[0]}: refusing to start it"
[[ "$flat" != *'"ownerReferences"'* ]] || drill_die "DRILL_SERVER_POD_FILE already has ownerReferences"

kc() { "$KUBECTL" --request-timeout=30s --namespace "$DRILL_NAMESPACE" "$@"; }

cleaned=false
restore_pid=''
cleanup() {
  [ "$cleaned" = false ] || return 0
  cleaned=true
  # A restore step still waiting (SIGTERM): it would go on polling a RestoreSession deleted below.
  if [ -n "$restore_pid" ]; then kill "$restore_pid" 2>/dev/null || true; fi
  # Without waiting: the Job may be at its deadline. The claims go once the pods using them are gone.
  kc delete pod "$POD" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  kc delete restoresession "$SESSION" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  kc delete pvc "${CLAIMS[@]}" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  drill_log "deleted the server pod $POD, the RestoreSession $SESSION and the claims ${CLAIMS[*]}"
}
trap cleanup EXIT
trap 'drill_log "stopped (SIGTERM): cleaning up"; exit 143' TERM INT

# report: drill-check.sh on the state written so far (restore or server-start failed: no SQL).
report() {
  local code=0
  MYSQL_USER="${MYSQL_USER:-root}" bash "$HERE/drill-check.sh" || code=$?
  exit "$code"
}

# 1. An earlier run's objects (its Job may still be within its TTL, or was killed).
left=''
kc delete pod "$POD" --ignore-not-found --wait=true --timeout=120s >/dev/null || left="pod $POD"
kc delete restoresession "$SESSION" --ignore-not-found --wait=true --timeout=120s >/dev/null || left="$left RestoreSession $SESSION"
kc delete pvc "${CLAIMS[@]}" --ignore-not-found --wait=true --timeout=180s >/dev/null || left="$left claims ${CLAIMS[*]}"
if [ -n "$left" ]; then
  drill_state_write restore.phase Failed
  drill_state_write restore.seconds 0
  drill_state_write restore.message "could not delete what an earlier run left:$left"
  report
fi

# 2. The restore into the claims.
# In the background, so that a SIGTERM (the Job's deadline) reaches the trap at once, not after it.
DRILL_WAIT_FOR_SERVER=false bash "$HERE/drill-restore.sh" &
restore_pid=$!
wait "$restore_pid" || drill_log "the restore step ended with $?"
restore_pid=''
phase="$(drill_state_read restore.phase '')"
if [ "$phase" != Succeeded ]; then
  drill_log "the restore ended ${phase:-without an outcome}: reporting it"
  report
fi
restore_seconds="$(drill_state_read restore.seconds 0)"
drill_is_uint "$restore_seconds" || restore_seconds=0

# 3. The server pod, owned by this Job, told how long the restore took.
owner="\"ownerReferences\": [{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"name\": \"$DRILL_JOB_NAME\", \"uid\": \"$DRILL_JOB_UID\"}], "
annotation="\"annotations\": {\"stash-pxc/restore-seconds\": \"$restore_seconds\"}, "
if [[ "$pod" == *'"metadata": {'* ]]; then
  pod="${pod/'"metadata": {'/"\"metadata\": {$owner$annotation"}"
else
  pod="${pod/'"metadata":{'/"\"metadata\":{$owner$annotation"}"
fi
started="$(drill_now)"
server_failed() { # reason
  drill_state_write server.ready false
  drill_state_write server.seconds "$(($(drill_now) - started))"
  drill_log "the server pod $POD: $1"
  report
}
if ! printf '%s\n' "$pod" | kc create -f - >/dev/null; then
  server_failed "could not be created"
fi
drill_log "created the server pod $POD on claim ${CLAIMS[0]}"

# 4. Its outcome: the check container's exit code (it pushed the report itself when it ran).
budget=$((SERVER_TIMEOUT + CHECK_TIMEOUT + SLACK))
while :; do
  if status="$(kc get pod "$POD" -o 'jsonpath={.status.phase}{"\t"}{.status.containerStatuses[0].state.terminated.exitCode}{"\t"}{.status.containerStatuses[0].state.waiting.reason}' 2>/dev/null)"; then
    IFS=$'\t' read -r pod_phase exit_code waiting <<<"$status" || true
    if [ -n "${exit_code:-}" ]; then
      case "$exit_code" in
        0) drill_log "the server pod passed every check"; exit 0 ;;
        1|3) drill_log "the server pod reported (exit $exit_code)"; exit "$exit_code" ;;
        *) server_failed "its check container ended with $exit_code (${pod_phase:-no phase}) before reporting" ;;
      esac
    fi
  fi
  if [ $(($(drill_now) - started)) -ge "$budget" ]; then
    server_failed "not finished within ${budget}s (${pod_phase:-no phase}${waiting:+, $waiting})"
  fi
  sleep "$POLL" &
  wait $!
done
