import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Backend, BackendProvider } from '../storage/backend';
import { StashObject } from '../../core/stash-object';
import { INSTALL_NAMESPACE, INSTALL_OPERATOR_POD_LABELS, OPERATOR_SECURE_PORT, PUSHGATEWAY_PORT } from '../../api/stash/operator';
import { OperatorEndpoint, operatorEndpointsOf } from '../../core/operator-endpoint';
import { labelProblems } from '../../core/validation/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { integerProblems, problem } from '../../core/validation/problems';

/** Label Stash sets on the pods of the Jobs it runs. */
export const STASH_MANAGED_BY = { 'app.kubernetes.io/managed-by': 'stash.appscode.com' };
/** `app.kubernetes.io/component` of backup Job pods. */
export const STASH_BACKUP_COMPONENT = 'stash-backup';
/** `app.kubernetes.io/component` of restore Job pods. */
export const STASH_RESTORE_COMPONENT = 'stash-restore';
/**
 * Label stash-pxc puts on a BackupConfiguration or RestoreSession with a network policy: Stash
 * copies the invoker's labels to its Jobs' pods, which the policy selects by it.
 */
export const INVOKER_LABEL = 'stash-pxc/invoker';

/**
 * The MySQL port of the database's pods.
 * @internal
 */
export const MYSQL_PORT = 3306;
/** The Galera group communication port garbd connects to on the members. */
export const GALERA_PORT = 4567;
/** The State Snapshot Transfer port the backup Job listens on for the donor's xtrabackup stream. */
export const SST_PORT = 4444;

/**
 * The cluster DNS pods' namespace and labels when none are given (CoreDNS keeps kube-dns's label).
 * @internal
 */
export const DEFAULT_DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } } as const;

/**
 * `app.kubernetes.io/name` of the pods KubeDB runs a Percona XtraDB in (the instance is the database).
 * @internal
 */
export const KUBEDB_POD_NAME = 'perconaxtradbs.kubedb.com';

/** The port a Pushgateway's pods listen on unless told otherwise (its `--web.listen-address` default). */
export const EXTERNAL_PUSHGATEWAY_PORT = 9091;

/**
 * A Pushgateway that is not the Stash operator's sidecar, as a NetworkPolicy can admit it: its
 * pods (namespace and labels) or its addresses, and its pods' port.
 */
export interface PushgatewayPeer {
  /**
   * Namespace of the Pushgateway's pods.
   * @default - the namespace of the policy
   */
  readonly namespace?: string;
  /**
   * Labels that select the Pushgateway's pods (a NetworkPolicy selects pods, not Services).
   * @default - none: give cidrs
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Addresses of the Pushgateway, as CIDRs, when it runs outside the cluster.
   * @default - none: give podLabels
   */
  readonly cidrs?: string[];
  /**
   * Port of the Pushgateway's pods: a NetworkPolicy sees the pod's port behind a Service, not
   * the Service's port in the URL.
   * @default 9091
   */
  readonly port?: number;
}

