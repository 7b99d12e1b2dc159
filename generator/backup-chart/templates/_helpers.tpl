{{/*
The helpers that shape one object of the chart. The facts they need from the construct library
(version lines and Task names, Secret keys, retention rules, security defaults) are the defines of
_generated.tpl.
*/}}

{{/*
Labels of every object: release-aware, one place. stash-pxc/release is the one to select by: for a
database whose AppBinding KubeDB manages, the operator rewrites a RestoreSession's
app.kubernetes.io/instance, name and managed-by labels to the database's.
*/}}
{{- define "stash-pxc-backup.labels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/part-of: stash-pxc
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
stash-pxc/release: {{ .Release.Name }}
{{- end -}}

{{/* A values problem, the way the constructs word them: "<path>: <what>. Fix: <how>." */}}
{{- define "stash-pxc-backup.fail" -}}
{{- fail (printf "\n%s: %s. Fix: %s." (index . 0) (index . 1) (index . 2)) -}}
{{- end -}}

{{/* The version line of a database version (dict "v" version "path" values path), or a failure. */}}
{{- define "stash-pxc-backup.versionLine" -}}
{{- $lines := include "stash-pxc-backup.versionTasks" . | fromJson -}}
{{- $found := "" -}}
{{- range $line, $_ := $lines -}}
{{- if or (eq $.v $line) (hasPrefix (printf "%s." $line) $.v) }}{{ $found = $line }}{{ end -}}
{{- end -}}
{{- if not $found -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q is not a Percona XtraDB version the Stash addon supports" .v) (printf "use the database's version, which must be in a supported line (%s), e.g. \"8.0.36\"" (keys $lines | sortAlpha | join ", "))) -}}
{{- end -}}
{{- $found -}}
{{- end -}}

{{/* The addon Task of a version line (dict "line" line "kind" "backup" or "restore"). */}}
{{- define "stash-pxc-backup.taskName" -}}
{{- index (include "stash-pxc-backup.versionTasks" . | fromJson) .line .kind -}}
{{- end -}}

{{/* The greatest common divisor of two non-negative numbers (list a b). */}}
{{- define "stash-pxc-backup.gcd" -}}
{{- $a := index . 0 | int64 -}}
{{- $b := index . 1 | int64 -}}
{{- range until 64 }}{{ if eq $b 0 }}{{ break }}{{ end }}{{ $t := mod $a $b }}{{ $a = $b }}{{ $b = $t }}{{ end -}}
{{- $a -}}
{{- end -}}

{{/*
The starts of every backup whose schedule is a spread window, placed jointly with the other
backups of the release in the same window, as ScheduleWindow.place places a fleet (this chart
places without expected durations, so its unweighted form): each backup probes the window's
start minutes in its own hash order, beginning with the minute the window alone would give it;
in a fixed order (by a second hash), each takes the first minute of its sequence below the fair
share ceil(N / M) within 8 probes, else the first below the fair share + 1. So no minute has
more than ceil(N / M) + 1 starts, and adding a database moves few others.
The members: each database in a spread window (key "<namespace>/<name>"); each copy
("<namespace>/<name>#copy-<copy>") with a window of its own, or without a schedule when its
database is in a spread window: then in the window after the database's (the
"stash-pxc-backup.followingWindow" of the longest expectedDuration of that window's databases,
else an hour), as PerconaXtraDbBackupFleet places copies.
Takes the list of "stash-pxc-backup.databases"; gives JSON {"<key>": "<cron>"}.
Windows with no length are left out (the schedule helper fails on them).
*/}}
{{- define "stash-pxc-backup.placements" -}}
{{- $groups := dict -}}
{{- $gaps := dict -}}
{{- range $db := . -}}
{{- $w := include "stash-pxc-backup.spreadWindow" $db.s.schedule | fromJson -}}
{{- if $w -}}
{{- include "stash-pxc-backup.placeMember" (dict "groups" $groups "w" $w "key" (printf "%s/%s" $db.namespace $db.name)) -}}
{{- $id := include "stash-pxc-backup.windowId" $w -}}
{{- if hasKey $db.s "expectedDuration" -}}
{{- $m := div (add (include "stash-pxc-backup.seconds" $db.s.expectedDuration | atoi) 59) 60 -}}
{{- $_ := set $gaps $id (max $m (get $gaps $id | default 0 | int)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $db := . -}}
{{- $w := include "stash-pxc-backup.spreadWindow" $db.s.schedule | fromJson -}}
{{- range $copy := $db.s.copies | default list -}}
{{- if kindIs "string" $copy.name -}}
{{- $key := printf "%s/%s#copy-%s" $db.namespace $db.name $copy.name -}}
{{- if hasKey $copy "schedule" -}}
{{- $own := include "stash-pxc-backup.spreadWindow" $copy.schedule | fromJson -}}
{{- if $own }}{{ include "stash-pxc-backup.placeMember" (dict "groups" $groups "w" $own "key" $key) }}{{ end -}}
{{- else if $w -}}
{{- $gap := get $gaps (include "stash-pxc-backup.windowId" $w) | default (include "stash-pxc-backup.copyGapMinutes" $ | atoi) | int -}}
{{- include "stash-pxc-backup.placeMember" (dict "groups" $groups "w" (include "stash-pxc-backup.followingWindow" (dict "w" $w "gap" $gap) | fromJson) "key" $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $out := dict -}}
{{- range $grp := $groups -}}
{{- $minutes := int $grp.len -}}
{{- if gt $minutes 0 -}}
{{- $nd := len $grp.days -}}
{{- $slots := int (mul $minutes (max 1 $nd)) -}}
{{- $items := list -}}
{{- range $key := $grp.keys | uniq -}}
{{- $hex := sha256sum $key -}}
{{- $step := 1 -}}
{{- if gt $slots 1 -}}
{{- $step = add1 (mod (int64 (printf "0x%s" (substr 16 24 $hex))) (sub $slots 1)) -}}
{{- range until $slots }}{{ if eq (include "stash-pxc-backup.gcd" (list $step $slots)) "1" }}{{ break }}{{ end }}{{ $step = add1 $step }}{{ end -}}
{{- end -}}
{{- $first := mod (int64 (printf "0x%s" (substr 0 8 $hex))) $minutes -}}
{{- if $nd -}}
{{- $first = add (mul (mod (include "stash-pxc-backup.hash32" (printf "%s#day" $key) | int64) $nd) $minutes) $first -}}
{{- end -}}
{{- $items = append $items (printf "%010d %s %d %d" (int64 (printf "0x%s" (substr 8 16 $hex))) $key (int64 $first) (int64 $step)) -}}
{{- end -}}
{{- $fair := div (add (len $items) (sub $slots 1)) $slots -}}
{{- $starts := dict -}}
{{- range $item := $items | sortAlpha -}}
{{- $p := splitList " " $item -}}
{{- $first := index $p 2 | atoi -}}
{{- $step := index $p 3 | atoi -}}
{{- $slot := $first -}}
{{- range until 8 }}{{ if lt (get $starts (toString $slot) | default 0 | int) $fair }}{{ break }}{{ end }}{{ $slot = mod (add $slot $step) $slots }}{{ end -}}
{{- if ge (get $starts (toString $slot) | default 0 | int) $fair -}}
{{- $slot = $first -}}
{{- range until $slots }}{{ if le (get $starts (toString $slot) | default 0 | int) $fair }}{{ break }}{{ end }}{{ $slot = mod (add $slot $step) $slots }}{{ end -}}
{{- end -}}
{{- $_ := set $starts (toString $slot) (add1 (get $starts (toString $slot) | default 0 | int)) -}}
{{- $offset := mod $slot $minutes -}}
{{- $m := mod (add $grp.start $offset) 1440 -}}
{{- if $nd -}}
{{- $day := index $grp.days (div $slot $minutes) | int -}}
{{- if ge (add $grp.start $offset) 1440 }}{{ $day = mod (add1 $day) 7 }}{{ end -}}
{{- $_ := set $out (index $p 1) (printf "%d %d * * %d" (mod $m 60) (div $m 60) $day) -}}
{{- else -}}
{{- $_ := set $out (index $p 1) (printf "%d %d * * *" (mod $m 60) (div $m 60)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
A spread schedule's window (the values schedule) as JSON {"start", "len", "days"} (minutes; the
weekdays as numbers, unique and in order), or {} for a cron, no schedule or a window with no length.
*/}}
{{- define "stash-pxc-backup.spreadWindow" -}}
{{- $s := . | default dict -}}
{{- if and (kindIs "map" $s) (hasKey $s "window") (not (hasKey $s "cron")) -}}
{{- $start := include "stash-pxc-backup.minutes" $s.window.start | atoi -}}
{{- $len := mod (add (sub (include "stash-pxc-backup.minutes" $s.window.end | atoi) $start) 1440) 1440 -}}
{{- $days := list -}}
{{- range ($s.window.days | default list | uniq | sortAlpha) }}{{ $days = append $days (int .) }}{{ end -}}
{{- if gt $len 0 }}{{ toJson (dict "start" $start "len" $len "days" $days) }}{{ else }}{}{{ end -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/* The identity of a window (start, length, days in their order): the backups of one window are placed together. */}}
{{- define "stash-pxc-backup.windowId" -}}
{{- $days := list -}}
{{- range .days }}{{ $days = append $days (toString (int .)) }}{{ end -}}
{{- printf "%d-%d-%s" (int .start) (int .len) (join "," $days) -}}
{{- end -}}

{{/*
The window after a window (dict "w" window "gap" minutes), as ScheduleWindow.following: it opens
gap minutes after w ends, on the same days (the next ones where it starts after midnight), as long
as w or shorter, so that its own backups, also gap long, end before w opens again; at least a minute.
*/}}
{{- define "stash-pxc-backup.followingWindow" -}}
{{- $w := .w -}}
{{- $gap := int .gap -}}
{{- $from := add (int $w.start) (int $w.len) $gap -}}
{{- $len := max 1 (min (int $w.len) (sub (sub 1440 (int $w.len)) (mul 2 $gap))) -}}
{{- $shift := div $from 1440 -}}
{{- $days := list -}}
{{- range $w.days }}{{ $days = append $days (mod (add (int .) $shift) 7) }}{{ end -}}
{{- toJson (dict "start" (mod $from 1440) "len" $len "days" $days) -}}
{{- end -}}

{{/* Adds a member (dict "groups" groups "w" window "key" key) to the placement group of its window. */}}
{{- define "stash-pxc-backup.placeMember" -}}
{{- $id := include "stash-pxc-backup.windowId" .w -}}
{{- if not (hasKey .groups $id) }}{{ $_ := set .groups $id (dict "start" (int .w.start) "len" (int .w.len) "days" .w.days "keys" list) }}{{ end -}}
{{- $grp := get .groups $id -}}
{{- $_ := set $grp "keys" (append $grp.keys .key) -}}
{{- end -}}

{{/*
The minutes of the day (0-1439, ascending) at which a cron starts on the days it runs, as JSON;
empty for "@every" (startMinutesOfDay of the constructs). Takes a cron the schedule helper has checked.
*/}}
{{- define "stash-pxc-backup.startMinutes" -}}
{{- $cron := trim (toString .) -}}
{{- $cron = get (include "stash-pxc-backup.cronMacroExpansions" . | fromJson) $cron | default $cron -}}
{{- $out := list -}}
{{- if not (hasPrefix "@" $cron) -}}
{{- $f := splitList " " (regexReplaceAll "\\s+" $cron " ") -}}
{{- $sets := list -}}
{{- range $i, $max := list 59 23 -}}
{{- $set := dict -}}
{{- range $part := splitList "," (index $f $i) -}}
{{- $slash := splitList "/" $part -}}
{{- $range := index $slash 0 -}}
{{- $step := ternary (index $slash (sub (len $slash) 1) | atoi) 1 (eq (len $slash) 2) -}}
{{- $lo := 0 -}}
{{- $hi := $max -}}
{{- if not (has $range (list "*" "?")) -}}
{{- $ends := splitList "-" $range -}}
{{- $lo = index $ends 0 | atoi -}}
{{- if eq (len $ends) 2 }}{{ $hi = index $ends 1 | atoi }}{{ else if eq (len $slash) 1 }}{{ $hi = $lo }}{{ end -}}
{{- end -}}
{{- range untilStep (int $lo) (int (add $hi 1)) (int $step) }}{{ $_ := set $set (toString .) true }}{{ end -}}
{{- end -}}
{{- $sets = append $sets $set -}}
{{- end -}}
{{- range $h := until 24 }}{{ if hasKey (index $sets 1) (toString $h) }}{{ range $m := until 60 }}{{ if hasKey (index $sets 0) (toString $m) }}{{ $out = append $out (add (mul $h 60) $m) }}{{ end }}{{ end }}{{ end }}{{ end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
A copy's default schedule after a fixed one (dict "cron" the primary's cron "gap" minutes), as
Schedule.following: daily, at the first minute after the day's first run that is at least gap
from every run; right after that run when none is; "0 0 * * *" for "@every".
*/}}
{{- define "stash-pxc-backup.followingCron" -}}
{{- $starts := include "stash-pxc-backup.startMinutes" .cron | fromJsonArray -}}
{{- $gap := int .gap -}}
{{- if not $starts -}}
0 0 * * *
{{- else -}}
{{- $first := int (index $starts 0) -}}
{{- $minute := mod (add $first $gap) 1440 -}}
{{- $n := len $starts -}}
{{- /* The free minutes lie between two runs at least 2 * gap apart; the first such pair after the first run gives the first free minute. */ -}}
{{- range $i := until $n -}}
{{- $a := int (index $starts $i) -}}
{{- $b := add $first 1440 -}}
{{- if lt (add1 $i) $n }}{{ $b = int (index $starts (add1 $i)) }}{{ end -}}
{{- if ge (sub $b $a) (mul 2 $gap) }}{{ $minute = mod (add $a $gap) 1440 }}{{ break }}{{ end -}}
{{- end -}}
{{- printf "%d %d * * *" (mod $minute 60) (div $minute 60) -}}
{{- end -}}
{{- end -}}

{{/*
Claims a repository location for a values entry, or fails when it is taken (the same location
after normalising, or one inside the other), as the constructs' repository location rule. Takes
dict "exact" (location -> entry), "below" (every ancestor location -> entry), "selves" (entry ->
location), "at" (the entry's values path), "loc" (its "stash-pxc-backup.location"), "field" (the
values path to name). Gives the location.
*/}}
{{- define "stash-pxc-backup.claimLocation" -}}
{{- $loc := .loc -}}
{{- $segs := $loc.segments -}}
{{- $self := printf "%s/%s" $loc.root (join "/" $segs) -}}
{{- $how := "" -}}
{{- $other := "" -}}
{{- if hasKey .exact $self }}{{ $how = "same" }}{{ $other = get .exact $self }}
{{- else if hasKey .below $self }}{{ $how = "contains" }}{{ $other = get .below $self }}
{{- else }}{{ range $n := until (len $segs) }}{{ $k := printf "%s/%s" $loc.root (join "/" (slice $segs 0 $n)) }}{{ if and (not $how) (hasKey $.exact $k) }}{{ $how = "inside" }}{{ $other = get $.exact $k }}{{ end }}{{ end }}{{ end -}}
{{- $fix := "put ${DATABASE_NAME} (and ${DATABASE_NAMESPACE}) in the prefix, or give one of them its own prefix or bucket" -}}
{{- if eq $how "same" -}}
{{- include "stash-pxc-backup.fail" (list .field (printf "gives %s the same repository location as %s (%s), so both would write into one restic repository" .at $other $self) $fix) -}}
{{- else if $how -}}
{{- include "stash-pxc-backup.fail" (list .field (printf "gives %s a repository location (%s) %s %s (%s), so one restic repository would lie inside the other's tree" .at $self (ternary "that contains the one of" "inside the one of" (eq $how "contains")) $other (get .selves $other)) $fix) -}}
{{- end -}}
{{- if not (hasKey .exact $self) }}{{ $_ := set .exact $self .at }}{{ end -}}
{{- $_ := set .selves .at $self -}}
{{- range $n := until (len $segs) }}{{ $k := printf "%s/%s" $loc.root (join "/" (slice $segs 0 $n)) }}{{ if not (hasKey $.below $k) }}{{ $_ := set $.below $k $.at }}{{ end }}{{ end -}}
{{- $self -}}
{{- end -}}

{{/*
The name of the CronJob Stash makes for a BackupConfiguration, "stash-trigger-<name>": past 52
characters Stash keeps the first 26 and the last 26 (triggerCronJobName of the constructs).
*/}}
{{- define "stash-pxc-backup.triggerName" -}}
{{- $out := printf "stash-trigger-%s" (replace "." "-" (toString .)) -}}
{{- if gt (len $out) 52 }}{{ $out = printf "%s%s" (substr 0 26 $out) (substr (int (sub (len $out) 26)) (len $out) $out) }}{{ end -}}
{{- trimAll "-" $out -}}
{{- end -}}

{{/*
The cron of a copy (dict "c" copy values "db" database "placed" placements "primary" the
primary's cron "path" values path of the copy's schedule): placed with the release's backups when
it has a window of its own or follows a spread window; its own cron; else daily after the
primary's runs ("stash-pxc-backup.followingCron" of the database's expectedDuration, else an hour).
*/}}
{{- define "stash-pxc-backup.copySchedule" -}}
{{- $key := printf "%s/%s#copy-%s" .db.namespace .db.name .c.name -}}
{{- if hasKey .placed $key -}}
{{- get .placed $key -}}
{{- else if hasKey .c "schedule" -}}
{{- include "stash-pxc-backup.schedule" (dict "s" .c.schedule "key" $key "path" .path) -}}
{{- else -}}
{{- include "stash-pxc-backup.followingCron" (dict "cron" .primary "gap" (include "stash-pxc-backup.gapMinutes" .db)) -}}
{{- end -}}
{{- end -}}

{{/* Minutes a database's backup is expected to run (its expectedDuration, rounded up), or the copies' default gap. */}}
{{- define "stash-pxc-backup.gapMinutes" -}}
{{- if hasKey .s "expectedDuration" -}}
{{- max 1 (div (add (include "stash-pxc-backup.seconds" .s.expectedDuration | atoi) 59) 60) -}}
{{- else -}}
{{- include "stash-pxc-backup.copyGapMinutes" . -}}
{{- end -}}
{{- end -}}

{{/*
What the constructs only warn about in the copies, for the NOTES (Helm has no other way to warn),
as JSON list of "<namespace>/<database>: <values path>: what. Fix: how." (dict "root" the root
context "databases" the "stash-pxc-backup.databases" list; values the templates have accepted):
with expectedDuration, a copy schedule that can start while the primary runs; a copy retention
that keeps fewer snapshots of some rule than the primary's.
*/}}
{{- define "stash-pxc-backup.copyWarnings" -}}
{{- $out := list -}}
{{- $placed := dict -}}
{{- if .databases }}{{ $placed = include "stash-pxc-backup.placements" .databases | fromJson }}{{ end -}}
{{- range $db := .databases -}}
{{- $s := $db.s -}}
{{- if $s.copies -}}
{{- $key := printf "%s/%s" $db.namespace $db.name -}}
{{- $primary := include "stash-pxc-backup.schedule" (dict "s" $s.schedule "key" $key "placed" (get $placed $key) "path" (printf "%s.schedule" $db.src.schedule)) -}}
{{- $primaryStarts := include "stash-pxc-backup.startMinutes" $primary | fromJsonArray -}}
{{- $primaryRetention := include "stash-pxc-backup.retention" (dict "r" $s.retentionPolicy "path" (printf "%s.retentionPolicy" $db.src.retentionPolicy)) | fromJson -}}
{{- range $j, $c := $s.copies -}}
{{- $at := printf "%s: %s.copies[%d]" $key $db.src.copies (int $j) -}}
{{- if hasKey $s "expectedDuration" -}}
{{- $d := include "stash-pxc-backup.gapMinutes" $db | atoi -}}
{{- $cron := include "stash-pxc-backup.copySchedule" (dict "c" $c "db" $db "placed" $placed "primary" $primary "path" (printf "%s.schedule" $at)) -}}
{{- $hit := "" -}}
{{- range $cs := include "stash-pxc-backup.startMinutes" $cron | fromJsonArray -}}
{{- if not $hit -}}
{{- range $ps := $primaryStarts -}}
{{- if and (not $hit) (lt (mod (add (sub (int $cs) (int $ps)) 1440) 1440) $d) }}{{ $hit = list (int $cs) (int $ps) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $hit -}}
{{- $hhmm := list -}}
{{- range $hit }}{{ $hhmm = append $hhmm (printf "%02d:%02d" (div . 60) (mod . 60)) }}{{ end -}}
{{- $better := include "stash-pxc-backup.followingCron" (dict "cron" $primary "gap" $d) -}}
{{- $out = append $out (printf "%s.schedule: %q can start at %s while the primary (started at %s, expected to run %dm) is running; Stash then holds the copy Pending until the primary ends. Fix: start the copy at least %dm after each primary start (e.g. %q), or leave schedule out to place it after the primary." $at $cron (index $hhmm 0) (index $hhmm 1) $d $d $better) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $c "retentionPolicy" -}}
{{- $less := list -}}
{{- range $r := include "stash-pxc-backup.retentionRules" $ | fromJsonArray -}}
{{- if hasKey $primaryRetention $r -}}
{{- $p := int (get $primaryRetention $r) -}}
{{- if not (and (hasKey $c.retentionPolicy $r) (ge (int (get $c.retentionPolicy $r)) $p)) -}}
{{- $less = append $less (printf "%s %s < %d" $r (ternary (toString (get $c.retentionPolicy $r)) "none" (hasKey $c.retentionPolicy $r)) $p) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $less -}}
{{- $out = append $out (printf "%s.retentionPolicy: keeps less than the primary's (%s), so the copy cannot replace it when the primary's bucket is lost. Fix: keep at least as many snapshots as the primary (%s), or leave retentionPolicy out to take the primary's." $at (join ", " $less) $primaryRetention.name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
The copy a restore, clone or drill reads with fromCopy (dict "db" the database, one of
"stash-pxc-backup.databases", "name" the copy's name "path" the fromCopy values path), as JSON
{"repo", "usagePolicy", "backend", "prefix", "path"}, or a failure naming the database's copies.
*/}}
{{- define "stash-pxc-backup.sourceCopy" -}}
{{- $found := dict -}}
{{- $names := list -}}
{{- range .db.s.copies | default list -}}
{{- $names = append $names (toString .name) -}}
{{- if and (not $found) (eq (toString .name) (toString $.name)) }}{{ $found = . }}{{ end -}}
{{- end -}}
{{- if not $found -}}
{{- $what := printf "%q is not a copy of a backup into Repository %q%s" (toString .name) (printf "%s-repo" .db.name) (ternary (printf " (its copies: %s)" (join ", " $names)) " (it has no copies)" (gt (len $names) 0)) -}}
{{- include "stash-pxc-backup.fail" (list .path $what (ternary "use one of those names, or leave fromCopy out to restore from the primary" (printf "give %s copies, or leave fromCopy out to restore from the primary" .db.src.copies) (gt (len $names) 0))) -}}
{{- end -}}
{{- $pattern := ternary $found.prefix .db.s.prefix (hasKey $found "prefix") | default "" -}}
{{- $path := printf "%s.copies[%d].backend" .db.src.copies (int (sub (len $names) 1)) -}}
{{- range $i, $n := $names }}{{ if eq $n (toString $.name) }}{{ $path = printf "%s.copies[%d].backend" $.db.src.copies (int $i) }}{{ break }}{{ end }}{{ end -}}
{{- toJson (dict "repo" ($found.repositoryName | default (printf "%s-copy-%s-repo" .db.name $found.name)) "usagePolicy" $found.usagePolicy "backend" $found.backend "prefix" ($pattern | replace "${DATABASE_NAMESPACE}" .db.namespace | replace "${DATABASE_NAME}" .db.name) "path" $path) -}}
{{- end -}}

{{/* The first 32 bits of the SHA-256 of a key, as a number (ScheduleWindow's stableHash). */}}
{{- define "stash-pxc-backup.hash32" -}}
{{- int64 (printf "0x%s" (sha256sum . | trunc 8)) -}}
{{- end -}}

{{/* Minutes after midnight of "HH:MM". */}}
{{- define "stash-pxc-backup.minutes" -}}
{{- $p := split ":" . -}}
{{- add (mul (atoi $p._0) 60) (atoi $p._1) -}}
{{- end -}}

{{/*
The cron expression of a schedule (dict "s" schedule "key" "namespace/name" "path" values path):
the cron as given (checked), or the spread window's start for this key (Schedule.spread).
*/}}
{{- define "stash-pxc-backup.schedule" -}}
{{- $s := .s | default dict -}}
{{- if hasKey $s "cron" -}}
{{- include "stash-pxc-backup.checkCron" (dict "cron" (toString $s.cron) "path" (printf "%s.cron" .path)) -}}
{{- trim (toString $s.cron) -}}
{{- else if hasKey $s "window" -}}
{{- $start := include "stash-pxc-backup.minutes" $s.window.start | atoi -}}
{{- $end := include "stash-pxc-backup.minutes" $s.window.end | atoi -}}
{{- $len := mod (add (sub $end $start) 1440) 1440 -}}
{{- if eq $len 0 -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.window" .path) "start and end are the same time" "give start and end as HH:MM with end after start (end is exclusive) and days from 0 (Sunday) to 6") -}}
{{- end -}}
{{- if .placed -}}
{{- .placed -}}
{{- else -}}
{{- $h := include "stash-pxc-backup.hash32" .key | int64 -}}
{{- $offset := add $start (mod $h $len) -}}
{{- $m := mod $offset 1440 -}}
{{- if $s.window.days -}}
{{- $days := list -}}
{{- range $s.window.days }}{{ $days = append $days (int .) }}{{ end -}}
{{- $days = $days | uniq | sortAlpha -}}
{{- $dh := include "stash-pxc-backup.hash32" (printf "%s#day" .key) | int64 -}}
{{- $day := index $days (mod $dh (len $days)) | int -}}
{{- if ge $offset 1440 }}{{ $day = mod (add $day 1) 7 }}{{ end -}}
{{- printf "%d %d * * %d" (mod $m 60) (div $m 60) $day -}}
{{- else -}}
{{- printf "%d %d * * *" (mod $m 60) (div $m 60) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- include "stash-pxc-backup.fail" (list .path "is missing" "set schedule.cron (e.g. \"0 1 * * *\") or schedule.window (e.g. { start: \"01:00\", end: \"05:00\" })") -}}
{{- end -}}
{{- end -}}

{{/*
What a schema cannot say about a cron (dict "cron" expression "path" values path), checked as
src/core/validation/cron.ts checks it: "@every" with exactly one space and a positive Go duration
within Go's range; numbers, ranges and steps out of their field's range, words that are no month
or weekday name, and a day-of-month (lists, ranges, steps) that none of the chosen months (lists,
ranges, steps, names) has: such a schedule never fires.
*/}}
{{- define "stash-pxc-backup.checkCron" -}}
{{- $fix := "write five fields \"minute hour day-of-month month day-of-week\" (for example \"*/5 * * * *\" or \"30 2 * * MON-FRI\") or a macro such as \"@daily\"" -}}
{{- $cron := trim .cron -}}
{{- /* The schema takes any string here, so that these messages (with their fix) are what Helm shows. */ -}}
{{- if eq $cron "" }}{{ include "stash-pxc-backup.fail" (list .path "is empty" $fix) }}{{ end -}}
{{- if regexMatch "^(CRON_)?TZ=" $cron }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q sets a time zone, which Kubernetes refuses in a CronJob schedule (the operator runs it in its own time zone)" $cron) $fix) }}{{ end -}}
{{- $macros := include "stash-pxc-backup.cronMacros" . | fromJsonArray -}}
{{- if and (hasPrefix "@" $cron) (not (hasPrefix "@every" $cron)) (not (has $cron $macros)) -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q is not a known macro (use one of %s or \"@every <duration>\")" $cron (join ", " $macros)) $fix) -}}
{{- end -}}
{{- $count := len (splitList " " (regexReplaceAll "\\s+" $cron " ")) -}}
{{- if and (not (hasPrefix "@" $cron)) (ne $count 5) -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q has %d fields, but a Kubernetes cron schedule has exactly 5: minute hour day-of-month month day-of-week%s" $cron $count (ternary " (a seconds field is not supported)" "" (eq $count 6))) $fix) -}}
{{- end -}}
{{- if hasPrefix "@every" $cron -}}
{{- $everyFix := "write \"@every <duration>\" with one space and a positive Go duration such as \"6h\" or \"1h30m\"" -}}
{{- if not (hasPrefix "@every " $cron) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q needs one space after \"@every\"" $cron) $everyFix) }}{{ end -}}
{{- $d := trimPrefix "@every " $cron -}}
{{- if not (regexMatch "^[+-]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$" $d) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has a duration %q that is not a Go duration such as \"30m\" or \"1h30m\"" $cron $d) $everyFix) }}{{ end -}}
{{- if or (hasPrefix "-" $d) (not (regexMatch "[1-9]" $d)) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has a duration %q that is not positive" $cron $d) $everyFix) }}{{ end -}}
{{- $unitMs := dict "ns" 0.000001 "us" 0.001 "µs" 0.001 "μs" 0.001 "ms" 1.0 "s" 1000.0 "m" 60000.0 "h" 3600000.0 -}}
{{- $ms := 0.0 -}}
{{- range $term := regexFindAll "([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)" $d -1 -}}
{{- $num := regexFind "^[0-9.]+" $term -}}
{{- $ms = addf $ms (mulf (float64 $num) (get $unitMs (trimPrefix $num $term))) -}}
{{- end -}}
{{- if gt $ms (include "stash-pxc-backup.maxGoDurationMs" . | float64) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has a duration %q longer than Go's longest duration (about 2562047h)" $cron $d) $everyFix) }}{{ end -}}
{{- else -}}
{{- $f := splitList " " (regexReplaceAll "\\s+" $cron " ") -}}
{{- if eq (len $f) 5 -}}
{{- $max := list 59 23 31 12 6 -}}
{{- $min := list 0 0 1 1 0 -}}
{{- $names := list "minute" "hour" "day-of-month" "month" "day-of-week" -}}
{{- $words := list list list list (list "jan" "feb" "mar" "apr" "may" "jun" "jul" "aug" "sep" "oct" "nov" "dec") (list "sun" "mon" "tue" "wed" "thu" "fri" "sat") -}}
{{- $domMin := 99 -}}
{{- $months := list -}}
{{- range $i, $field := $f -}}
{{- $name := index $names $i -}}
{{- range $part := splitList "," $field -}}
{{- $slash := splitList "/" $part -}}
{{- if gt (len $slash) 2 }}{{ include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: %q has more than one \"/\"" $.cron $name $part) $fix) }}{{ end -}}
{{- $step := 1 -}}
{{- if eq (len $slash) 2 -}}
{{- $s := index $slash 1 -}}
{{- $span := add (sub (index $max $i) (index $min $i)) 1 -}}
{{- if not (regexMatch "^[0-9]+$" $s) }}{{ include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: step %q in %q is not a positive number" $.cron $name $s $part) $fix) }}{{ end -}}
{{- if or (gt (len $s) 9) (eq (atoi $s) 0) (gt (atoi $s) $span) }}{{ include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: step %s in %q is out of range 1-%d" $.cron $name $s $part $span) $fix) }}{{ end -}}
{{- $step = atoi $s -}}
{{- end -}}
{{- $range := index $slash 0 -}}
{{- $start := index $min $i -}}
{{- $end := index $max $i -}}
{{- if not (has $range (list "*" "?")) -}}
{{- $ends := splitList "-" $range -}}
{{- if gt (len $ends) 2 }}{{ include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: %q has more than one \"-\"" $.cron $name $part) $fix) }}{{ end -}}
{{- $nums := list -}}
{{- range $v := $ends -}}
{{- if regexMatch "^[0-9]+$" $v -}}
{{- if or (gt (len $v) 9) (gt (atoi $v) (index $max $i)) (lt (atoi $v) (index $min $i)) -}}
{{- include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: %s is out of range %d-%d" $.cron $name $v (index $min $i) (index $max $i)) $fix) -}}
{{- end -}}
{{- $nums = append $nums (atoi $v) -}}
{{- else if not (has (lower $v) (index $words $i)) -}}
{{- include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: %q is not a number" $.cron $name $v) $fix) -}}
{{- else -}}
{{- range $k, $w := index $words $i }}{{ if eq $w (lower $v) }}{{ $nums = append $nums (add $k (index $min $i)) }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if and (eq (len $nums) 2) (gt (index $nums 0) (index $nums 1)) -}}
{{- include "stash-pxc-backup.fail" (list $.path (printf "%q %s field: range %q starts after it ends" $.cron $name $part) $fix) -}}
{{- end -}}
{{- $start = index $nums 0 -}}
{{- $end = index $nums (sub (len $nums) 1) -}}
{{- if and (eq (len $nums) 1) (eq (len $slash) 2) }}{{ $end = index $max $i }}{{ end -}}
{{- end -}}
{{- if eq $i 2 }}{{ $domMin = min $domMin $start }}{{ end -}}
{{- if eq $i 3 }}{{ $months = concat $months (untilStep (int $start) (int (add $end 1)) (int $step)) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if and (not (regexMatch "^[*?]$" (index $f 2))) (regexMatch "^[*?]$" (index $f 4)) -}}
{{- $days := list 31 29 31 30 31 30 31 31 30 31 30 31 -}}
{{- $longest := 0 -}}
{{- range $months }}{{ $longest = max $longest (index $days (sub . 1)) }}{{ end -}}
{{- if gt $domMin $longest -}}
{{- include "stash-pxc-backup.fail" (list $.path (printf "%q never fires: no chosen month has day %d" $.cron $domMin) "choose a day-of-month that the chosen months have (February has at most 29 days; April, June, September and November have 30)") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The prefix of a database's repository (dict "p" prefix "path" values path "local" bool), checked as the constructs check it. */}}
{{- define "stash-pxc-backup.checkPrefix" -}}
{{- $p := .p -}}
{{- $fix := "use a plain path such as \"demo/xtradb/sample-xtradb\"" -}}
{{- if or (ne (trim $p) $p) (contains "\\" $p) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has surrounding whitespace, control characters or a backslash" $p) $fix) }}{{ end -}}
{{- if or (has "." (splitList "/" $p)) (has ".." (splitList "/" $p)) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has a \".\" or \"..\" path segment" $p) "use a path without relative segments") }}{{ end -}}
{{- if contains "//" $p }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q has an empty path segment (\"//\")" $p) "remove the doubled slash") }}{{ end -}}
{{- if contains "$" $p }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q references variables, which Stash resolves only in a BackupBlueprint" $p) "use only ${DATABASE_NAMESPACE} and ${DATABASE_NAME}, which the chart replaces") }}{{ end -}}
{{- if and .local (hasPrefix "/" $p) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q is absolute; a subPath is relative to the volume root" $p) "remove the leading \"/\"") }}{{ end -}}
{{- end -}}

{{/*
Where a rendered backend (dict "p" provider "j" its JSON "ns" namespace) keeps its restic repository, as the
constructs compute it (src/database/storage/repository-location.ts): JSON {"root", "segments", "field"}. The path
(prefix, subPath, an NFS or hostPath path, a REST URL's path) is split into its non-empty segments, so "a",
"/a/" and "a//" are one location; an S3 endpoint without "https://", a trailing "/" or upper case; a claim per namespace.
*/}}
{{- define "stash-pxc-backup.location" -}}
{{- $j := .j -}}
{{- $p := toString .p -}}
{{- $root := "" -}}
{{- $path := list -}}
{{- $field := "prefix" -}}
{{- if eq $p "s3" }}{{ $root = printf "s3:%s/%s" ($j.endpoint | default "" | toString | trim | lower | trimPrefix "https://" | regexReplaceAll "/+$" "") $j.bucket }}{{ $path = list ($j.prefix | default "") }}
{{- else if or (eq $p "gcs") (eq $p "b2") }}{{ $root = printf "%s:%s" $p $j.bucket }}{{ $path = list ($j.prefix | default "") }}
{{- else if or (eq $p "azure") (eq $p "swift") }}{{ $root = printf "%s:%s" $p $j.container }}{{ $path = list ($j.prefix | default "") }}
{{- else if eq $p "rest" }}{{ $field = "url" }}
{{- $m := regexFind "^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*" (toString $j.url) -}}
{{- $root = printf "rest:%s" (lower $m) }}{{ $path = list (trimPrefix $m (toString $j.url)) }}
{{- else if eq $p "local" }}{{ $field = "subPath" }}
{{- if $j.persistentVolumeClaim }}{{ $root = printf "local:%s/%s" (.ns | default "") $j.persistentVolumeClaim.claimName }}{{ $path = list ($j.subPath | default "") }}
{{- else if $j.nfs }}{{ $root = printf "local:%s" $j.nfs.server }}{{ $path = list $j.nfs.path ($j.subPath | default "") }}
{{- else if $j.hostPath }}{{ $root = "local:hostPath" }}{{ $path = list $j.hostPath.path ($j.subPath | default "") }}{{ end -}}
{{- end -}}
{{- $segments := list -}}
{{- range $path }}{{ range splitList "/" (toString .) }}{{ if . }}{{ $segments = append $segments . }}{{ end }}{{ end }}{{ end -}}
{{- toJson (dict "root" $root "segments" $segments "field" $field) -}}
{{- end -}}

{{/* Whether a BackupBlueprint's location pattern (dict "pattern" location "loc" location) can expand to, contain or lie inside loc: each ${VARIABLE} stands for any text of one segment. */}}
{{- define "stash-pxc-backup.patternCollides" -}}
{{- $pr := .pattern.root -}}
{{- $rootRe := printf "^%s$" (regexQuoteMeta $pr) -}}
{{- if hasPrefix "local:/" $pr }}{{ $rootRe = printf "^local:[^/]*/%s$" (regexQuoteMeta (trimPrefix "local:/" $pr)) }}{{ end -}}
{{- $hit := regexMatch $rootRe .loc.root -}}
{{- $ps := .pattern.segments -}}
{{- $cs := .loc.segments -}}
{{- range $i := until (min (len $ps) (len $cs) | int) -}}
{{- $seg := index $ps $i -}}
{{- $quoted := list -}}
{{- range regexSplit "\\$\\{[^}]*\\}" $seg -1 }}{{ $quoted = append $quoted (regexQuoteMeta .) }}{{ end -}}
{{- if not (regexMatch (printf "^%s$" (join "[^/]+" $quoted)) (index $cs $i)) }}{{ $hit = false }}{{ end -}}
{{- end -}}
{{- if $hit }}true{{ end -}}
{{- end -}}

{{/* Kibibytes of a quantity such as "10Gi". */}}
{{- define "stash-pxc-backup.kibibytes" -}}
{{- $q := toString . -}}
{{- $unit := regexFind "(Ki|Mi|Gi|Ti)$" $q -}}
{{- mul (trimSuffix $unit $q | atoi) (get (dict "Ki" 1 "Mi" 1024 "Gi" 1048576 "Ti" 1073741824) $unit) -}}
{{- end -}}

{{/* A Go duration ("90m") in the form the constructs write ("1h30m"). */}}
{{- define "stash-pxc-backup.duration" -}}
{{- $d := toString . -}}
{{- $h := regexFind "[0-9]+h" $d | trimSuffix "h" | default "0" | atoi -}}
{{- $m := regexFind "[0-9]+m" $d | trimSuffix "m" | default "0" | atoi -}}
{{- $s := regexFind "[0-9]+s" $d | trimSuffix "s" | default "0" | atoi -}}
{{- $t := add (mul $h 3600) (mul $m 60) $s -}}
{{- $out := "" -}}
{{- if ge $t 3600 }}{{ $out = printf "%dh" (div $t 3600) }}{{ end -}}
{{- if gt (mod (div $t 60) 60) 0 }}{{ $out = printf "%s%dm" $out (mod (div $t 60) 60) }}{{ end -}}
{{- if gt (mod $t 60) 0 }}{{ $out = printf "%s%ds" $out (mod $t 60) }}{{ end -}}
{{- $out | default "0s" -}}
{{- end -}}

{{/* Seconds of a Go duration. */}}
{{- define "stash-pxc-backup.seconds" -}}
{{- $d := toString . -}}
{{- add (mul (regexFind "[0-9]+h" $d | trimSuffix "h" | default "0" | atoi) 3600) (mul (regexFind "[0-9]+m" $d | trimSuffix "m" | default "0" | atoi) 60) (regexFind "[0-9]+s" $d | trimSuffix "s" | default "0" | atoi) -}}
{{- end -}}

{{/* A timeout (dict "d" duration "path" path "what" "backup"), at least a minute. */}}
{{- define "stash-pxc-backup.timeout" -}}
{{- if lt (include "stash-pxc-backup.seconds" .d | atoi) 60 -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%s is shorter than a %s Job takes to start" (include "stash-pxc-backup.duration" .d) .what) "give at least Duration.minutes(1), usually hours") -}}
{{- end -}}
{{- include "stash-pxc-backup.duration" .d -}}
{{- end -}}

{{/* A binary quantity ("1024Mi") in the largest exact unit ("1Gi"), as the constructs write it. */}}
{{- define "stash-pxc-backup.quantity" -}}
{{- $q := toString . -}}
{{- $units := dict "Ki" 1 "Mi" 1024 "Gi" 1048576 "Ti" 1073741824 -}}
{{- $unit := regexFind "(Ki|Mi|Gi|Ti)$" $q -}}
{{- $ki := mul (trimSuffix $unit $q | atoi) (get $units $unit) -}}
{{- $out := "" -}}
{{- range (list "Ti" "Gi" "Mi" "Ki") -}}
{{- if and (not $out) (gt $ki 0) (eq (mod $ki (get $units .)) 0) }}{{ $out = printf "%d%s" (div $ki (get $units .)) . }}{{ end -}}
{{- end -}}
{{- $out -}}
{{- end -}}

{{/* The retentionPolicy object (dict "r" values "path" path) as JSON. */}}
{{- define "stash-pxc-backup.retention" -}}
{{- $r := .r | default dict -}}
{{- $out := dict -}}
{{- $parts := list -}}
{{- range include "stash-pxc-backup.retentionRules" . | fromJsonArray -}}
{{- if hasKey $r . -}}
{{- $_ := set $out . (int (get $r .)) -}}
{{- $parts = append $parts (printf "%s-%d" (trimPrefix "keep" . | lower) (int (get $r .))) -}}
{{- end -}}
{{- end -}}
{{- if $r.keepTags }}{{ $parts = append $parts "tags" }}{{ $_ := set $out "keepTags" $r.keepTags }}{{ end -}}
{{- if not $parts -}}
{{- include "stash-pxc-backup.fail" (list .path "has no keep rule, so restic would refuse to forget and the backup would fail" "add at least one rule, e.g. { keepLast: 5 }") -}}
{{- end -}}
{{- $_ := set $out "name" (default (printf "keep-%s" (join "-" $parts)) $r.name) -}}
{{- $_ = set $out "prune" (ternary $r.prune true (hasKey $r "prune")) -}}
{{- if hasKey $r "dryRun" }}{{ $_ = set $out "dryRun" $r.dryRun }}{{ end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
What resourceProblems (src/core/validation/pod-settings.ts) says beyond the schema's patterns
(dict "r" runtimeSettings values "path" their values path): a variable in both env and secretEnv,
a CPU amount under 1m, which the API server rounds up, and a request larger than its limit,
which Kubernetes refuses.
*/}}
{{- define "stash-pxc-backup.checkResources" -}}
{{- $container := (.r | default dict).container | default dict -}}
{{- range $name, $_ := $container.env | default dict -}}
{{- if hasKey ($container.secretEnv | default dict) $name -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.container.env" $.path) (printf "%q is set both in env and in secretEnv" $name) "keep one of them") -}}
{{- end -}}
{{- end -}}
{{- $res := ((.r | default dict).container | default dict).resources | default dict -}}
{{- $requests := $res.requests | default dict -}}
{{- $limits := $res.limits | default dict -}}
{{- $at := printf "%s.container.resources" .path -}}
{{- $m := dict -}}
{{- range $which, $amounts := dict "request" $requests "limit" $limits -}}
{{- if hasKey $amounts "cpu" -}}
{{- $cpu := toString $amounts.cpu -}}
{{- $v := ternary (float64 (trimSuffix "m" $cpu)) (mulf (float64 $cpu) 1000) (hasSuffix "m" $cpu) -}}
{{- if and (gt $v 0.0) (lt $v 1.0) }}{{ include "stash-pxc-backup.fail" (list (printf "%s.cpu.%s" $at $which) (printf "%q is less than 1m, which the API server rounds up" $cpu) "use at least 1m") }}{{ end -}}
{{- if gt $v 9007199254740992.0 }}{{ include "stash-pxc-backup.fail" (list (printf "%s.cpu.%s" $at $which) (printf "%q is more CPU than a quantity holds" $cpu) "use a realistic amount, e.g. 4") }}{{ end -}}
{{- $_ := set $m $which $v -}}
{{- end -}}
{{- end -}}
{{- if and (hasKey $m "request") (hasKey $m "limit") (gt $m.request $m.limit) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.cpu" $at) (printf "request %s is larger than limit %s, which Kubernetes refuses" (toString $requests.cpu) (toString $limits.cpu)) "lower the request or raise the limit") -}}
{{- end -}}
{{- range $which, $amounts := dict "request" $requests "limit" $limits -}}
{{- if hasKey $amounts "memory" -}}
{{- $q := toString $amounts.memory -}}
{{- $unit := regexFind "(Ki|Mi|Gi|Ti)$" $q -}}
{{- $ki := mulf (float64 (trimSuffix $unit $q)) (get (dict "Ki" 1.0 "Mi" 1024.0 "Gi" 1048576.0 "Ti" 1073741824.0) $unit) -}}
{{- if le $ki 0.0 }}{{ include "stash-pxc-backup.fail" (list (printf "%s.memory.%s" $at $which) (printf "%q is not a positive size" $q) "give a positive size, e.g. 512Mi") }}{{ end -}}
{{- if gt (mulf $ki 1024.0) 9223372036854775807.0 }}{{ include "stash-pxc-backup.fail" (list (printf "%s.memory.%s" $at $which) (printf "%q is more bytes than a Kubernetes quantity holds" $q) "give a realistic size, e.g. 10Ti") }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if and (hasKey $requests "memory") (hasKey $limits "memory") -}}
{{- if gt (include "stash-pxc-backup.kibibytes" $requests.memory | atoi) (include "stash-pxc-backup.kibibytes" $limits.memory | atoi) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.memory" $at) "request is larger than limit, which Kubernetes refuses" "lower the request or raise the limit") -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The runtimeSettings of a Job as JSON: the values' (runtimeSettingsOf) with the library's Pod
Security defaults for the Job's kind under them, unless defaultSecurityContext is false. Takes
dict "r" (the values), "path" (their values path), "kind" (backup, restore, cluster-restore),
"defaults" (the switch).
*/}}
{{- define "stash-pxc-backup.runtimeSettings" -}}
{{- include "stash-pxc-backup.checkResources" (dict "r" .r "path" .path) -}}
{{- $out := include "stash-pxc-backup.runtimeSettingsOf" .r | fromJson -}}
{{- if ne (toString .defaults) "false" -}}
{{- $d := get (include "stash-pxc-backup.jobSecurityDefaults" . | fromJson) .kind -}}
{{- range $part := list "container" "pod" -}}
{{- $p := get $out $part | default dict -}}
{{- $sc := get $p "securityContext" | default dict -}}
{{- range $k, $v := get $d $part }}{{ if not (hasKey $sc $k) }}{{ $_ := set $sc $k $v }}{{ end }}{{ end -}}
{{- $_ := set $p "securityContext" $sc -}}
{{- $_ := set $out $part $p -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* The runtimeSettings object (values) as JSON, "{}" when empty. */}}
{{- define "stash-pxc-backup.runtimeSettingsOf" -}}
{{- $r := . | default dict -}}
{{- $out := dict -}}
{{- with $r.container -}}
{{- $c := dict -}}
{{- with .resources -}}
{{- $res := dict -}}
{{- range $kind := list "limits" "requests" -}}
{{- with get $.container.resources $kind -}}
{{- $k := dict -}}
{{- if hasKey . "cpu" }}{{ $_ := set $k "cpu" (toString .cpu) }}{{ end -}}
{{- if hasKey . "memory" }}{{ $_ := set $k "memory" (include "stash-pxc-backup.quantity" .memory) }}{{ end -}}
{{- if $k }}{{ $_ := set $res $kind $k }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if $res }}{{ $_ := set $c "resources" $res }}{{ end -}}
{{- end -}}
{{- if hasKey . "nice" }}{{ $_ := set $c "nice" (dict "adjustment" (int .nice)) }}{{ end -}}
{{- with .ionice }}{{ $i := dict "class" (int .class) }}{{ if hasKey . "classData" }}{{ $_ := set $i "classData" (int .classData) }}{{ end }}{{ $_ := set $c "ionice" $i }}{{ end -}}
{{- with .securityContext }}{{ $_ := set $c "securityContext" . }}{{ end -}}
{{- $env := list -}}
{{- range $name, $value := .env | default dict }}{{ $env = append $env (dict "name" $name "value" $value) }}{{ end -}}
{{- range $name, $ref := .secretEnv | default dict }}{{ $env = append $env (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $ref.secretName "key" $ref.key))) }}{{ end -}}
{{- if $env }}{{ $_ := set $c "env" $env }}{{ end -}}
{{- if $c }}{{ $_ := set $out "container" $c }}{{ end -}}
{{- end -}}
{{- with $r.pod -}}
{{- $p := dict -}}
{{- range $k := list "nodeSelector" "tolerations" "affinity" "priorityClassName" "serviceAccountName" "securityContext" -}}
{{- if hasKey $r.pod $k }}{{ $_ := set $p $k (get $r.pod $k) }}{{ end -}}
{{- end -}}
{{- with .imagePullSecrets -}}
{{- $s := list -}}
{{- range . }}{{ $s = append $s (dict "name" .) }}{{ end -}}
{{- $_ := set $p "imagePullSecrets" $s -}}
{{- end -}}
{{- if $p }}{{ $_ := set $out "pod" $p }}{{ end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* A hook (values, as Stash writes it, with HTTP headers as a map) as JSON. */}}
{{- define "stash-pxc-backup.hook" -}}
{{- $out := dict -}}
{{- range $k := list "exec" "httpGet" "httpPost" "tcpSocket" "containerName" "executionPolicy" -}}
{{- if hasKey $ $k }}{{ $_ := set $out $k (get $ $k | deepCopy) }}{{ end -}}
{{- end -}}
{{- range $k := list "httpGet" "httpPost" -}}
{{- with get $out $k -}}
{{- $headers := list -}}
{{- range $name, $value := .headers | default dict }}{{ $headers = append $headers (dict "name" $name "value" $value) }}{{ end -}}
{{- $_ := unset . "headers" -}}
{{- if $headers }}{{ $_ := set . "httpHeaders" $headers }}{{ end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* The tempDir (dict "t" values "path" values path) as JSON, "{}" when empty; sizeLimit at least 1Mi. */}}
{{- define "stash-pxc-backup.tempDir" -}}
{{- $t := .t | default dict -}}
{{- $out := dict -}}
{{- if $t.medium }}{{ $_ := set $out "medium" $t.medium }}{{ end -}}
{{- if hasKey $t "sizeLimit" -}}
{{- if lt (include "stash-pxc-backup.kibibytes" $t.sizeLimit | atoi) 1024 -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.sizeLimit" .path) (printf "%q is too small" (toString $t.sizeLimit)) "give at least 1Mi, typically 1Gi, for restic's scratch files") -}}
{{- end -}}
{{- $_ := set $out "sizeLimit" (include "stash-pxc-backup.quantity" $t.sizeLimit) -}}
{{- end -}}
{{- if hasKey $t "disableCaching" }}{{ $_ := set $out "disableCaching" $t.disableCaching }}{{ end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
The usagePolicy of a Repository (values: one of sameNamespace, allNamespaces, namespaces,
namespacesWithLabels, as the UsagePolicy factories) as JSON.
*/}}
{{- define "stash-pxc-backup.usagePolicy" -}}
{{- $u := . | default dict -}}
{{- if $u.allNamespaces -}}
{{- toJson (dict "allowedNamespaces" (dict "from" "All")) -}}
{{- else if $u.namespaces -}}
{{- toJson (dict "allowedNamespaces" (dict "from" "Selector" "selector" (dict "matchExpressions" (list (dict "key" "kubernetes.io/metadata.name" "operator" "In" "values" $u.namespaces))))) -}}
{{- else if $u.namespacesWithLabels -}}
{{- toJson (dict "allowedNamespaces" (dict "from" "Selector" "selector" (dict "matchLabels" $u.namespacesWithLabels))) -}}
{{- else -}}
{{- toJson (dict "allowedNamespaces" (dict "from" "Same")) -}}
{{- end -}}
{{- end -}}

{{/*
What urlProblems (src/core/validation/storage-names.ts) says of an endpoint or REST URL (dict "u"
value "path" values path "what" "S3 endpoint" "scheme" true when a scheme is required): a URL the
WHATWG parser takes (a host without spaces or reserved characters, a numeric port up to 65535),
with the scheme http or https and no user or password in it.
*/}}
{{- define "stash-pxc-backup.checkUrl" -}}
{{- $u := trim (toString .u) -}}
{{- $hasScheme := regexMatch "^[a-zA-Z][a-zA-Z0-9+.-]*://" $u -}}
{{- $full := ternary $u (printf "https://%s" $u) (or $hasScheme .scheme) -}}
{{- $invalidFix := ternary "use a URL such as \"https://host:8000/\"" "use a host such as \"s3.amazonaws.com\" or a URL such as \"https://minio.storage.svc:9000\"" (eq (toString .scheme) "true") -}}
{{- if not (regexMatch "^[a-zA-Z][a-zA-Z0-9+.-]*://" $full) }}{{ include "stash-pxc-backup.fail" (list .path (printf "%q is not a valid %s" .u .what) $invalidFix) }}{{ end -}}
{{- $scheme := regexFind "^[a-zA-Z][a-zA-Z0-9+.-]*" $full | lower -}}
{{- $authority := regexReplaceAll "[/?#].*$" (regexReplaceAll "^[a-zA-Z][a-zA-Z0-9+.-]*://" $full "") "" -}}
{{- $userinfo := "" -}}
{{- $hostport := $authority -}}
{{- if contains "@" $authority -}}
{{- $at := splitList "@" $authority -}}
{{- $hostport = last $at -}}
{{- $userinfo = trimSuffix (printf "@%s" $hostport) $authority -}}
{{- end -}}
{{- if has $scheme (list "http" "https") -}}
{{- $host := regexReplaceAll ":[^:\\]]*$" $hostport "" -}}
{{- $port := trimPrefix ":" (trimPrefix $host $hostport) -}}
{{- $badHost := ternary (not (regexMatch "^\\[[0-9a-fA-F:.]+\\]$" $host)) (regexMatch "[\\s#%/:<>?@\\[\\\\\\]^|]" $host) (hasPrefix "[" $host) -}}
{{- if or (eq $host "") $badHost (not (regexMatch "^[0-9]*$" $port)) (gt (len $port) 5) (gt (atoi $port) 65535) -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q is not a valid %s" .u .what) $invalidFix) -}}
{{- end -}}
{{- else -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q uses the scheme %q; %s must be http or https" .u $scheme .what) "use an http:// or https:// URL") -}}
{{- end -}}
{{- if and $userinfo (ne $userinfo ":") -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "%q embeds credentials" .u) "remove them from the URL; put them in the storage Secret instead") -}}
{{- end -}}
{{- end -}}

{{/*
What the storage-name rules (src/core/validation/storage-names.ts) say beyond the schema's
patterns (dict "b" backend values "path" values path of the backend "ns" and "name" of the
database, which a REST URL may hold).
*/}}
{{- define "stash-pxc-backup.checkStorageNames" -}}
{{- $b := .b | default dict -}}
{{- $p := get $b (toString $b.provider) | default dict -}}
{{- $name := toString ($p.bucket | default $p.container | default "") -}}
{{- $exact := "use the exact name of an existing bucket" -}}
{{- if eq $b.provider "s3" -}}
{{- if or (contains ".." $name) (contains ".-" $name) (contains "-." $name) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.s3.bucket" .path) (printf "%q has adjacent \".\" and \".\" or \"-\", which S3 refuses" $name) $exact) -}}
{{- else if regexMatch "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$" $name -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.s3.bucket" .path) (printf "%q looks like an IP address, which S3 refuses as a bucket name" $name) "use the bucket name, and put the server address in endpoint") -}}
{{- end -}}
{{- include "stash-pxc-backup.checkUrl" (dict "u" ($p.endpoint | default "s3.amazonaws.com") "path" (printf "%s.s3.endpoint" .path) "what" "S3 endpoint" "scheme" false) -}}
{{- else if eq $b.provider "gcs" -}}
{{- if and (not (contains "." $name)) (gt (len $name) 63) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.gcs.bucket" .path) (printf "%q is %d characters long; GCS bucket names are 3 to 63 characters" $name (len $name)) "use a GCS bucket name of 3 to 63 characters") -}}
{{- end -}}
{{- range (splitList "." $name) }}{{ if gt (len .) 63 }}{{ include "stash-pxc-backup.fail" (list (printf "%s.gcs.bucket" $.path) (printf "%q has a dot-separated part longer than 63 characters" $name) $exact) }}{{ end }}{{ end -}}
{{- if or (hasPrefix "goog" $name) (contains "google" $name) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.gcs.bucket" .path) (printf "%q starts with \"goog\" or contains \"google\", which GCS refuses" $name) $exact) -}}
{{- end -}}
{{- else if eq $b.provider "azure" -}}
{{- if contains "--" $name }}{{ include "stash-pxc-backup.fail" (list (printf "%s.azure.container" .path) (printf "%q has consecutive \"-\", which Azure refuses" $name) "use the exact name of an existing container") }}{{ end -}}
{{- else if eq $b.provider "b2" -}}
{{- if hasPrefix "b2-" (lower $name) }}{{ include "stash-pxc-backup.fail" (list (printf "%s.b2.bucket" .path) (printf "%q starts with \"b2-\", which Backblaze reserves" $name) $exact) }}{{ end -}}
{{- else if eq $b.provider "swift" -}}
{{- if contains "/" $name }}{{ include "stash-pxc-backup.fail" (list (printf "%s.swift.container" .path) (printf "%q contains \"/\", which Swift refuses in a container name" $name) "put the directory part in prefix instead") }}{{ end -}}
{{- else if eq $b.provider "rest" -}}
{{- include "stash-pxc-backup.checkUrl" (dict "u" (toString $p.url | replace "${DATABASE_NAMESPACE}" ($.ns | default "") | replace "${DATABASE_NAME}" ($.name | default "")) "path" (printf "%s.rest.url" .path) "what" "REST server URL" "scheme" true) -}}
{{- end -}}
{{- end -}}

{{/*
The backend object (dict "b" backend "prefix" expanded prefix "path" values path "ns" namespace
"name" database) as JSON, without storageSecretName.
*/}}
{{- define "stash-pxc-backup.backend" -}}
{{- $b := .b | default dict -}}
{{- include "stash-pxc-backup.checkStorageNames" (dict "b" $b "path" .path "ns" .ns "name" .name) -}}
{{- $p := get $b ($b.provider | default "none") | default dict -}}
{{- $out := dict -}}
{{- $prefix := .prefix -}}
{{- if eq $b.provider "s3" -}}
{{- if and $p.insecureTls $p.customCaCertificate -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.s3.insecureTls" .path) "is set together with customCaCertificate, so the CA is never checked" "keep only customCaCertificate") -}}
{{- end -}}
{{- $out = dict "bucket" $p.bucket "endpoint" ($p.endpoint | default "s3.amazonaws.com") -}}
{{- if $p.region }}{{ $_ := set $out "region" $p.region }}{{ end -}}
{{- if $prefix }}{{ $_ := set $out "prefix" $prefix }}{{ end -}}
{{- if hasKey $p "insecureTls" }}{{ $_ := set $out "insecureTLS" $p.insecureTls }}{{ end -}}
{{- else if has $b.provider (list "gcs" "b2") -}}
{{- $out = dict "bucket" $p.bucket -}}
{{- if $prefix }}{{ $_ := set $out "prefix" $prefix }}{{ end -}}
{{- if hasKey $p "maxConnections" }}{{ $_ := set $out "maxConnections" (int $p.maxConnections) }}{{ end -}}
{{- else if eq $b.provider "azure" -}}
{{- $out = dict "container" $p.container -}}
{{- if $prefix }}{{ $_ := set $out "prefix" $prefix }}{{ end -}}
{{- if hasKey $p "maxConnections" }}{{ $_ := set $out "maxConnections" (int $p.maxConnections) }}{{ end -}}
{{- else if eq $b.provider "swift" -}}
{{- $out = dict "container" $p.container -}}
{{- if $prefix }}{{ $_ := set $out "prefix" $prefix }}{{ end -}}
{{- else if eq $b.provider "rest" -}}
{{- $out = dict "url" ($p.url | replace "${DATABASE_NAMESPACE}" (.ns | default "") | replace "${DATABASE_NAME}" (.name | default "")) -}}
{{- else if eq $b.provider "local" -}}
{{- if $p.persistentVolumeClaim }}{{ $_ := set $out "persistentVolumeClaim" $p.persistentVolumeClaim }}
{{- else if $p.nfs }}{{ $_ := set $out "nfs" $p.nfs }}
{{- else if $p.hostPath }}{{ $_ := set $out "hostPath" (dict "path" $p.hostPath.path "type" ($p.hostPath.type | default "DirectoryOrCreate")) }}
{{- else }}{{ include "stash-pxc-backup.fail" (list (printf "%s.local" .path) "names no volume" "give one of persistentVolumeClaim, nfs or hostPath") }}{{ end -}}
{{- $mount := $p.mountPath | default "/safe/data" -}}
{{- if or (eq $mount "/") (hasPrefix "/tmp" $mount) (hasPrefix "/etc/repository" $mount) -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.local.mountPath" .path) (printf "%q collides with a directory the backup Job uses" $mount) "use a dedicated path such as \"/safe/data\"") -}}
{{- end -}}
{{- $_ := set $out "mountPath" $mount -}}
{{- if $prefix }}{{ $_ := set $out "subPath" $prefix }}{{ end -}}
{{- else -}}
{{- include "stash-pxc-backup.fail" (list (printf "%s.provider" .path) (ternary (printf "%q is not a backend" (toString $b.provider)) "is missing" (hasKey $b "provider")) "set it to one of s3, gcs, azure, swift, b2, rest, local, with its settings under backend.<provider>") -}}
{{- end -}}
{{- toJson (dict $b.provider $out) -}}
{{- end -}}

{{/* The secret keys a backend (values) needs, as JSON list. */}}
{{- define "stash-pxc-backup.secretKeys" -}}
{{- $t := include "stash-pxc-backup.secretKeyTable" . | fromJson -}}
{{- $p := get . (.provider | default "none") | default dict -}}
{{- $keys := list -}}
{{- if eq .provider "swift" }}{{ $keys = get $t.swift ($p.auth | default $t.swiftDefaultAuth) }}{{ else }}{{ $keys = get $t.base .provider | default list }}{{ end -}}
{{- if and (eq .provider "rest") $p.basicAuth }}{{ $keys = concat $keys $t.restBasicAuth }}{{ end -}}
{{- if and (has .provider (list "s3" "rest")) $p.customCaCertificate }}{{ $keys = append $keys $t.customCaCertificate }}{{ end -}}
{{- toJson $keys -}}
{{- end -}}

{{/*
The enabled databases with the defaults applied, as JSON: name, namespace, index, s (settings:
each top-level key of the entry replaces the default's), src (key -> "databases[i]" or "defaults").
*/}}
{{- define "stash-pxc-backup.databases" -}}
{{- $out := list -}}
{{- range $i, $entry := .Values.databases -}}
{{- if not (and (hasKey $entry "enabled") (eq (toString $entry.enabled) "false")) -}}
{{- $s := deepCopy ($.Values.defaults | default dict) -}}
{{- range $k, $v := $entry }}{{ $_ := set $s $k $v }}{{ end -}}
{{- $src := dict -}}
{{- range $k := concat (list "name" "namespace") (include "stash-pxc-backup.settingKeys" $ | fromJsonArray) -}}
{{- $_ := set $src $k (ternary (printf "databases[%d]" $i) "defaults" (hasKey $entry $k)) -}}
{{- end -}}
{{- $out = append $out (dict "index" $i "name" $entry.name "namespace" ($entry.namespace | default $.Release.Namespace) "s" $s "src" $src) -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* The expanded prefix of a database. */}}
{{- define "stash-pxc-backup.prefix" -}}
{{- (.s.prefix | default "") | replace "${DATABASE_NAMESPACE}" .namespace | replace "${DATABASE_NAME}" .name -}}
{{- end -}}

{{/*
Why the pod the operator builds for a Job would fail a Pod Security level, as JSON list (empty
when it meets it), as podSecurityViolations (src/database/jobs/job-security.ts) judges it. Takes
dict "rs" (the Job's runtimeSettings, defaults merged), "kind" (backup, restore,
cluster-restore), "level" (baseline or restricted) and "minor" (the minor Kubernetes version of
the rules, from the namespace's enforce-version; a check older versions lack is skipped).
*/}}
{{- define "stash-pxc-backup.podSecurityViolations" -}}
{{- $facts := include "stash-pxc-backup.podSecurityFacts" . | fromJson -}}
{{- $rs := .rs | default dict -}}
{{- $c := dig "container" "securityContext" dict $rs -}}
{{- $userPod := dig "pod" "securityContext" nil $rs -}}
{{- $pod := dict -}}
{{- if eq .kind "backup" -}}
{{- $pod = ternary $userPod $facts.operatorPodDefaults.backup (hasKey ($rs.pod | default dict) "securityContext") -}}
{{- else -}}
{{- $pod = deepCopy $facts.operatorPodDefaults.restore -}}
{{- range $field := $facts.restorePodFields -}}
{{- if hasKey ($userPod | default dict) $field }}{{ $_ := set $pod $field (get $userPod $field) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $pod = $pod | default dict -}}
{{- $out := list -}}
{{- if eq (toString $c.privileged) "true" }}{{ $out = append $out "privileged" }}{{ end -}}
{{- $added := list -}}
{{- range (dig "capabilities" "add" list $c) }}{{ $added = append $added (trimPrefix "CAP_" (toString .)) }}{{ end -}}
{{- $beyondBaseline := list -}}
{{- range $added }}{{ if not (has . $facts.baselineCapabilities) }}{{ $beyondBaseline = append $beyondBaseline . }}{{ end }}{{ end -}}
{{- if $beyondBaseline }}{{ $out = append $out (printf "adds capabilities %s" (join ", " $beyondBaseline)) }}{{ end -}}
{{- if ge (int .minor) 19 -}}
{{- range $where, $sc := dict "pod" $pod "container" $c -}}
{{- if eq (toString (dig "seccompProfile" "type" "" $sc)) "Unconfined" }}{{ $out = append $out (printf "%s seccompProfile is Unconfined" $where) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if eq .level "restricted" -}}
{{- $nonRoot := ternary $c.runAsNonRoot $pod.runAsNonRoot (hasKey $c "runAsNonRoot") -}}
{{- if ne (toString $nonRoot) "true" }}{{ $out = append $out "runAsNonRoot is not true" }}{{ end -}}
{{- $user := ternary $c.runAsUser $pod.runAsUser (hasKey $c "runAsUser") -}}
{{- if and (ge (int .minor) 23) (eq (toString $user) "0") }}{{ $out = append $out "runs as user 0" }}{{ end -}}
{{- if ne (toString $c.allowPrivilegeEscalation) "false" }}{{ $out = append $out "allowPrivilegeEscalation is not false" }}{{ end -}}
{{- if ge (int .minor) 22 -}}
{{- if not (has "ALL" (dig "capabilities" "drop" list $c)) }}{{ $out = append $out "capabilities do not drop ALL" }}{{ end -}}
{{- $beyondRestricted := without $added "NET_BIND_SERVICE" -}}
{{- if $beyondRestricted }}{{ $out = append $out (printf "adds capabilities %s" (join ", " $beyondRestricted)) }}{{ end -}}
{{- end -}}
{{- if ge (int .minor) 19 -}}
{{- $seccomp := ternary (dig "seccompProfile" "type" "" $c) (dig "seccompProfile" "type" "" $pod) (hasKey ($c.seccompProfile | default dict) "type") -}}
{{- if not (has (toString $seccomp) (list "RuntimeDefault" "Localhost")) }}{{ $out = append $out "no RuntimeDefault or Localhost seccompProfile" }}{{ end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
Refuses a Job that its namespace's Pod Security admission would refuse, worded as the constructs'
check of a Namespace in the app. Takes dict "namespace" (the Namespace as lookup returns it:
empty under helm template, lint or a client dry run, or when it does not exist yet, and then
nothing is checked), "ns" (its name), "path" (the values path of the runtimeSettings), "kind"
(backup, restore, cluster-restore) and "rs" (the runtimeSettings, defaults merged). The
enforce-version label picks the rules of that Kubernetes version ("latest" when absent).
*/}}
{{- define "stash-pxc-backup.checkPodSecurity" -}}
{{- $facts := include "stash-pxc-backup.podSecurityFacts" . | fromJson -}}
{{- $labels := dig "metadata" "labels" dict (.namespace | default dict) -}}
{{- $level := toString (get $labels $facts.enforceLabel) -}}
{{- if has $level (list "baseline" "restricted") -}}
{{- $version := toString (get $labels (printf "%s-version" $facts.enforceLabel)) -}}
{{- $minor := 999 -}}
{{- if regexMatch "^v1\\.[0-9]+$" $version }}{{ $minor = trimPrefix "v1." $version | atoi }}{{ end -}}
{{- $violations := include "stash-pxc-backup.podSecurityViolations" (dict "rs" .rs "kind" .kind "level" $level "minor" $minor) | fromJsonArray -}}
{{- if $violations -}}
{{- $what := get (dict "backup" "backup" "restore" "restore" "cluster-restore" "cluster restore") .kind -}}
{{- $fix := "keep defaultSecurityContext on (the default) and do not override its fields in runtimeSettings, or lower the namespace's level" -}}
{{- if eq .kind "cluster-restore" -}}
{{- $fix = "a cluster restore runs the addon's restore script as root: restore in a namespace that enforces \"baseline\" at most (label it pod-security.kubernetes.io/enforce=baseline for the restore), then move to \"restricted\"" -}}
{{- end -}}
{{- include "stash-pxc-backup.fail" (list .path (printf "the %s Job's pod would be refused in namespace %q, which enforces Pod Security %q (%s)" $what .ns $level (join "; " $violations)) $fix) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The environment every step of a drill shares (dict "name" drill "db" database "job" with the Job's name and UID). */}}
{{- define "stash-pxc-backup.drillEnv" -}}
- { name: DRILL_NAME, value: {{ .name }} }
- { name: DRILL_NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
- { name: DATABASE_NAME, value: {{ .db }} }
- { name: DRILL_STATE_DIR, value: /drill/state }
{{- if .job }}
- { name: DRILL_JOB_NAME, valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } } }
- { name: DRILL_JOB_UID, valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } }
{{- end }}
{{- end -}}

{{/* The mounts of the drill's script-running steps. */}}
{{- define "stash-pxc-backup.drillMounts" -}}
- { name: state, mountPath: /drill/state }
- { name: tmp, mountPath: /tmp }
- { name: scripts, mountPath: /drill/scripts, readOnly: true }
- { name: config, mountPath: /drill/config, readOnly: true }
{{- end -}}

{{/*
The values one field of a valid five-field cron selects, as JSON {"<value>": true} (dict "f" field
text "min" "max" "words" names in order, from min). As src/core/validation/cron.ts parses it:
"*" and "?" are the whole field, "N/step" runs to the field's end.
*/}}
{{- define "stash-pxc-backup.cronValues" -}}
{{- $out := dict -}}
{{- range $part := splitList "," .f -}}
{{- $slash := splitList "/" $part -}}
{{- $dash := splitList "-" (index $slash 0) -}}
{{- $star := has (index $dash 0) (list "*" "?") -}}
{{- $nums := list -}}
{{- if not $star -}}
{{- range $v := $dash -}}
{{- if regexMatch "^[0-9]+$" $v }}{{ $nums = append $nums (atoi $v) }}{{ else }}{{ range $k, $w := $.words }}{{ if eq $w (lower $v) }}{{ $nums = append $nums (add $k $.min) }}{{ end }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $start := int $.min -}}
{{- $end := int $.max -}}
{{- if $nums }}{{ $start = first $nums | int }}{{ $end = last $nums | int }}{{ end -}}
{{- $step := 1 -}}
{{- if eq (len $slash) 2 -}}
{{- $step = index $slash 1 | atoi -}}
{{- if and (not $star) (eq (len $dash) 1) }}{{ $end = int $.max }}{{ end -}}
{{- end -}}
{{- range untilStep $start (int (add $end 1)) (int $step) }}{{ $_ := set $out (toString .) true }}{{ end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
The minutes of the week (from Sunday 00:00) at which a valid cron may fire, ascending, as JSON;
null for "@every" (weeklyFireMinutes of the drill construct). A day-of-month restriction can
land on any weekday, so only a pure day-of-week one narrows the days.
*/}}
{{- define "stash-pxc-backup.weekMinutes" -}}
{{- $cron := trim . -}}
{{- $macros := include "stash-pxc-backup.cronMacroExpansions" . | fromJson -}}
{{- if hasKey $macros $cron }}{{ $cron = get $macros $cron }}{{ end -}}
{{- if hasPrefix "@" $cron -}}
null
{{- else -}}
{{- $f := splitList " " (regexReplaceAll "\\s+" $cron " ") -}}
{{- $minutes := include "stash-pxc-backup.cronValues" (dict "f" (index $f 0) "min" 0 "max" 59 "words" list) | fromJson -}}
{{- $hours := include "stash-pxc-backup.cronValues" (dict "f" (index $f 1) "min" 0 "max" 23 "words" list) | fromJson -}}
{{- $dows := include "stash-pxc-backup.cronValues" (dict "f" (index $f 4) "min" 0 "max" 6 "words" (list "sun" "mon" "tue" "wed" "thu" "fri" "sat")) | fromJson -}}
{{- $unrestricted := dict -}}
{{- range $i := list 2 4 -}}
{{- $any := false -}}
{{- range (splitList "," (index $f $i)) }}{{ if regexMatch "^[*?](/0*1)?$" . }}{{ $any = true }}{{ end }}{{ end -}}
{{- $_ := set $unrestricted (toString $i) $any -}}
{{- end -}}
{{- $byWeekday := and (get $unrestricted "2") (not (get $unrestricted "4")) -}}
{{- $out := list -}}
{{- range $d := until 7 -}}
{{- if or (not $byWeekday) (hasKey $dows (toString $d)) -}}
{{- range $h := until 24 -}}
{{- if hasKey $hours (toString $h) -}}
{{- range $m := until 60 }}{{ if hasKey $minutes (toString $m) }}{{ $out = append $out (add (mul $d 1440) (mul $h 60) $m) }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
{{- end -}}

{{/*
The first drill start (as "Sat 10:05") inside a backup's window, [start, start + busy minutes),
or "" (dict "backup" cron "drill" cron "busy" minutes), as firstClash of the drill construct.
Backups that leave no free minute in the week have no window to stay out of.
*/}}
{{- define "stash-pxc-backup.drillClash" -}}
{{- $week := 10080 -}}
{{- $backups := include "stash-pxc-backup.weekMinutes" .backup | fromJsonArray -}}
{{- $drills := include "stash-pxc-backup.weekMinutes" .drill | fromJsonArray -}}
{{- $busy := min (int .busy) $week -}}
{{- if and $backups $drills -}}
{{- /* Covered when no gap between consecutive starts (around the week) is longer than busy. */ -}}
{{- $covered := le (sub (add (index $backups 0) $week) (last $backups)) $busy -}}
{{- range $i, $b := rest $backups }}{{ if gt (sub $b (index $backups $i)) $busy }}{{ $covered = false }}{{ end }}{{ end -}}
{{- if not $covered -}}
{{- /* One pass over both lists merged in time order (a backup before a drill of the same minute): the last backup start before each drill. */ -}}
{{- $merged := list -}}
{{- range $backups }}{{ $merged = append $merged (printf "%05d b" (int .)) }}{{ end -}}
{{- range $drills }}{{ $merged = append $merged (printf "%05d d" (int .)) }}{{ end -}}
{{- $previous := sub (last $backups) $week -}}
{{- $hit := -1 -}}
{{- range $e := $merged | sortAlpha -}}
{{- $t := splitList " " $e -}}
{{- $m := index $t 0 | atoi -}}
{{- if eq (index $t 1) "b" }}{{ $previous = $m }}{{ else if and (lt $hit 0) (lt (sub $m $previous) $busy) }}{{ $hit = $m }}{{ end -}}
{{- end -}}
{{- if ge $hit 0 -}}
{{- $hm := mod $hit 1440 -}}
{{- printf "%s %02d:%02d" (index (list "Sun" "Mon" "Tue" "Wed" "Thu" "Fri" "Sat") (div $hit 1440)) (div $hm 60) (mod $hm 60) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
