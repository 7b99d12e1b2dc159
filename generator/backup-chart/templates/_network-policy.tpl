{{/*
The NetworkPolicy that confines the Jobs of one BackupConfiguration or RestoreSession, as
BackupNetworkPolicy builds it: no ingress but a Galera backup's SST stream; egress to the cluster
DNS, the API server, the operator pod (license endpoint and Pushgateway), the database, the object
store. Input: root ($), name, ns, invoker, restore (bool), database ("" for none), galera (bool),
provider and backend (the rendered Repository backend, empty for a Repository named by hand);
optionally dbLabels and dbPort (a drill's restore Job reaches its throwaway server, not KubeDB's pods)
and labels (more labels of the policy).
*/}}
{{- define "stash-pxc-backup.jobsNetworkPolicy" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- $f := include "stash-pxc-backup.jobNetworkFacts" . | fromJson -}}
{{- if not $np.apiServerCidrs -}}
{{- include "stash-pxc-backup.fail" (list "networkPolicy.apiServerCidrs" "is empty, so the Jobs could not reach the API server and would fail" "list the API server endpoint addresses, e.g. [\"10.0.0.10/32\"] from `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`") -}}
{{- end -}}
{{- range $field := list "apiServerCidrs" "objectStoreCidrs" -}}
{{- range $cidr := (get $np $field | default list) -}}
{{- if not (include "stash-pxc-backup.isCidr" (toString $cidr)) -}}
{{- include "stash-pxc-backup.fail" (list (printf "networkPolicy.%s" $field) (printf "%q is not a CIDR" (toString $cidr)) "use an address with its prefix length, e.g. \"10.0.0.10/32\"") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $tcp := dict "protocol" "TCP" -}}
{{- $dnsLabels := $np.dnsPodLabels | default $f.dnsPodLabels -}}
{{- $operatorLabels := $np.operatorPodLabels | default (dict "app.kubernetes.io/name" $f.installChartName "app.kubernetes.io/instance" (toString $np.operatorRelease)) -}}
{{- $egress := list -}}
{{- $egress = append $egress (dict
  "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.dnsNamespace)) "podSelector" (dict "matchLabels" $dnsLabels)))
  "ports" (list (dict "protocol" "UDP" "port" 53) (dict "protocol" "TCP" "port" 53))) -}}
{{- $api := list -}}
{{- range $np.apiServerCidrs }}{{ $api = append $api (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- $apiPorts := list -}}
{{- range $np.apiServerPorts }}{{ $apiPorts = append $apiPorts (dict "protocol" "TCP" "port" (int .)) }}{{ end -}}
{{- $egress = append $egress (dict "to" $api "ports" $apiPorts) -}}
{{- /* Stash's update-status step pushes to the operator's --pushgateway-url: with another Pushgateway, the operator's pod is only the license endpoint. */ -}}
{{- $pushgateway := include "stash-pxc-backup.pushgatewayPeerRule" .root | fromJson -}}
{{- $operatorPorts := list -}}
{{- range $f.operatorPorts }}{{ $operatorPorts = append $operatorPorts (dict "protocol" "TCP" "port" (int .)) }}{{ end -}}
{{- if $pushgateway }}{{ $operatorPorts = list (dict "protocol" "TCP" "port" (int $f.operatorSecurePort)) }}{{ end -}}
{{- $egress = append $egress (dict
  "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.operatorNamespace)) "podSelector" (dict "matchLabels" $operatorLabels)))
  "ports" $operatorPorts) -}}
{{- if $pushgateway }}{{ $egress = append $egress $pushgateway }}{{ end -}}
{{- $ingress := list -}}
{{- if .database -}}
{{- $dbPeer := dict "podSelector" (dict "matchLabels" (.dbLabels | default (dict "app.kubernetes.io/name" $f.kubedbPodName "app.kubernetes.io/instance" .database))) -}}
{{- $dbPorts := list (dict "protocol" "TCP" "port" (int (.dbPort | default $f.databasePort))) -}}
{{- if .galera }}{{ $dbPorts = append $dbPorts (dict "protocol" "TCP" "port" (int $f.galeraPort)) }}{{ end -}}
{{- $egress = append $egress (dict "to" (list $dbPeer) "ports" $dbPorts) -}}
{{- if .galera }}{{ $ingress = append $ingress (dict "from" (list $dbPeer) "ports" (list (dict "protocol" "TCP" "port" (int $f.sstPort)))) }}{{ end -}}
{{- end -}}
{{- $store := include "stash-pxc-backup.objectStorePeer" (dict "provider" .provider "backend" .backend "cidrs" $np.objectStoreCidrs "port" $np.objectStorePort) | fromJson -}}
{{- if hasKey $store "port" -}}
{{- $rule := dict "ports" (list (dict "protocol" "TCP" "port" (int $store.port))) -}}
{{- if hasKey $store "to" }}{{ $_ := set $rule "to" $store.to }}{{ end -}}
{{- $egress = append $egress $rule -}}
{{- end -}}
{{- $selector := merge (dict "app.kubernetes.io/component" (ternary $f.components.restore $f.components.backup .restore) $f.invokerLabel .invoker) $f.managedBy -}}
{{- $spec := dict "podSelector" (dict "matchLabels" $selector) "policyTypes" (list "Ingress" "Egress") "ingress" $ingress "egress" $egress }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ .ns }}
  labels:
    {{- include "stash-pxc-backup.labels" .root | nindent 4 }}
    {{- with .labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- toYaml $spec | nindent 2 }}
{{- end -}}