/** Which traffic the backup and restore Jobs of a database may have, besides the object store's own address. */
export interface JobNetworkPolicyOptions {
  /**
   * Addresses of the API server's endpoints, as CIDRs (`kubectl get endpointslices -n default -l
   * kubernetes.io/service-name=kubernetes`): NetworkPolicies see the endpoint behind the
   * `kubernetes` Service, not its ClusterIP, and cannot select the control plane by label.
   */
  readonly apiServerCidrs: string[];
  /**
   * Ports of the API server's endpoints.
   * @default [443, 6443]
   */
  readonly apiServerPorts?: number[];
  /**
   * Labels of the database's pods (a NetworkPolicy selects pods, not Services).
   * @default - KubeDB's: `app.kubernetes.io/name: perconaxtradbs.kubedb.com`, `app.kubernetes.io/instance: <database>`
   */
  readonly databasePodLabels?: { [key: string]: string };
  /**
   * The MySQL port of the database's pods (the Service's target port).
   * @default 3306
   */
  readonly databasePort?: number;
  /**
   * The database is a Galera cluster backed up through garbd: the Job also reaches the members
   * on the group communication port (4567) and accepts the donor's SST stream on 4444.
   * @default false
   */
  readonly galera?: boolean;
  /**
   * Namespace of the Stash operator, whose pod serves the license endpoint (pod port 8443, behind
   * port 443 of its Service) and runs the Pushgateway.
   * @default - the namespace of the app's `StashOperator`, else `stash` (`dist/install.yaml`, and
   * the README's `helm install stash charts/stash-pxc --namespace stash`)
   */
  readonly operatorNamespace?: string;
  /**
   * Labels that select the Stash operator's pod.
   * @default - the selector labels of the app's `StashOperator`, else those of `dist/install.yaml`
   * and of `charts/stash-pxc` as release `stash`: `app.kubernetes.io/name: stash-pxc`,
   * `app.kubernetes.io/instance: stash` (another release name: its name as the instance)
   */
  readonly operatorPodLabels?: { [key: string]: string };
  /**
   * Port of the Pushgateway on that pod.
   * @default 56789
   */
  readonly pushgatewayPort?: number;
  /**
   * The Pushgateway to admit when it is not the operator's sidecar: the install's
   * `Pushgateway.external(url)` (Stash's Jobs push to the URL the operator was given with
   * `--pushgateway-url`), or a drill's `pushgatewayUrl` elsewhere. Given, the Jobs reach it
   * instead of the operator's Pushgateway port. A push that no rule admits is a synth error,
   * never a silently missing metric.
   * @default - the Pushgateway is the operator's sidecar
   */
  readonly pushgatewayPeer?: PushgatewayPeer;
  /**
   * Addresses of the object store, as CIDRs, when known (an on-premises MinIO, a VPC endpoint).
   * @default - from the backend: its IP, or the namespace of an in-cluster `*.svc` endpoint; any
   * address for a DNS name (cloud endpoints have no fixed IPs)
   */
  readonly objectStoreCidrs?: string[];
  /**
   * Port of the object store (for an in-cluster store, the pods' port behind its Service).
   * @default - the endpoint's port, else 443 (80 for http)
   */
  readonly objectStorePort?: number;
  /**
   * Namespace of the cluster DNS.
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;
  /**
   * Labels of the cluster DNS pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS keeps that label)
   */
  readonly dnsPodLabels?: { [key: string]: string };
}

/** Props of `BackupNetworkPolicy`. */
export interface BackupNetworkPolicyProps extends JobNetworkPolicyOptions {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /**
   * Namespace of the NetworkPolicy: the namespace of the Jobs.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Extra labels of the NetworkPolicy (a backup or restore gives its own).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /** Name of the BackupConfiguration or RestoreSession whose Jobs it confines (the `stash-pxc/invoker` label). */
  readonly invoker: string;
  /** Backup Jobs (`stash-backup`) or restore Jobs (`stash-restore`). */
  readonly restore: boolean;
  /**
   * Name of the database (for the default pod labels); none for a cluster restore, which does
   * not talk to a database.
   * @default - no database rule
   */
  readonly database?: string;
  /**
   * Namespace of the database's pods.
   * @default - the policy's namespace
   */
  readonly databaseNamespace?: string;
  /**
   * The backend of the Repository, for the object store rule.
   * @default - the object store on port 443 at any address
   */
  readonly backend?: Backend;
}

/** Where the object store is, as far as a NetworkPolicy can say. */
interface ObjectStorePeer {
  readonly to?: k8s.NetworkPolicyPeer[];
  readonly port?: number;
}

/**
 * A NetworkPolicy that confines the backup or restore Jobs of one BackupConfiguration or
 * RestoreSession: no ingress (but the SST stream of a Galera backup), and egress only to the
 * cluster DNS, the API server, the operator's pod (its license endpoint, which the addon calls
 * first in every Job, and the Pushgateway), the database, and the object store. The operator's
 * pod is found as the app's `StashOperator` places and labels it, else as `dist/install.yaml`
 * and the install chart (release `stash`) do; a NetworkPolicy sees the pod port behind a
 * Service, so the license rule is on 8443, not the Service's 443. The Jobs' pods are selected by the labels Stash puts on them
 * (`app.kubernetes.io/managed-by: stash.appscode.com`, `app.kubernetes.io/component`) and the
 * invoker's `stash-pxc/invoker` label, which Stash copies to them.
 *
 * Usually made by `networkPolicy` of `PerconaXtraDbBackup`, `PerconaXtraDbRestore` or
 * `PerconaXtraDbBackupPlan`. A NetworkPolicy only works where the CNI enforces them.
 */
