#!/usr/bin/env bash
# First step of a restore drill run (an init container from a kubectl image): gives the
# throwaway server a fresh random password before it starts. It must run before the server
# (a native sidecar reads the password from this Secret through its environment), so it
# cannot be part of drill-restore.sh, which runs after the server is up.
#
# The Secret is named from the drill (DRILL_AUTH_SECRET), owned by this run's Job (so garbage
# collection removes it with the Job) and never written anywhere but the API server.
#
# Environment: DRILL_AUTH_SECRET, DRILL_NAMESPACE, DRILL_JOB_NAME, DRILL_JOB_UID,
# DRILL_DRILL_LABEL (label key=value put on the Secret), KUBECTL (default kubectl).
set -euo pipefail

: "${DRILL_AUTH_SECRET:?DRILL_AUTH_SECRET is not set}"
: "${DRILL_NAMESPACE:?DRILL_NAMESPACE is not set}"
: "${DRILL_JOB_NAME:?DRILL_JOB_NAME is not set}"
: "${DRILL_JOB_UID:?DRILL_JOB_UID is not set}"
KUBECTL="${KUBECTL:-kubectl}"
label_key="${DRILL_DRILL_LABEL%%=*}"
label_value="${DRILL_DRILL_LABEL#*=}"

# 32 random alphanumerics: no quoting trouble in SQL, shell or a DSN.
password="$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
if [ "${#password}" -ne 32 ]; then
  echo "drill-credentials: could not read 32 random characters from /dev/urandom" >&2
  exit 1
fi
b64() { printf '%s' "$1" | base64 | tr -d '\n'; }

# A Secret of a run that has not been garbage-collected yet (its Job still within its TTL)
# would make the create fail; the Role lets this ServiceAccount delete only this name.
"$KUBECTL" delete secret "$DRILL_AUTH_SECRET" --namespace "$DRILL_NAMESPACE" --ignore-not-found --wait=true >/dev/null

# blockOwnerDeletion is left out: setting it needs update on jobs/finalizers, which the drill
# does not have (and does not need: the Secret goes when the Job goes).
"$KUBECTL" create --namespace "$DRILL_NAMESPACE" -f - >/dev/null <<JSON
{
  "apiVersion": "v1",
  "kind": "Secret",
  "type": "Opaque",
  "metadata": {
    "name": "$DRILL_AUTH_SECRET",
    "namespace": "$DRILL_NAMESPACE",
    "labels": { "$label_key": "$label_value" },
    "ownerReferences": [{ "apiVersion": "batch/v1", "kind": "Job", "name": "$DRILL_JOB_NAME", "uid": "$DRILL_JOB_UID" }]
  },
  "data": { "username": "$(b64 root)", "password": "$(b64 "$password")" }
}
JSON
echo "drill-credentials: Secret $DRILL_AUTH_SECRET created for Job $DRILL_JOB_NAME"