{{/* Whether a string is an IPv4 or IPv6 CIDR (as BackupNetworkPolicy checks it): "true" or "". */}}
{{- define "stash-pxc-backup.isCidr" -}}
{{- if regexMatch "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,3}$" . -}}
{{- $n := regexSplit "[./]" . -1 -}}
{{- if and (le (atoi (index $n 0)) 255) (le (atoi (index $n 1)) 255) (le (atoi (index $n 2)) 255) (le (atoi (index $n 3)) 255) (le (atoi (index $n 4)) 32) }}true{{ end -}}
{{- else if regexMatch "^[0-9a-fA-F:]*:[0-9a-fA-F:]*/[0-9]{1,3}$" . -}}
{{- if le (atoi (regexFind "[0-9]+$" .)) 128 }}true{{ end -}}
{{- end -}}
{{- end -}}

{{/*
Where the object store is, as a NetworkPolicy can say it (JSON: "to" and "port"; {} for a local
backend): the given CIDRs, else the endpoint's IP, else the namespace of an in-cluster *.svc
endpoint, else any address (a DNS name outside the cluster has no fixed addresses); the given
port, else the endpoint's, else 443 (80 for http).
*/}}
{{- define "stash-pxc-backup.objectStorePeer" -}}
{{- $cidrs := .cidrs | default list -}}
{{- if and (eq (toString .provider) "local") (not $cidrs) -}}
{{- toJson dict -}}
{{- else -}}
{{- $j := get (.backend | default dict) (toString .provider) | default dict -}}
{{- $raw := "" -}}
{{- if eq (toString .provider) "s3" }}{{ $raw = $j.endpoint | default "" }}{{ else if eq (toString .provider) "rest" }}{{ $raw = $j.url | default "" }}{{ end -}}
{{- $host := "" -}}
{{- $port := 443 -}}
{{- if $raw -}}
{{- $u := urlParse (ternary $raw (printf "https://%s" $raw) (regexMatch "^[a-zA-Z]+://" $raw)) -}}
{{- $host = lower $u.hostname -}}
{{- $p := regexFind ":[0-9]+$" $u.host -}}
{{- if $p }}{{ $port = trimPrefix ":" $p | atoi }}{{ else if eq (lower $u.scheme) "http" }}{{ $port = 80 }}{{ end -}}
{{- end -}}
{{- if .port }}{{ $port = int .port }}{{ end -}}
{{- $out := dict "port" $port -}}
{{- if $cidrs -}}
{{- $to := list -}}
{{- range $cidrs }}{{ $to = append $to (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- $_ := set $out "to" $to -}}
{{- else if regexMatch "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$" $host -}}
{{- $_ := set $out "to" (list (dict "ipBlock" (dict "cidr" (printf "%s/32" $host)))) -}}
{{- else if contains ":" $host -}}
{{- $_ := set $out "to" (list (dict "ipBlock" (dict "cidr" (printf "%s/128" $host)))) -}}
{{- else if regexMatch "^[a-z0-9-]+\\.[a-z0-9-]+\\.svc(\\.cluster\\.local)?$" $host -}}
{{- $_ := set $out "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" (index (splitList "." $host) 1))))) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
{{- end -}}