export class BackupNetworkPolicy extends StashObject {
  /** The labels that select the confined pods. */
  public readonly podSelector: { [key: string]: string };
  /** The NetworkPolicy object. */
  public readonly apiObject: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: BackupNetworkPolicyProps) {
    super(scope, id, { kind: 'NetworkPolicy', name: props.name, nameRule: NameRule.DNS_SUBDOMAIN, options: { namespace: props.namespace, labels: props.labels } });
    const namespace = this.namespace;
    this.podSelector = {
      ...STASH_MANAGED_BY,
      'app.kubernetes.io/component': props.restore ? STASH_RESTORE_COMPONENT : STASH_BACKUP_COMPONENT,
      [INVOKER_LABEL]: props.invoker,
    };
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const inNamespace = (ns: string | undefined, labels: { [key: string]: string }): k8s.NetworkPolicyPeer => ({
      ...(ns !== undefined && ns !== namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } } : {}),
      podSelector: { matchLabels: { ...labels } },
    });

    const dbLabels = props.databasePodLabels ?? (props.database !== undefined
      ? { 'app.kubernetes.io/name': KUBEDB_POD_NAME, 'app.kubernetes.io/instance': props.database } : undefined);
    const dbPeer = dbLabels && inNamespace(props.databaseNamespace ?? namespace, dbLabels);
    const store = objectStorePeer(props.backend, props.objectStoreCidrs, props.objectStorePort);
    const pushgateway = isObject(props.pushgatewayPeer) ? props.pushgatewayPeer : undefined;

    const egress: k8s.NetworkPolicyEgressRule[] = [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.dnsNamespace ?? DEFAULT_DNS.namespace } }, podSelector: { matchLabels: { ...(props.dnsPodLabels ?? DEFAULT_DNS.podLabels) } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
      },
      { to: props.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: (props.apiServerPorts ?? [443, 6443]).map(tcp) },
      {
        // Lazy: the app's StashOperator may be made after this policy. With another Pushgateway,
        // the operator's pod is only the license endpoint.
        to: Lazy.any({ produce: () => [operatorPeer(props, operatorEndpointsOf(this))] }) as any,
        ports: [tcp(OPERATOR_SECURE_PORT), ...(pushgateway ? [] : [tcp(props.pushgatewayPort ?? PUSHGATEWAY_PORT)])],
      },
      // Stash's update-status step pushes to the operator's --pushgateway-url.
      ...(pushgateway ? [{ to: pushgatewayPeers(pushgateway), ports: [tcp(pushgatewayPeerPort(pushgateway))] }] : []),
      ...(dbPeer ? [{ to: [dbPeer], ports: [tcp(props.databasePort ?? MYSQL_PORT), ...(props.galera ? [tcp(GALERA_PORT)] : [])] }] : []),
      ...(store.port !== undefined ? [{ ...(store.to ? { to: store.to } : {}), ports: [tcp(store.port)] }] : []),
    ];
    const ingress: k8s.NetworkPolicyIngressRule[] = props.galera && dbPeer ? [{ from: [dbPeer], ports: [tcp(SST_PORT)] }] : [];

    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: this.metadata(),
      spec: {
        podSelector: { matchLabels: { ...this.podSelector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress,
        egress,
      },
    });

    this.node.addValidation({
      validate: () => {
        const out = [
          ...nameProblems('operatorNamespace', props.operatorNamespace, NameRule.DNS_LABEL),
          ...nameProblems('dnsNamespace', props.dnsNamespace, NameRule.DNS_LABEL),
          ...integerProblems('databasePort', props.databasePort, 1, 65535),
          ...integerProblems('pushgatewayPort', props.pushgatewayPort, 1, 65535),
          ...integerProblems('objectStorePort', props.objectStorePort, 1, 65535),
          ...(props.apiServerPorts ?? []).flatMap((p) => integerProblems('apiServerPorts', p, 1, 65535)),
        ];
        if (props.apiServerCidrs.length === 0) {
          out.push(problem('apiServerCidrs', 'is empty, so the Jobs could not reach the API server and would fail', 'list the API server endpoint addresses, e.g. ["10.0.0.10/32"] from `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`'));
        }
        for (const [field, cidrs] of [['apiServerCidrs', props.apiServerCidrs], ['objectStoreCidrs', props.objectStoreCidrs ?? []]] as const) {
          for (const cidr of cidrs) {
            if (!isCidr(cidr)) out.push(problem(field, `"${cidr}" is not a CIDR`, 'use an address with its prefix length, e.g. "10.0.0.10/32"'));
          }
        }
        out.push(...operatorProblems(props, operatorEndpointsOf(this)));
        out.push(...pushgatewayPeerProblems('pushgatewayPeer', props.pushgatewayPeer));
        const external = operatorEndpointsOf(this).length === 1 ? operatorEndpointsOf(this)[0] : undefined;
        if (external?.externalPushgatewayUrl !== undefined && props.pushgatewayPeer === undefined) {
          out.push(problem('pushgatewayPeer', `is not set, and the app's StashOperator (${external.path}) uses the external Pushgateway ${JSON.stringify(external.externalPushgatewayUrl)}, to which Stash's Jobs push (the operator's --pushgateway-url), so this policy would drop every push of its Jobs`,
            'give pushgatewayPeer: the namespace and podLabels (or cidrs) of that Pushgateway\'s pods, and their port'));
        }
        if (props.galera && !dbPeer) {
          out.push(problem('galera', 'is set without a database', 'give the database, or databasePodLabels'));
        }
        return out;
      },
    });
  }
}

