# Shared by drill-restore.sh and drill-check.sh (sourced, never run): logging, the state
# directory, bounded waits, and the push to the Pushgateway. Bash only; no jq, no python.
# shellcheck shell=bash

drill_log() { printf 'drill: %s\n' "$*" >&2; }

drill_die() { drill_log "error: $*"; exit 2; }

# Whole seconds since the epoch (date +%s is in GNU and busybox date).
drill_now() { date +%s; }

# drill_require_vars NAME...: every variable set and non-empty.
drill_require_vars() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || drill_die "$name is not set"
  done
}

# drill_state_write NAME VALUE: one line into the state directory (written then moved, so a
# reader never sees half a file).
drill_state_write() {
  local tmp="$DRILL_STATE_DIR/.$1.tmp.$$"
  printf '%s\n' "$2" >"$tmp"
  mv -f "$tmp" "$DRILL_STATE_DIR/$1"
}

# drill_state_read NAME DEFAULT: the first line of a state file, or DEFAULT when it is absent.
drill_state_read() {
  local line=''
  if [ -f "$DRILL_STATE_DIR/$1" ]; then
    IFS= read -r line <"$DRILL_STATE_DIR/$1" || true
    printf '%s' "$line"
  else
    printf '%s' "$2"
  fi
}

# drill_is_uint VALUE: a whole number without sign.
drill_is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# Names go into JSON and arguments unescaped: only what Kubernetes allows in them.
drill_kname() { [[ "$2" =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || drill_die "$1=\"$2\" is not a Kubernetes name"; }

# drill_tcp_open HOST PORT: the port accepts a TCP connection within 3 seconds.
# shellcheck disable=SC2016 # $1 and $2 are the inner bash's arguments
drill_tcp_open() {
  if command -v timeout >/dev/null 2>&1; then
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
  else
    bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
  fi
}

# The Pushgateway grouping key of every series of a drill (the Prometheus scrape uses
# honor_labels, so these become the series' labels).
DRILL_PUSH_JOB=stash-pxc-restore-drill

# drill_push_path: /metrics/job/.../namespace/.../database/.../drill/... (names are Kubernetes
# names: no "/" and never empty, checked here so a bad value cannot address another group).
drill_push_path() {
  local v
  for v in "$DRILL_NAMESPACE" "$DATABASE_NAME" "$DRILL_NAME"; do
    [[ -n "$v" && "$v" != */* && "$v" =~ ^[A-Za-z0-9._-]+$ ]] || drill_die "grouping label value \"$v\" is not a Kubernetes name"
  done
  printf '/metrics/job/%s/namespace/%s/database/%s/drill/%s' "$DRILL_PUSH_JOB" "$DRILL_NAMESPACE" "$DATABASE_NAME" "$DRILL_NAME"
}

# drill_http_post URL < BODY: POST the body; 0 on a 2xx answer. curl when present (http and
# https), else bash's /dev/tcp (plain http only). DRILL_HTTP_CLIENT=curl|bash forces one.
drill_http_post() {
  local url="$1" client="${DRILL_HTTP_CLIENT:-}"
  if [ -z "$client" ]; then
    if command -v curl >/dev/null 2>&1; then client=curl; else client=bash; fi
  fi
  case "$client" in
    curl)
      curl -fsS --max-time 30 --retry 0 -X POST -H 'Content-Type: text/plain; version=0.0.4' --data-binary @- "$url" >/dev/null
      ;;
    bash)
      local rest hostport host port path body status
      case "$url" in
        http://*) rest="${url#http://}" ;;
        *) drill_log "cannot push to $url without curl: only plain http:// works over /dev/tcp"; return 1 ;;
      esac
      hostport="${rest%%/*}"
      path="/${rest#*/}"
      [ "$hostport" = "$rest" ] && path=/
      host="${hostport%:*}"
      port="${hostport##*:}"
      [ "$port" = "$hostport" ] && port=80
      body="$(cat)"
      body="$body"$'\n'
      # A subshell bounds the exchange: the read times out, and the descriptor closes with it.
      status="$(
        exec 3<>"/dev/tcp/$host/$port" || exit 1
        printf 'POST %s HTTP/1.0\r\nHost: %s\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
          "$path" "$hostport" "$(printf '%s' "$body" | wc -c)" "$body" >&3
        IFS= read -r -t 30 line <&3 || exit 1
        printf '%s' "$line"
      )" || { drill_log "no answer from $hostport"; return 1; }
      case "$status" in
        'HTTP/1.'?' 2'*) return 0 ;;
        *) drill_log "push answered: ${status%$'\r'}"; return 1 ;;
      esac
      ;;
    *) drill_log "DRILL_HTTP_CLIENT=$client: use curl or bash"; return 1 ;;
  esac
}

# drill_push FILE: POST the exposition text to the drill's group, three tries. POST (not PUT)
# replaces only the metric names in the body, so a series left out of a run (the last success
# after a failure) keeps its value.
drill_push() {
  local file="$1" url attempt
  url="${PUSHGATEWAY_URL%/}$(drill_push_path)"
  for attempt in 1 2 3; do
    if drill_http_post "$url" <"$file"; then
      drill_log "pushed the report to ${PUSHGATEWAY_URL%/} (try $attempt)"
      return 0
    fi
    [ "$attempt" = 3 ] || sleep $((attempt * 2))
  done
  drill_log "could not push the report to ${PUSHGATEWAY_URL%/}"
  return 1
}
