import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { versionOf } from '../backups/backup-options';
import { APP_BINDING, AppBindingSpec } from '../../api';
import { compact } from '../../core/metadata';
import { StashObject, StashObjectOptions } from '../../core/stash-object';
import { IAppBindingRef } from './references';
import { nameProblems, NameRule } from '../../core/validation/names';
import { instanceProblems, integerProblems, problem, requiredProblems } from '../../core/validation/problems';

/** The most members `statefulSetPeers()` lists (a Galera cluster has a handful). */
const MAX_PEERS = 1000;
/** Problems of the peer lists `statefulSetPeers()` could not build, reported by the AppBinding. */
const PEER_PROBLEMS = new WeakMap<string[], string[]>();

/** apiVersion of the parameters the addon reads to start the Galera arbitrator (kubedb.dev/apimachinery). */
export const GARBD_CONFIG_API_VERSION = 'config.kubedb.com/v1alpha1';
/** Kind of the parameters the addon reads to start the Galera arbitrator. */
export const GARBD_CONFIG_KIND = 'GaleraArbitratorConfiguration';
/** apiVersion of the parameters that only name the addon's Tasks (standalone databases). */
export const STASH_ADDON_API_VERSION = 'appcatalog.appscode.com/v1alpha1';
/** Kind of the parameters that only name the addon's Tasks (standalone databases). */
export const STASH_ADDON_KIND = 'StashAddon';

/** State Snapshot Transfer method the Galera arbitrator requests from a donor. */
export enum SstMethod {
  /** Percona XtraBackup streaming: the only method the addon's backup script can receive. */
  XTRABACKUP_V2 = 'xtrabackup-v2',
}

/** A Galera cluster, for the cluster backup path (garbd joins the group and receives an SST). */
export interface GaleraClusterOptions {
  /**
   * The cluster's `wsrep_cluster_name`; garbd only joins a group of that exact name. KubeDB
   * uses the PerconaXtraDB object's name.
   */
  readonly clusterName: string;
  /**
   * Addresses of the cluster members (`host` or `host:port`, port 4567 by default), joined into
   * the `gcomm://` address garbd connects to. `PerconaXtraDbAppBinding.statefulSetPeers()`
   * builds them for a StatefulSet.
   */
  readonly peers: string[];
  /**
   * SST method garbd requests.
   * @default SstMethod.XTRABACKUP_V2
   */
  readonly sstMethod?: SstMethod;
}

/** Options of `PerconaXtraDbAppBinding.statefulSetPeers()`. */
export interface StatefulSetPeersOptions {
  /** Name of the StatefulSet that runs the cluster. */
  readonly statefulSet: string;
  /** Name of its governing (headless) Service. */
  readonly governingService: string;
  /** Number of replicas. */
  readonly replicas: number;
  /**
   * Namespace of the StatefulSet.
   * @default - short host names (`pod.service`), resolved in the AppBinding's namespace
   */
  readonly namespace?: string;
}

/** A change the addon applies to the auth Secret's keys before it reads `username` and `password`. */
export class SecretTransform {
  /** Use the value of key `from` as key `to` (e.g. an operator that stores the password under `root`). */
  public static renameKey(from: string, to: string): SecretTransform {
    return new SecretTransform({ renameKey: { from, to } });
  }

  /** Add every key of another Secret (same namespace). */
  public static addKeysFrom(secretName: string): SecretTransform {
    return new SecretTransform({ addKeysFrom: { secretRef: { name: secretName } } });
  }

  /**
   * Add a key with a literal value. The value lands in Git: use it for non-secret values such
   * as the user name (`addKey('username', 'root')`), never for a password.
   */
  public static addKey(key: string, value: string): SecretTransform {
    return new SecretTransform({ addKey: { key, stringValue: value } });
  }

  /** Drop a key. */
  public static removeKey(key: string): SecretTransform {
    return new SecretTransform({ removeKey: { key } });
  }

  private constructor(private readonly json: { [key: string]: any }) {}

  /** The transform as AppBinding JSON. */
  public toJson(): { [key: string]: any } {
    return JSON.parse(JSON.stringify(this.json));
  }
}