/**
 * The operator's pod: the props', else the app's one StashOperator's, else our install's.
 * @internal
 */
export function operatorPeer(props: JobNetworkPolicyOptions, operators: readonly OperatorEndpoint[]): k8s.NetworkPolicyPeer {
  const derived = operators.length === 1 ? operators[0] : undefined;
  const namespace = props.operatorNamespace ?? derived?.namespace ?? INSTALL_NAMESPACE;
  const labels = props.operatorPodLabels ?? derived?.selectorLabels ?? INSTALL_OPERATOR_POD_LABELS;
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { ...labels } },
  };
}

/**
 * The peers of a Pushgateway that is not the operator's: its pods, its addresses.
 * @internal
 */
export function pushgatewayPeers(peer: PushgatewayPeer): k8s.NetworkPolicyPeer[] {
  const labels = isObject(peer.podLabels) && Object.keys(peer.podLabels).length > 0 ? peer.podLabels : undefined;
  return [
    ...(labels ? [{
      ...(peer.namespace !== undefined ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } } : {}),
      podSelector: { matchLabels: { ...labels } },
    }] : []),
    ...(Array.isArray(peer.cidrs) ? peer.cidrs.map((cidr) => ({ ipBlock: { cidr } })) : []),
  ];
}

/**
 * The port of a Pushgateway that is not the operator's.
 * @internal
 */
export function pushgatewayPeerPort(peer: PushgatewayPeer): number {
  return peer.port ?? EXTERNAL_PUSHGATEWAY_PORT;
}

/**
 * Whether pods that push to `url` reach the operator's own Pushgateway: a Service in the
 * operator's namespace (`<service>.<namespace>.svc`) on the sidecar's port, 56789. An operator
 * made with `Pushgateway.external()` has no sidecar.
 * @internal
 */
export function isOperatorPushgatewayUrl(url: string, props: JobNetworkPolicyOptions, operators: readonly OperatorEndpoint[]): boolean {
  const own = operators.length === 1 ? operators[0] : undefined;
  if (own?.externalPushgatewayUrl !== undefined) return false;
  const namespace = props.operatorNamespace ?? own?.namespace ?? INSTALL_NAMESPACE;
  const m = /^https?:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?:(\d+)(\/.*)?$/.exec(url);
  return m !== null && m[2] === namespace && Number(m[4]) === PUSHGATEWAY_PORT;
}

/**
 * Problems of a `PushgatewayPeer` at `field`.
 * @internal
 */
export function pushgatewayPeerProblems(field: string, peer: PushgatewayPeer | undefined): string[] {
  if (peer === undefined) return [];
  if (!isObject(peer)) return [problem(field, 'is not an object', 'give { namespace, podLabels } or { cidrs }, and port')];
  const out = [
    ...nameProblems(`${field}.namespace`, peer.namespace, NameRule.DNS_LABEL),
    ...labelProblems(`${field}.podLabels`, peer.podLabels),
    ...integerProblems(`${field}.port`, peer.port, 1, 65535),
  ];
  for (const cidr of Array.isArray(peer.cidrs) ? peer.cidrs : []) {
    if (!isCidr(cidr)) out.push(problem(`${field}.cidrs`, `"${cidr}" is not a CIDR`, 'use an address with its prefix length, e.g. "10.0.0.10/32"'));
  }
  if (pushgatewayPeers(peer).length === 0) {
    out.push(problem(field, 'selects no Pushgateway (no podLabels, no cidrs), so every push would be dropped',
      'give podLabels (and namespace) of the Pushgateway\'s pods, e.g. { "app.kubernetes.io/name": "prometheus-pushgateway" }, or its cidrs'));
  }
  return out;
}

