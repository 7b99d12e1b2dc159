#!/usr/bin/env bash
# The cleanup step of a restore drill whose throwaway database KubeDB runs (DrillServer.kubedb()):
# a main container beside the check step (an upstream kubectl image). It waits until
# drill-check.sh is done (its check.done in the state directory; bounded), then deletes the run's
# PerconaXtraDB, which KubeDB wipes with everything it made for it (deletionPolicy WipeOut). The
# PerconaXtraDB is also owned by the run's Job, so garbage collection removes it when the Job goes
# (its TTL) if this step never ran (the Job's deadline). Exits 0 once it asked for the deletion.
#
# Environment: DRILL_STATE_DIR, DRILL_NAMESPACE, DRILL_NAME (the PerconaXtraDB's name) (required);
# DRILL_CLEANUP_WAIT_SECONDS (how long to wait for the checks, default 1500); DRILL_POLL_SECONDS
# (default 5); KUBECTL (default kubectl).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=drill-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/drill-lib.sh"

drill_require_vars DRILL_STATE_DIR DRILL_NAMESPACE DRILL_NAME
[ -d "$DRILL_STATE_DIR" ] || drill_die "DRILL_STATE_DIR $DRILL_STATE_DIR is not a directory"
KUBECTL="${KUBECTL:-kubectl}"
WAIT="${DRILL_CLEANUP_WAIT_SECONDS:-1500}"
POLL="${DRILL_POLL_SECONDS:-5}"
drill_is_uint "$WAIT" || drill_die "DRILL_CLEANUP_WAIT_SECONDS=$WAIT is not a whole number"
drill_is_uint "$POLL" || drill_die "DRILL_POLL_SECONDS=$POLL is not a whole number"
[ "$POLL" -ge 1 ] || POLL=1
[[ "$DRILL_NAME" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || drill_die "DRILL_NAME=\"$DRILL_NAME\" is not a Kubernetes name"
[[ "$DRILL_NAMESPACE" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || drill_die "DRILL_NAMESPACE=\"$DRILL_NAMESPACE\" is not a Kubernetes name"

started="$(drill_now)"
until [ -e "$DRILL_STATE_DIR/check.done" ]; do
  if [ $(($(drill_now) - started)) -ge "$WAIT" ]; then
    drill_log "the checks did not finish within ${WAIT}s: deleting the database anyway"
    break
  fi
  sleep "$POLL"
done

# --wait=false: KubeDB's finalizer wipes the data after this step ends; the Job's owner reference
# covers a deletion that does not go through.
if "$KUBECTL" --request-timeout=30s --namespace "$DRILL_NAMESPACE" delete perconaxtradb "$DRILL_NAME" --ignore-not-found --wait=false >/dev/null; then
  drill_log "deleted PerconaXtraDB $DRILL_NAMESPACE/$DRILL_NAME"
else
  drill_log "could not delete PerconaXtraDB $DRILL_NAMESPACE/$DRILL_NAME: it goes with the run's Job"
fi