{{/*
The NetworkPolicy of a drill's own pod, as PerconaXtraDbRestoreDrill builds it: a standalone
drill's throwaway server admits only the drill's restore Job (jobsSelector) on 3306, a Galera
drill's pods admit nothing; egress to the cluster DNS, the API server and the Pushgateway.
The Pushgateway is the operator's pod when the drill's url is a Service in the operator's namespace
on 56789, else networkPolicy.pushgatewayPeer (required then: a push no rule admits is dropped).
Input: root ($), name, ns, galera (bool), jobsSelector (the restore Job pods' labels), url.
*/}}
{{- define "stash-pxc-backup.drillNetworkPolicy" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- $f := include "stash-pxc-backup.jobNetworkFacts" .root | fromJson -}}
{{- $dnsLabels := $np.dnsPodLabels | default $f.dnsPodLabels -}}
{{- $operatorLabels := $np.operatorPodLabels | default (dict "app.kubernetes.io/name" $f.installChartName "app.kubernetes.io/instance" (toString $np.operatorRelease)) -}}
{{- $api := list -}}
{{- range $np.apiServerCidrs }}{{ $api = append $api (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- $apiPorts := list -}}
{{- range $np.apiServerPorts }}{{ $apiPorts = append $apiPorts (dict "protocol" "TCP" "port" (int .)) }}{{ end -}}
{{- $egress := list
  (dict "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.dnsNamespace)) "podSelector" (dict "matchLabels" $dnsLabels)))
    "ports" (list (dict "protocol" "UDP" "port" 53) (dict "protocol" "TCP" "port" 53)))
  (dict "to" $api "ports" $apiPorts)
  (dict "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.operatorNamespace)) "podSelector" (dict "matchLabels" $operatorLabels)))
    "ports" (list (dict "protocol" "TCP" "port" (int $f.pushgatewayPort)))) -}}
{{- $m := regexFindAll "^https?://[a-z0-9-]+\\.[a-z0-9-]+\\.svc(\\.cluster\\.local)?:[0-9]+(/.*)?$" .url 1 -}}
{{- $toOperator := false -}}
{{- if $m -}}
{{- $host := regexReplaceAll "^https?://([^/]+).*$" .url "${1}" -}}
{{- $toOperator = and (eq (index (splitList "." $host) 1) (toString $np.operatorNamespace)) (eq (regexFind "[0-9]+$" $host) (toString $f.pushgatewayPort)) -}}
{{- end -}}
{{- if not $toOperator -}}
{{- $pushgateway := include "stash-pxc-backup.pushgatewayPeerRule" .root | fromJson -}}
{{- if not $pushgateway -}}
{{- include "stash-pxc-backup.fail" (list "networkPolicy.pushgatewayPeer" (printf "is not set, and the drill %s pushes to %q, which is not the Stash operator's Pushgateway (a Service in the operator's namespace on port %d), so the drill pod's policy would drop every push" .name .url (int $f.pushgatewayPort)) "give networkPolicy.pushgatewayPeer: the namespace and podLabels (or cidrs) of the Pushgateway behind that URL, and their port") -}}
{{- end -}}
{{- $egress = append (slice $egress 0 2) $pushgateway -}}
{{- end -}}
{{- $ingress := list -}}
{{- if not .galera -}}
{{- $ingress = list (dict "from" (list (dict "podSelector" (dict "matchLabels" .jobsSelector))) "ports" (list (dict "protocol" "TCP" "port" (int $f.databasePort)))) -}}
{{- end -}}
{{- $spec := dict "podSelector" (dict "matchLabels" (dict "stash-pxc/drill-server" .name)) "policyTypes" (list "Ingress" "Egress") "ingress" $ingress "egress" $egress }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ .ns }}
  labels:
    {{- include "stash-pxc-backup.labels" .root | nindent 4 }}
    stash-pxc/drill: {{ .name }}
spec:
  {{- toYaml $spec | nindent 2 }}
{{- end -}}


{{/*
The egress rule to networkPolicy.pushgatewayPeer, a Pushgateway that is not the operator's (JSON;
{} when none is given): its pods (namespace and labels) and addresses, on its pods' port (9091).
*/}}
{{- define "stash-pxc-backup.pushgatewayPeerRule" -}}
{{- $peer := .Values.networkPolicy.pushgatewayPeer | default dict -}}
{{- if not $peer -}}
{{- toJson dict -}}
{{- else -}}
{{- $f := include "stash-pxc-backup.jobNetworkFacts" . | fromJson -}}
{{- $to := list -}}
{{- if $peer.podLabels -}}
{{- $p := dict "podSelector" (dict "matchLabels" $peer.podLabels) -}}
{{- with $peer.namespace }}{{ $_ := set $p "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" .)) }}{{ end -}}
{{- $to = append $to $p -}}
{{- end -}}
{{- range $cidr := $peer.cidrs | default list -}}
{{- if not (include "stash-pxc-backup.isCidr" (toString $cidr)) -}}
{{- include "stash-pxc-backup.fail" (list "networkPolicy.pushgatewayPeer.cidrs" (printf "%q is not a CIDR" (toString $cidr)) "use an address with its prefix length, e.g. \"10.0.0.10/32\"") -}}
{{- end -}}
{{- $to = append $to (dict "ipBlock" (dict "cidr" $cidr)) -}}
{{- end -}}
{{- if not $to -}}
{{- include "stash-pxc-backup.fail" (list "networkPolicy.pushgatewayPeer" "selects no Pushgateway (no podLabels, no cidrs), so every push would be dropped" "give podLabels (and namespace) of the Pushgateway's pods, e.g. { \"app.kubernetes.io/name\": \"prometheus-pushgateway\" }, or its cidrs") -}}
{{- end -}}
{{- toJson (dict "to" $to "ports" (list (dict "protocol" "TCP" "port" (int ($peer.port | default $f.externalPushgatewayPort))))) -}}
{{- end -}}
{{- end -}}