const isObject = (v: unknown): v is { [key: string]: any } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of the operator peer: its labels, and a peer that misses the app's own operator. */
function operatorProblems(props: JobNetworkPolicyOptions, operators: readonly OperatorEndpoint[]): string[] {
  const out = labelProblems('operatorPodLabels', props.operatorPodLabels);
  const labels = props.operatorPodLabels;
  if (labels && typeof labels === 'object' && Object.keys(labels).length === 0) {
    out.push(problem('operatorPodLabels', 'is empty, so the rule would admit every pod of the operator\'s namespace',
      `give the labels that select the operator's pod, e.g. ${JSON.stringify(INSTALL_OPERATOR_POD_LABELS)}`));
  }
  if (operators.length > 1 && (props.operatorNamespace === undefined || labels === undefined)) {
    out.push(problem(props.operatorNamespace === undefined ? 'operatorNamespace' : 'operatorPodLabels',
      `is not set and the app holds ${operators.length} StashOperators (${operators.map((o) => o.path).join(', ')}), so which one the Jobs call is unknown`,
      'set operatorNamespace and operatorPodLabels to the operator of the cluster the Jobs run in'));
  }
  const own = operators.length === 1 ? operators[0] : undefined;
  if (own && props.operatorNamespace !== undefined && props.operatorNamespace !== own.namespace) {
    out.push(problem('operatorNamespace', `"${props.operatorNamespace}" is not the namespace of the app's StashOperator (${own.path}, in "${own.namespace}"), so the Jobs could not reach its license endpoint`,
      `leave operatorNamespace unset to take the operator's, or set it to "${own.namespace}"`));
  }
  if (own && labels && typeof labels === 'object' && Object.entries(labels).some(([k, v]) => own.podLabels[k] !== v)) {
    out.push(problem('operatorPodLabels', `select no pod of the app's StashOperator (${own.path}), whose pod is labelled ${JSON.stringify(own.selectorLabels)}, so the Jobs could not reach its license endpoint`,
      'leave operatorPodLabels unset to take the operator\'s, or use labels its pod carries'));
  }
  return out;
}

/** Whether `s` is an IPv4 or IPv6 CIDR. */
function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const [, ip, bits] = m;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(bits) <= 32;
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && Number(bits) <= 128;
}

/** The object store's host and port from the backend's endpoint or URL. */
function endpointOf(backend: Backend): { host?: string; port?: number } | undefined {
  const json = backend.toJson()[backend.provider] ?? {};
  const raw: string | undefined = backend.provider === BackendProvider.S3 ? json.endpoint : backend.provider === BackendProvider.REST ? json.url : undefined;
  if (raw === undefined) return undefined;
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
    const port = url.port ? Number(url.port) : (url.protocol === 'http:' ? 80 : 443);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/** The peers and port of the object store rule (no port: no rule, a local backend). */
function objectStorePeer(backend: Backend | undefined, cidrs: string[] | undefined, portOverride: number | undefined): ObjectStorePeer {
  if (backend?.provider === BackendProvider.LOCAL && !cidrs) return {};
  const endpoint = backend && endpointOf(backend);
  const port = portOverride ?? endpoint?.port ?? 443;
  if (cidrs) return { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), port };
  const host = endpoint?.host;
  if (host && /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { to: [{ ipBlock: { cidr: `${host}/32` } }], port };
  if (host && host.includes(':')) return { to: [{ ipBlock: { cidr: `${host}/128` } }], port };
  const svc = host ? /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host) : null;
  if (svc) return { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': svc[1] } } }], port };
  // A DNS name outside the cluster (s3.amazonaws.com, storage.googleapis.com, ...): a
  // NetworkPolicy has no host names and cloud endpoints have no fixed addresses, so only the port.
  return { port };
}