/** Options of `PerconaXtraDbAppBinding.backupUserGrants()`. */
export interface BackupUserGrantOptions {
  /** Version of the database (`5.7.44`, `8.0.36`, `8.4.2`): the privileges differ by line. */
  readonly version: string;
  /**
   * Name of the backup user.
   * @default 'stash-backup'
   */
  readonly user?: string;
  /**
   * Host part of the account: where the backup Jobs connect from.
   * @default '%'
   */
  readonly host?: string;
  /**
   * The backup's `args` include `--single-transaction`: on 8.0 and later mysqldump then also
   * needs RELOAD (it flushes tables when GTIDs are on).
   * @default false
   */
  readonly singleTransaction?: boolean;
}

/** Props of `PerconaXtraDbAppBinding`. */
export interface PerconaXtraDbAppBindingProps extends StashObjectOptions {
  /** Name of the AppBinding; backups and restores target it by this name. */
  readonly name: string;
  /**
   * Service in front of the database (the addon connects to `<service>.<namespace>.svc`).
   * @default - none: `url` is required
   */
  readonly service?: string;
  /**
   * Port of the Service.
   * @default 3306
   */
  readonly servicePort?: number;
  /**
   * Namespace of the Service.
   * @default - the AppBinding's namespace
   */
  readonly serviceNamespace?: string;
  /**
   * Address of a database outside the cluster, `mysql://host:3306` or the Go MySQL form
   * `tcp(host:3306)/` (no credentials). Used when no `service` is given.
   * @default - none: `service` is required
   */
  readonly url?: string;
  /**
   * Secret (same namespace) with the database user in `username` and its password in
   * `password`; use `secretTransforms` when the keys are named differently.
   */
  readonly authSecretName: string;
  /**
   * Key changes applied to the auth Secret before the addon reads it.
   * @default - none
   */
  readonly secretTransforms?: SecretTransform[];
  /**
   * Version of the database. Sets `spec.version` and the addon's backup and restore Tasks in
   * the parameters, which auto-backup through a BackupBlueprint uses.
   * @default - none
   */
  readonly version?: string;
  /**
   * The Galera cluster, for a Percona XtraDB Cluster: the addon then backs it up by joining
   * it as an arbitrator (garbd) and streaming an xtrabackup SST, instead of `mysqldump`.
   * @default - a standalone database
   */
  readonly galera?: GaleraClusterOptions;
  /**
   * `spec.type`: Stash derives the `${TARGET_APP_*}` variables of blueprints from it.
   * @default 'kubedb.com/perconaxtradb'
   */
  readonly type?: string;
}

/**
 * An AppBinding for a Percona XtraDB database that KubeDB does not manage (KubeDB creates one
 * for its own databases): how the Stash addon reaches the database, with which credentials,
 * and, for a Galera cluster, the arbitrator parameters of the cluster backup path.
 *
 * ```ts
 * new PerconaXtraDbAppBinding(chart, 'binding', {
 *   name: 'orders-db', service: 'orders-db-haproxy', authSecretName: 'orders-db-secrets',
 *   secretTransforms: [SecretTransform.renameKey('root', 'password')],
 *   galera: { clusterName: 'orders-db-pxc', peers: PerconaXtraDbAppBinding.statefulSetPeers({
 *     statefulSet: 'orders-db-pxc', governingService: 'orders-db-pxc', replicas: 3 }) },
 * });
 * ```
 */
export class PerconaXtraDbAppBinding extends StashObject implements IAppBindingRef {
  /** An AppBinding that exists already (e.g. KubeDB's), by name. */
  public static fromAppBindingName(name: string, namespace?: string): IAppBindingRef {
    return { kind: APP_BINDING.kind, name, namespace };
  }

  /** The stable pod host names of a StatefulSet: `<sts>-<i>.<service>[.<namespace>]`. */
  public static statefulSetPeers(options: StatefulSetPeersOptions): string[] {
    const o = options ?? ({} as StatefulSetPeersOptions);
    const suffix = o.namespace ? `.${o.namespace}` : '';
    const replicas = o.replicas;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_PEERS) {
      // Not thrown here (the caller could not tell which construct): the AppBinding that gets
      // these peers reports it under galera.peers.
      const peers: string[] = [];
      PEER_PROBLEMS.set(peers, [problem('galera.peers', `PerconaXtraDbAppBinding.statefulSetPeers(): replicas ${replicas} is not a whole number between 1 and ${MAX_PEERS}`, 'pass the number of members of the cluster, e.g. 3')]);
      return peers;
    }
    return Array.from({ length: replicas }, (_, i) => `${o.statefulSet}-${i}.${o.governingService}${suffix}`);
  }

  /**
   * The GRANT statement of a dedicated backup user for standalone backups (mysqldump
   * `--all-databases`, the addon's default), instead of `root`: SELECT (the tables, and the
   * `mysql` schema), SHOW VIEW (views), TRIGGER (triggers), LOCK TABLES (mysqldump locks each
   * database's tables without `--single-transaction`) and PROCESS (tablespaces, since 5.7.31 and
   * 8.0.21), per the MySQL reference manual on mysqldump; plus RELOAD on 8.0 and later with
   * `singleTransaction`. Put the user in the AppBinding's Secret (`username`, `password`).
   *
   * A cluster backup reads no credential from the AppBinding (the donor member runs xtrabackup
   * with its own SST account), and a restore replays a full dump, which needs an administrator:
   * use another AppBinding with the administrator's Secret as the restore target.
   */
  public static backupUserGrants(options: BackupUserGrantOptions): string[] {
    const line = versionOf(options.version).line?.line ?? options.version;
    const privileges = ['SELECT', 'SHOW VIEW', 'TRIGGER', 'LOCK TABLES', 'PROCESS'];
    if (options.singleTransaction && line !== '5.7') privileges.push('RELOAD');
    const account = `'${(options.user ?? 'stash-backup').replace(/'/g, "''")}'@'${(options.host ?? '%').replace(/'/g, "''")}'`;
    return [`GRANT ${privileges.join(', ')} ON *.* TO ${account};`];
  }

  /** Whether the AppBinding describes a Galera cluster. */
  public readonly isCluster: boolean;
  /** The Service in front of the database, if any (a url-only AppBinding has none: no pod for Stash's exec hooks). */
  public readonly service?: string;
  /** The AppBinding object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PerconaXtraDbAppBindingProps) {
    super(scope, id, {
      kind: APP_BINDING.kind, name: props?.name, nameRule: NameRule.DNS_LABEL,
      nameReason: 'Stash puts the target name in label values', options: props,
    });
    props = props ?? ({} as PerconaXtraDbAppBindingProps);
    this.isCluster = props.galera !== undefined;
    this.service = typeof props.service === 'string' ? props.service : undefined;
    const version = props.version !== undefined ? versionOf(props.version) : undefined;

    // The addon reads the parameters as a GaleraArbitratorConfiguration and takes the cluster
    // path when `group` is set; Stash reads `stash.addon` (the Tasks) from either kind.
    const parameters = (props.galera || version?.line) ? compact({
      apiVersion: props.galera ? GARBD_CONFIG_API_VERSION : STASH_ADDON_API_VERSION,
      kind: props.galera ? GARBD_CONFIG_KIND : STASH_ADDON_KIND,
      address: props.galera ? `gcomm://${(Array.isArray(props.galera.peers) ? props.galera.peers : []).join(',')}` : undefined,
      group: props.galera?.clusterName,
      sstMethod: props.galera ? (props.galera.sstMethod ?? SstMethod.XTRABACKUP_V2) : undefined,
      stash: version?.line ? {
        addon: {
          backupTask: { name: version.line.backupTaskName },
          restoreTask: { name: version.line.restoreTaskName },
        },
      } : undefined,
    }) : undefined;

    const spec: AppBindingSpec = compact({
      type: props.type ?? 'kubedb.com/perconaxtradb',
      version: props.version,
      clientConfig: compact({
        service: props.service !== undefined ? compact({
          name: props.service,
          namespace: props.serviceNamespace,
          port: props.servicePort ?? 3306,
          scheme: 'mysql',
        }) : undefined,
        url: props.url,
      }),
      secret: { kind: 'Secret', name: props.authSecretName },
      secretTransforms: Array.isArray(props.secretTransforms) && props.secretTransforms.length
        ? props.secretTransforms.filter((t) => t instanceof SecretTransform).map((t) => t.toJson()) : undefined,
      parameters,
    });
    this.apiObject = this.customResource(APP_BINDING, spec);

    this.addProblems(() => this.problems(props, version?.problem));
  }

  private problems(props: PerconaXtraDbAppBindingProps, versionProblem: string | undefined): string[] {
    const missing = [
      ...requiredProblems(props, ['name', ['authSecretName', 'pass the name of the Secret with the database credentials']]),
      ...(props.secretTransforms ?? []).flatMap((t) => instanceProblems('secretTransforms', t, SecretTransform, 'pass SecretTransform.renameKey(...) or another factory')),
      ...(props.galera && !Array.isArray(props.galera.peers) ? [problem('galera.peers', 'is missing', 'list the cluster members')] : []),
    ];
    if (missing.length > 0) return missing;
    const out = [
      ...nameProblems('service', props.service, NameRule.DNS_1035_LABEL),
      ...nameProblems('serviceNamespace', props.serviceNamespace, NameRule.DNS_LABEL),
      ...nameProblems('authSecretName', props.authSecretName, NameRule.DNS_SUBDOMAIN),
      ...integerProblems('servicePort', props.servicePort, 1, 65535, 'use the port of the MySQL protocol, usually 3306'),
      ...(versionProblem ? [versionProblem] : []),
    ];
    if (props.service === undefined && props.url === undefined) {
      out.push(problem('service', 'neither service nor url is set, so the addon cannot reach the database', 'pass service (the database\'s Service name) or url ("mysql://host:3306")'));
    }
    if (props.service === undefined && (props.servicePort !== undefined || props.serviceNamespace !== undefined)) {
      out.push(problem('servicePort', 'servicePort or serviceNamespace is set without service', 'pass service too, or drop them'));
    }
    if (props.url !== undefined) {
      const url = props.url;
      const dsn = /^tcp\(([^()@/]+)\)\/[^?#]*$/.exec(url);
      let ok = dsn !== null;
      if (!ok) {
        try {
          const parsed = new URL(url);
          ok = parsed.hostname !== '' && !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
        } catch {
          ok = false;
        }
      }
      if (!ok) {
        out.push(problem('url', `"${url}" is not an address the addon can parse (no credentials, query or fragment allowed)`, 'use "mysql://host:3306" or "tcp(host:3306)/"'));
      }
    }
    const g = props.galera;
    if (g) {
      out.push(...(PEER_PROBLEMS.get(g.peers) ?? []));
      if (typeof g.clusterName !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(g.clusterName)) {
        out.push(problem('galera.clusterName', `"${g.clusterName}" is not a wsrep_cluster_name garbd can join (empty, or has spaces or special characters)`, "use the cluster's exact wsrep_cluster_name"));
      }
      if (g.peers.length === 0) {
        out.push(problem('galera.peers', 'is empty, so garbd has no member to join', 'list the cluster members, e.g. PerconaXtraDbAppBinding.statefulSetPeers({ statefulSet, governingService, replicas })'));
      }
      for (const peer of g.peers) {
        if (typeof peer !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/.test(peer)) {
          out.push(problem('galera.peers', `"${peer}" is not a host or host:port`, 'use the stable DNS name of each member, e.g. "cluster-0.cluster-headless"'));
        }
      }
    }
    for (const t of props.secretTransforms ?? []) {
      const json = t.toJson();
      if (json.addKey && /pass|secret|token|key/i.test(json.addKey.key)) {
        out.push(problem('secretTransforms.addKey', `"${json.addKey.key}" looks like a credential, and addKey values land in clear text in Git`, 'keep credentials in the auth Secret and use renameKey or addKeysFrom'));
      }
      const name = json.addKeysFrom?.secretRef?.name;
      if (name !== undefined) out.push(...nameProblems('secretTransforms.addKeysFrom', name, NameRule.DNS_SUBDOMAIN));
    }
    if (props.type !== undefined && !/^([a-z0-9.-]+\/)?[a-z0-9.-]+$/.test(props.type)) {
      out.push(problem('type', `"${props.type}" is not "<group>/<resource>" or "<resource>"`, 'use e.g. "kubedb.com/perconaxtradb"'));
    }
    return out;
  }
}
