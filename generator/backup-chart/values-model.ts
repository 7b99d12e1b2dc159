/**
 * The values model of the per-database chart `charts/stash-pxc-backup`: what a values file means,
 * as constructs. `fromValues()` turns a values object (the user's file over the chart defaults,
 * coalesced the way Helm does) into the stash-pxc constructs (`PerconaXtraDbBackupPlan` per
 * database, `PerconaXtraDbRestore` per restore, `PerconaXtraDbBackupBlueprint`, `StorageSecret`)
 * and reports their validation problems under values paths (`databases[3].schedule`).
 *
 * The chart's templates do the same mapping in Go templates; the differential test renders both
 * and compares the objects. The values schema (`schema.ts`) describes the same keys.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { INSTALL_NAMESPACE, INSTALL_OPERATOR_POD_LABELS } from '../../src/api/stash/operator';
import { JobNetworkPolicyOptions, PushgatewayPeer } from '../../src/database/jobs/backup-network-policy';
import { problem } from '../../src/core/validation/problems';
import { warningsOf } from '../../src/core/validation/warnings';
import { parseGoDuration } from './durations';
import {
  Backend, BackendProvider, HostPathType, LocalVolume, SwiftAuth,
} from '../../src/database/storage/backend';
import { Hook, HookExecutionPolicy, HttpScheme } from '../../src/database/jobs/hook';
import { PerconaXtraDbBackupBlueprint } from '../../src/database/backups/perconaxtradb-backup-blueprint';
import { PerconaXtraDbBackupPlan } from '../../src/database/backups/perconaxtradb-backup-plan';
import { PerconaXtraDbRestore, Snapshot, VolumeAccessMode } from '../../src/database/restores/perconaxtradb-restore';
import { CloneDeletionPolicy, CloneMode, PerconaXtraDbClone } from '../../src/database/restores/perconaxtradb-clone';
import { PerconaXtraDbRestoreDrill, RestoreDrillOptions, RowCountOperator } from '../../src/database/restores/perconaxtradb-restore-drill';
import { DrillServer } from '../../src/database/restores/drill-server';
import { k8s } from 'cdk8s-plus-28';
import { Repository, UsagePolicy } from '../../src/database/storage/repository';
import { RetentionPolicy } from '../../src/database/storage/retention-policy';
import { IoNiceClass, RuntimeSettings, TempDir, TempDirMedium } from '../../src/database/jobs/runtime-settings';
import { Schedule } from '../../src/database/backups/schedule';
import { BackupCopy, DEFAULT_COPY_GAP } from '../../src/database/backups/perconaxtradb-backup-copy';
import { ScheduleWindow } from '../../src/database/backups/schedule-window';
import { StorageSecret } from '../../src/database/storage/storage-secret';
import { manifestsOf } from '../chart/output';

/** The chart's name (the `helm.sh/chart` and `app.kubernetes.io/name` labels). */
export const BACKUP_CHART_NAME = 'stash-pxc-backup';
/** The chart's version. */
export const BACKUP_CHART_VERSION = '0.1.0';

/** Placeholder of `prefix` (and of a REST `url`) replaced by the database's namespace. */
export const NAMESPACE_VAR = '${DATABASE_NAMESPACE}';
/** Placeholder of `prefix` (and of a REST `url`) replaced by the database's name. */
export const NAME_VAR = '${DATABASE_NAME}';

/** The annotation that keeps a Repository on `helm uninstall` and when its database leaves the values. */
export const KEEP_ANNOTATION = { 'helm.sh/resource-policy': 'keep' };

/** The settings a database takes from `defaults:` unless it sets them itself (top-level keys replace). */
export const SETTING_KEYS = [
  'version', 'backend', 'storageSecretName', 'prefix', 'schedule', 'retentionPolicy', 'runtimeSettings',
  'preBackupHook', 'postBackupHook', 'timeout', 'paused', 'backupHistoryLimit', 'retry', 'args',
  'waitTimeout', 'wipeOut', 'keepRepository', 'defaultSecurityContext', 'tempDir', 'usagePolicy', 'drill',
  'expectedDuration', 'copies',
] as const;

/** The retention rules in the order restic and the constructs name them. */
export const RETENTION_RULES = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

/** The chart's default values (values.yaml without comments). */
export function backupChartDefaults(): any {
  return {
    nameOverride: '',
    defaults: {
      backend: {},
      storageSecretName: '',
      prefix: `stash/${NAMESPACE_VAR}/${NAME_VAR}`,
      schedule: {},
      retentionPolicy: {},
      runtimeSettings: {},
      paused: false,
      wipeOut: false,
      keepRepository: true,
      defaultSecurityContext: true,
      copies: [],
    },
    databases: [],
    restores: [],
    clones: [],
    blueprint: { enabled: false },
    storageSecret: { create: false, data: {} },
    networkPolicy: {
      enabled: false,
      apiServerCidrs: [],
      apiServerPorts: [443, 6443],
      operatorNamespace: INSTALL_NAMESPACE,
      operatorRelease: INSTALL_OPERATOR_POD_LABELS['app.kubernetes.io/instance'],
      // Empty maps, not the labels themselves: Helm merges a user's map into a default one.
      operatorPodLabels: {},
      dnsNamespace: 'kube-system',
      dnsPodLabels: {},
      objectStoreCidrs: [],
      pushgatewayPeer: {},
    },
  };
}

/**
 * The Jobs' NetworkPolicy options of a values `networkPolicy:` (none unless enabled). The operator
 * pod is the install chart's (`app.kubernetes.io/name: stash-pxc`) of release `operatorRelease`,
 * unless `operatorPodLabels` names other labels.
 */
export function networkPolicyOf(np: any): JobNetworkPolicyOptions | undefined {
  if (!np?.enabled) return undefined;
  const given = (m: any) => (isMap(m) && Object.keys(m).length > 0 ? m : undefined);
  return {
    apiServerCidrs: np.apiServerCidrs ?? [],
    apiServerPorts: np.apiServerPorts,
    operatorNamespace: np.operatorNamespace,
    operatorPodLabels: given(np.operatorPodLabels)
      ?? { 'app.kubernetes.io/name': INSTALL_OPERATOR_POD_LABELS['app.kubernetes.io/name'], 'app.kubernetes.io/instance': String(np.operatorRelease) },
    dnsNamespace: np.dnsNamespace,
    dnsPodLabels: given(np.dnsPodLabels),
    objectStoreCidrs: Array.isArray(np.objectStoreCidrs) && np.objectStoreCidrs.length > 0 ? np.objectStoreCidrs : undefined,
    objectStorePort: np.objectStorePort ?? undefined,
    pushgatewayPeer: pushgatewayPeerOf(np.pushgatewayPeer),
  };
}

/** `networkPolicy.pushgatewayPeer` (none when empty, as Helm reads an empty map). */
function pushgatewayPeerOf(peer: any): PushgatewayPeer | undefined {
  if (!isMap(peer) || Object.keys(peer).length === 0) return undefined;
  return {
    namespace: peer.namespace,
    podLabels: isMap(peer.podLabels) && Object.keys(peer.podLabels).length > 0 ? peer.podLabels : undefined,
    cidrs: Array.isArray(peer.cidrs) && peer.cidrs.length > 0 ? peer.cidrs : undefined,
    port: peer.port ?? undefined,
  };
}

const isMap = (v: unknown): v is { [k: string]: any } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's coalescing of user values over chart defaults: maps merge, `null` deletes, the rest replaces. */
export function coalesce(defaults: any, user: any): any {
  if (!isMap(defaults) || !isMap(user)) return user === undefined ? defaults : user;
  const out: any = { ...defaults };
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else out[k] = isMap(v) && isMap(defaults[k]) ? coalesce(defaults[k], v) : v;
  }
  return out;
}

/** Release facts the objects depend on. */
export interface ReleaseInfo {
  /** Release name. */
  readonly name: string;
  /** Release namespace (the default namespace of databases and restores). */
  readonly namespace: string;
}

/**
 * The label that names the release on every object of the chart. The operator rewrites a
 * RestoreSession's `app.kubernetes.io/instance`, `name` and `managed-by` labels when KubeDB manages
 * its target AppBinding, and leaves this one alone; the NOTES select by it.
 */
export const RELEASE_LABEL = 'stash-pxc/release';

/** The labels every object of the chart carries (the chart's `stash-pxc-backup.labels`). */
export function releaseLabels(values: any, release: ReleaseInfo): { [key: string]: string } {
  return {
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': values.nameOverride || BACKUP_CHART_NAME,
    'app.kubernetes.io/part-of': 'stash-pxc',
    'helm.sh/chart': `${BACKUP_CHART_NAME}-${BACKUP_CHART_VERSION}`,
    [RELEASE_LABEL]: release.name,
  };
}

/** One database with its effective settings and where each came from. */
export interface ResolvedDatabase {
  /** Index in `databases`. */
  readonly index: number;
  /** AppBinding name. */
  readonly name: string;
  /** Namespace (the release's unless the entry gives one). */
  readonly namespace: string;
  /** `defaults` with the entry's top-level keys replacing theirs. */
  readonly settings: { [key: string]: any };
  /** `databases[i]` for a setting the entry gives, else `defaults`. */
  readonly sourceOf: (key: string) => string;
}

/** The databases to back up (enabled ones), each with the defaults applied. */
export function resolveDatabases(values: any, release: ReleaseInfo): ResolvedDatabase[] {
  const out: ResolvedDatabase[] = [];
  (values.databases ?? []).forEach((entry: any, index: number) => {
    if (entry.enabled === false) return;
    const settings: { [key: string]: any } = { ...(values.defaults ?? {}) };
    for (const [k, v] of Object.entries(entry)) settings[k] = v;
    out.push({
      index, name: entry.name, namespace: entry.namespace || release.namespace, settings,
      sourceOf: (key) => (Object.prototype.hasOwnProperty.call(entry, key) ? `databases[${index}]` : 'defaults'),
    });
  });
  return out;
}

/** Replaces the placeholders of a prefix pattern. */
export function expandPattern(pattern: string, namespace: string, name: string): string {
  return pattern.split(NAMESPACE_VAR).join(namespace).split(NAME_VAR).join(name);
}

/** A values problem: thrown by `fromValues` as one error listing all. */
class ValuesProblems extends Error {}

/** The Backend of a values `backend:` with the database's prefix. */
export function backendOf(b: any, prefix: string | undefined, field: string, problems: string[]): Backend | undefined {
  const provider = b?.provider;
  const p = b?.[provider] ?? {};
  const bucket = { prefix: prefix || undefined };
  switch (provider) {
    case BackendProvider.S3: return Backend.s3({ ...bucket, bucket: p.bucket, endpoint: p.endpoint, region: p.region, insecureTls: p.insecureTls, customCaCertificate: p.customCaCertificate });
    case BackendProvider.GCS: return Backend.gcs({ ...bucket, bucket: p.bucket, maxConnections: p.maxConnections });
    case BackendProvider.AZURE: return Backend.azure({ ...bucket, container: p.container, maxConnections: p.maxConnections });
    case BackendProvider.SWIFT: return Backend.swift({ ...bucket, container: p.container, auth: p.auth as SwiftAuth | undefined });
    case BackendProvider.B2: return Backend.b2({ ...bucket, bucket: p.bucket, maxConnections: p.maxConnections });
    case BackendProvider.REST: return Backend.rest({ url: p.url, basicAuth: p.basicAuth, customCaCertificate: p.customCaCertificate });
    case BackendProvider.LOCAL: {
      const volume = p.persistentVolumeClaim ? LocalVolume.persistentVolumeClaim(p.persistentVolumeClaim.claimName, { readOnly: p.persistentVolumeClaim.readOnly })
        : p.nfs ? LocalVolume.nfs({ server: p.nfs.server, path: p.nfs.path, readOnly: p.nfs.readOnly })
          : p.hostPath ? LocalVolume.hostPath(p.hostPath.path, { type: p.hostPath.type as HostPathType | undefined })
            : undefined;
      if (!volume) {
        problems.push(problem(`${field}.local`, 'names no volume', 'give one of persistentVolumeClaim, nfs or hostPath'));
        return undefined;
      }
      return Backend.local({ volume, mountPath: p.mountPath, subPath: prefix || undefined });
    }
    default:
      problems.push(problem(`${field}.provider`, provider ? `"${provider}" is not a backend` : 'is missing',
        `set it to one of ${Object.values(BackendProvider).join(', ')}, with its settings under backend.<provider>`));
      return undefined;
  }
}

/** The key a copy is placed by: its database's `namespace/name` and `#copy-<name>`, as the fleet keys it. */
export function copyKey(namespace: string, name: string, copy: string): string {
  return `${namespace}/${name}#copy-${copy}`;
}

/** A database's expected backup duration (`expectedDuration`, a Go duration), if valid. */
function expectedDurationOf(db: ResolvedDatabase): Duration | undefined {
  const v = db.settings.expectedDuration;
  return v === undefined || v === null ? undefined : parseGoDuration(String(v));
}

/**
 * The starts of every backup whose schedule is a spread window, placed jointly per window as a
 * fleet places them (`ScheduleWindow.place`): a release sees all of its databases. Primaries by
 * `namespace/name`; copies by `copyKey`. A copy without a schedule of a database in a spread
 * window goes to the window after it (`ScheduleWindow.following` of the longest
 * `expectedDuration` of the window's databases, else an hour), placed jointly with every other
 * backup of that window, as `PerconaXtraDbBackupFleet` places copies; a copy with a window of
 * its own joins that window's placement. Backups with an invalid window are left to
 * `scheduleOf` to report.
 */
export function placements(databases: ResolvedDatabase[]): Map<string, string> {
  const groups = new Map<string, { window: ScheduleWindow; keys: string[] }>();
  const add = (window: ScheduleWindow, key: string) => {
    // One group per window as it places (start, length, the days in their order).
    const id = window.toString();
    if (!groups.has(id)) groups.set(id, { window, keys: [] });
    groups.get(id)!.keys.push(key);
  };
  const spreadWindow = (s: any): ScheduleWindow | undefined => {
    if (s?.window === undefined || s?.cron !== undefined) return undefined;
    const window = windowOf(s.window);
    return window.problems('window').length > 0 ? undefined : window;
  };
  const primaries = new Map<string, { window: ScheduleWindow; dbs: ResolvedDatabase[] }>();
  for (const db of databases) {
    const window = spreadWindow(db.settings.schedule);
    if (!window) continue;
    add(window, `${db.namespace}/${db.name}`);
    const id = window.toString();
    if (!primaries.has(id)) primaries.set(id, { window, dbs: [] });
    primaries.get(id)!.dbs.push(db);
  }
  const gaps = new Map<string, Duration>();
  for (const [id, { dbs }] of primaries) {
    const minutes = dbs.map(expectedDurationOf).filter((d): d is Duration => d !== undefined).map((d) => Math.ceil(d.toSeconds() / 60));
    gaps.set(id, minutes.length > 0 ? Duration.minutes(Math.max(...minutes)) : DEFAULT_COPY_GAP);
  }
  for (const db of databases) {
    const primary = spreadWindow(db.settings.schedule);
    for (const copy of Array.isArray(db.settings.copies) ? db.settings.copies : []) {
      if (typeof copy?.name !== 'string') continue;
      const key = copyKey(db.namespace, db.name, copy.name);
      if (copy.schedule !== undefined) {
        const own = spreadWindow(copy.schedule);
        if (own) add(own, key);
      } else if (primary) {
        add(primary.following(gaps.get(primary.toString())!), key);
      }
    }
  }
  const out = new Map<string, string>();
  for (const { window, keys } of groups.values()) {
    window.place(keys.map((key) => ({ key }))).forEach((cron, i) => out.set(keys[i], cron));
  }
  return out;
}

/** The ScheduleWindow of a values `schedule.window`. */
function windowOf(w: any): ScheduleWindow {
  return w?.days !== undefined ? ScheduleWindow.weekly({ start: w.start, end: w.end, days: w.days }) : ScheduleWindow.daily({ start: w?.start, end: w?.end });
}

/** The Schedule of a values `schedule:` (a `cron` or a spread `window`). */
export function scheduleOf(s: any, field: string, problems: string[]): Schedule | undefined {
  if (s?.cron !== undefined && s?.window !== undefined) {
    problems.push(problem(field, 'has both cron and window', 'keep one of them'));
    return undefined;
  }
  if (s?.cron !== undefined) return Schedule.cron(String(s.cron));
  if (s?.window !== undefined) {
    try {
      return Schedule.spread(windowOf(s.window));
    } catch (e) {
      problems.push(problem(`${field}.window`, (e as Error).message.replace(/^ScheduleWindow(\.\w+)?: /, '').replace(/; .*$/, ''),
        'give start and end as HH:MM with end after start (end is exclusive) and days from 0 (Sunday) to 6'));
      return undefined;
    }
  }
  problems.push(problem(field, 'is missing', 'set schedule.cron (e.g. "0 1 * * *") or schedule.window (e.g. { start: "01:00", end: "05:00" })'));
  return undefined;
}

/** The RetentionPolicy of a values `retentionPolicy:`. */
export function retentionOf(r: any): RetentionPolicy {
  return RetentionPolicy.of({ ...(r ?? {}) });
}

/** A quantity string (`512Mi`, `1Gi`) as a Size. */
export function sizeOf(q: string): Size {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(String(q));
  if (!m) return Size.kibibytes(Number(q) / 1024);
  const n = Number(m[1]);
  return m[2] === 'Ki' ? Size.kibibytes(n) : m[2] === 'Mi' ? Size.mebibytes(n) : m[2] === 'Gi' ? Size.gibibytes(n) : Size.tebibytes(n);
}

function cpuOf(q: string | number): Cpu {
  const s = String(q);
  return s.endsWith('m') ? Cpu.millis(Number(s.slice(0, -1))) : Cpu.units(Number(s));
}

function sortedMap(m: { [k: string]: any } | undefined): { [k: string]: any } | undefined {
  return m ? Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]])) : undefined;
}

/** The RuntimeSettings of a values `runtimeSettings:`. */
export function runtimeSettingsOf(r: any): RuntimeSettings | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  const c = r.container;
  const p = r.pod;
  const res = c?.resources;
  const pair = (kind: 'cpu' | 'memory', conv: (q: any) => any) => (res?.requests?.[kind] !== undefined || res?.limits?.[kind] !== undefined
    ? { request: res?.requests?.[kind] !== undefined ? conv(res.requests[kind]) : undefined, limit: res?.limits?.[kind] !== undefined ? conv(res.limits[kind]) : undefined }
    : undefined);
  return {
    container: c ? {
      resources: res ? { cpu: pair('cpu', cpuOf), memory: pair('memory', sizeOf) } : undefined,
      nice: c.nice,
      ionice: c.ionice ? { ioClass: c.ionice.class as IoNiceClass, classData: c.ionice.classData } : undefined,
      securityContext: c.securityContext,
      env: sortedMap(c.env),
      secretEnv: sortedMap(c.secretEnv),
    } : undefined,
    pod: p ? {
      nodeSelector: p.nodeSelector, tolerations: p.tolerations, affinity: p.affinity,
      priorityClassName: p.priorityClassName, serviceAccountName: p.serviceAccountName,
      imagePullSecrets: p.imagePullSecrets, securityContext: p.securityContext,
    } : undefined,
  };
}

/** A values snapshot: `latest` or a restic id. */
function snapshotOf(s: any): Snapshot {
  return s === 'latest' ? Snapshot.latest() : Snapshot.id(String(s));
}

/** The snapshot of a restore or clone entry: `snapshot`, or the newest of `snapshots` not after `snapshotNotAfter`. */
function snapshotChoiceOf(r: any): Snapshot | undefined {
  if (r.snapshotNotAfter !== undefined) {
    return Snapshot.newestNotAfter(new Date(r.snapshotNotAfter), (r.snapshots ?? []).map((s: any) => ({ id: String(s?.id), time: new Date(s?.time) })));
  }
  return r.snapshot !== undefined ? snapshotOf(r.snapshot) : undefined;
}

/** The TempDir of a values `tempDir:` (`medium`, `sizeLimit`, `disableCaching`). */
export function tempDirOf(t: any): TempDir | undefined {
  if (!t) return undefined;
  return { medium: t.medium as TempDirMedium | undefined, sizeLimit: t.sizeLimit !== undefined ? sizeOf(t.sizeLimit) : undefined, disableCaching: t.disableCaching };
}

/**
 * The UsagePolicy of a values `usagePolicy:`, one key named after the factory:
 * `sameNamespace: true`, `allNamespaces: true`, `namespaces: [...]` or `namespacesWithLabels: {...}`.
 */
export function usagePolicyOf(u: any, field: string, problems: string[]): UsagePolicy | undefined {
  if (!u) return undefined;
  if (Object.keys(u).length !== 1) {
    problems.push(problem(field, `has ${Object.keys(u).length} keys`, 'give exactly one of sameNamespace: true, allNamespaces: true, namespaces: [...], namespacesWithLabels: {...}'));
  }
  if (u.allNamespaces) return UsagePolicy.allNamespaces();
  if (u.namespaces) return UsagePolicy.namespaces(u.namespaces);
  if (u.namespacesWithLabels) return UsagePolicy.namespacesWithLabels(u.namespacesWithLabels);
  return UsagePolicy.sameNamespace();
}

/** The Hook of a values hook (`exec`, `httpGet`, `httpPost` or `tcpSocket`, as Stash writes them). */
export function hookOf(h: any): Hook | undefined {
  if (!h) return undefined;
  const options = { containerName: h.containerName, executionPolicy: h.executionPolicy as HookExecutionPolicy | undefined };
  if (h.exec) return Hook.exec(h.exec.command ?? [], options);
  const http = (x: any) => ({ ...options, port: x.port, path: x.path, host: x.host, scheme: x.scheme as HttpScheme | undefined, headers: sortedMap(x.headers) });
  if (h.httpGet) return Hook.httpGet(http(h.httpGet));
  if (h.httpPost) return Hook.httpPost({ ...http(h.httpPost), body: h.httpPost.body });
  if (h.tcpSocket) return Hook.tcpSocket(h.tcpSocket.port, { ...options, host: h.tcpSocket.host });
  return undefined;
}

/**
 * The copies of a database (`copies:`, each a BackupCopy): the copy's `prefix` (default the
 * database's) with the placeholders replaced, its backend, and a schedule: the placed one
 * (`placements`) where it has one, its own cron, or none (the constructs place it after the
 * primary: `schedule.following(expectedDuration)`).
 */
function copiesOf(db: ResolvedDatabase, placed: Map<string, string>, problems: string[]): BackupCopy[] | undefined {
  const list = db.settings.copies;
  if (!Array.isArray(list)) return undefined;
  const at = `${db.sourceOf('copies')}.copies`;
  return list.map((c: any, j: number) => {
    const field = `${at}[${j}]`;
    const pattern = typeof c?.prefix === 'string' ? c.prefix : db.settings.prefix;
    const prefix = typeof pattern === 'string' ? expandPattern(pattern, db.namespace, db.name) : undefined;
    const b = c?.backend;
    const backendValues = b?.provider === BackendProvider.REST && b.rest?.url
      ? { ...b, rest: { ...b.rest, url: expandPattern(b.rest.url, db.namespace, db.name) } } : b;
    const key = copyKey(db.namespace, db.name, c?.name);
    const schedule = placed.has(key) ? Schedule.cron(placed.get(key)!) : c?.schedule !== undefined ? scheduleOf(c.schedule, `${field}.schedule`, problems) : undefined;
    return {
      name: c?.name,
      backend: backendOf(backendValues, prefix, `${field}.backend`, problems) as Backend,
      storageSecretName: c?.storageSecretName,
      schedule,
      retentionPolicy: c?.retentionPolicy !== undefined ? retentionOf(c.retentionPolicy) : undefined,
      repositoryName: c?.repositoryName,
      backupName: c?.backupName,
      wipeOut: c?.wipeOut,
      usagePolicy: usagePolicyOf(c?.usagePolicy, `${field}.usagePolicy`, problems),
      preBackupHook: hookOf(c?.preBackupHook),
      postBackupHook: hookOf(c?.postBackupHook),
    };
  });
}

/** The drill's problems, by construct field, under the values key `drill`. */
const DRILL_FIELDS: { [field: string]: string } = Object.fromEntries([...[
  'schedule', 'backupDuration', 'schemas', 'tables', 'rowCountRules', 'sql', 'restoreTimeout', 'checkTimeout', 'serverStartTimeout', 'ttlAfterFinished',
  'serverImage', 'kubectlImage', 'imagePullSecrets', 'serverResources', 'dataSizeLimit', 'pushgatewayUrl', 'admissionPolicy', 'galera',
  'claimStorage', 'storageClassName',
].map((f) => [`Drill.${f}`, `drill.${f}`]),
// The option's values are under throwaway.kubedb (the construct's DrillServer.kubedb({...})).
['Drill.throwaway', 'drill.throwaway.kubedb']]);

/**
 * The drill options of a values `drill:` (when `enabled`): the chart's keys are the props' names,
 * durations are Go durations, sizes and resources quantities. A database with `galera` gets a
 * Galera drill.
 */
export function drillOf(v: any, field: string, problems: string[], galera?: boolean): RestoreDrillOptions | undefined {
  if (!v?.enabled) return undefined;
  const quantities = (m: any) => (m ? Object.fromEntries(Object.entries(m).map(([k, q]) => [k, k8s.Quantity.fromString(String(q))])) : undefined);
  return {
    schedule: v.schedule !== undefined ? scheduleOf(v.schedule, `${field}.schedule`, problems) : undefined,
    schemas: v.schemas,
    tables: v.tables,
    rowCountRules: Array.isArray(v.rowCountRules) ? v.rowCountRules.map((r: any) => ({
      database: r?.database, table: r?.table, rowCount: { operator: r?.rowCount?.operator as RowCountOperator, value: r?.rowCount?.value },
    })) : undefined,
    sql: v.sql,
    backupDuration: durationOf(v.backupDuration, `${field}.backupDuration`, problems),
    restoreTimeout: durationOf(v.restoreTimeout, `${field}.restoreTimeout`, problems),
    checkTimeout: durationOf(v.checkTimeout, `${field}.checkTimeout`, problems),
    serverStartTimeout: durationOf(v.serverStartTimeout, `${field}.serverStartTimeout`, problems),
    ttlAfterFinished: durationOf(v.ttlAfterFinished, `${field}.ttlAfterFinished`, problems),
    serverImage: v.serverImage,
    kubectlImage: v.kubectlImage,
    imagePullSecrets: v.imagePullSecrets,
    serverResources: v.serverResources ? { requests: quantities(v.serverResources.requests), limits: quantities(v.serverResources.limits) } : undefined,
    dataSizeLimit: v.dataSizeLimit !== undefined ? sizeOf(v.dataSizeLimit) : undefined,
    pushgatewayUrl: v.pushgatewayUrl,
    admissionPolicy: v.admissionPolicy,
    throwaway: v.throwaway?.kubedb ? DrillServer.kubedb({
      version: v.throwaway.kubedb.version !== undefined ? String(v.throwaway.kubedb.version) : undefined,
      replicas: v.throwaway.kubedb.replicas,
      storage: v.throwaway.kubedb.storage !== undefined ? sizeOf(v.throwaway.kubedb.storage) : undefined,
      storageClassName: v.throwaway.kubedb.storageClassName,
    }) : undefined,
    // The database's galera; drill.galera is not a chart value (the schema refuses it).
    galera: galera === true ? true : v.galera,
    claimStorage: v.claimStorage !== undefined ? sizeOf(v.claimStorage) : undefined,
    storageClassName: v.storageClassName,
  };
}

function durationOf(value: string | undefined, field: string, problems: string[]): Duration | undefined {
  if (value === undefined || value === null) return undefined;
  const d = parseGoDuration(String(value));
  if (!d) problems.push(problem(field, `"${value}" is not a Go duration`, 'write it like "2h", "90m" or "1h30m"'));
  return d;
}

/** The version line's backup Task exists (the chart checks the same list). */
export function versionLines(): string[] {
  return PerconaXtraDbVersion.all().map((v) => v.line);
}

/** How the problems of one values entry's constructs map to values paths. */
interface ValuesRename {
  /** The entry (`databases[3]`). */
  entry: string;
  /** Construct field (or `Kind.field`) -> values key. */
  fields: { [field: string]: string };
  /** Where a setting comes from (`databases[3]` or `defaults`). */
  sourceOf?: (key: string) => string;
  /** The database's `copies` values, for problems of a copy's objects. */
  copies?: any[];
}

/**
 * A construct problem (`[path] field: ...`) as a values problem: the construct id is the values
 * path of the entry (`databases[3]`), and the field is renamed where the values key differs.
 */
function toValuesProblem(error: string, renames: Map<string, ValuesRename>): string {
  const m = /^\[(.*?)\] (.*)$/.exec(error);
  if (!m) return error;
  const segments = m[1].split('/');
  const owner = segments.find((s) => renames.has(s));
  if (!owner) return m[2];
  const info = renames.get(owner)!;
  const kind = segments[segments.indexOf(owner) + 1] ?? '';
  const field = /^([^:]+): /.exec(m[2])?.[1] ?? '';
  const rest = m[2].slice(field.length);
  // The Jobs' NetworkPolicy takes the release-wide networkPolicy, but for the database's galera.
  if (segments.includes('NetworkPolicy')) return field === 'galera' ? `${info.entry}.galera${rest}` : `networkPolicy.${field}${rest}`;
  // So does a drill's (its networkPolicy.pushgatewayPeer).
  if (field.startsWith('networkPolicy.')) return `${field}${rest}`;
  // A copy's objects (ids Copy-<name>, or Copy<i> for a name that is no id): under copies[j].
  const copyAt = segments.findIndex((s, k) => k > segments.indexOf(owner) && /^Copy(-.|\d+$)/.test(s));
  if (copyAt >= 0 && info.copies && info.sourceOf) {
    const id = segments[copyAt];
    const j = /^Copy\d+$/.test(id) ? Number(id.slice(4)) : info.copies.findIndex((c) => c?.name === id.slice(5));
    const c = info.copies[j] ?? {};
    const part = segments[copyAt + 1];
    const named = part === 'Repository' ? (c.repositoryName !== undefined ? 'repositoryName' : 'name') : (c.backupName !== undefined ? 'backupName' : 'name');
    const copyField = /^backend\.\w+\.(prefix|subPath)$/.test(field) ? 'prefix' : field === 'name' ? named : field;
    return `${info.sourceOf('copies')}.copies[${j}]${copyField ? `.${copyField}` : ''}${rest}`;
  }
  const top = field.split(/[.[]/)[0];
  // The prefix is a values key of its own; the constructs report it inside the backend.
  const whole = /^backend\.\w+\.(prefix|subPath)$/.test(field) ? 'prefix' : info.fields[field];
  const renamed = whole ?? info.fields[`${kind}.${top}`] ?? info.fields[top] ?? top;
  const valuesField = whole ?? renamed + field.slice(top.length);
  const entry = info.sourceOf ? info.sourceOf(valuesField.split(/[.[]/)[0]) : info.entry;
  return `${entry}.${valuesField}${rest}`;
}

/** The result of `fromValues`. */
export interface BackupChartObjects {
  /** The manifests, in the order the chart renders them. */
  readonly manifests: any[];
  /**
   * The constructs' warnings (a copy that can start while its primary runs, a copy that keeps
   * less than its primary), each `<namespace>/<database>: <values path>: what. Fix: how.`: the
   * chart's NOTES print the same lines.
   */
  readonly warnings: string[];
}

/**
 * The objects a values file stands for, built with the stash-pxc constructs, or an error listing
 * every problem by values path (`databases[0].version: ... Fix: ...`).
 * @param userValues the values file's content (coalesced over the chart defaults here)
 */
export function fromValues(userValues: any, release: ReleaseInfo): BackupChartObjects {
  const values = coalesce(backupChartDefaults(), userValues ?? {});
  const problems: string[] = [];
  const app = new App();
  const chart = new Chart(app, 'backup');
  const labels = releaseLabels(values, release);
  const networkPolicy = networkPolicyOf(values.networkPolicy);
  const renames = new Map<string, ValuesRename>();

  const databases = resolveDatabases(values, release);
  const placed = placements(databases);
  const seen = new Map<string, number>();
  const plans = new Map<string, { plan: PerconaXtraDbBackupPlan; db: ResolvedDatabase }>();
  const secrets = new Map<string, Backend>();
  for (const db of databases) {
    const entry = `databases[${db.index}]`;
    const key = `${db.namespace}/${db.name}`;
    if (seen.has(key)) {
      problems.push(problem(`${entry}.name`, `"${db.name}" is listed twice in namespace "${db.namespace}" (also databases[${seen.get(key)}])`, 'list each database once'));
      continue;
    }
    seen.set(key, db.index);
    const s = db.settings;
    const field = (k: string) => `${db.sourceOf(k)}.${k}`;
    const prefix = typeof s.prefix === 'string' ? expandPattern(s.prefix, db.namespace, db.name) : undefined;
    const backendValues = s.backend?.provider === BackendProvider.REST && s.backend.rest?.url
      ? { ...s.backend, rest: { ...s.backend.rest, url: expandPattern(s.backend.rest.url, db.namespace, db.name) } } : s.backend;
    const backend = backendOf(backendValues, prefix, field('backend'), problems);
    const schedule = placed.has(key) ? Schedule.cron(placed.get(key)!) : scheduleOf(s.schedule, field('schedule'), problems);
    if (!s.version) problems.push(problem(field('version'), 'is missing', 'give the database\'s version, e.g. "8.0.36"'));
    if (!s.storageSecretName) problems.push(problem(field('storageSecretName'), 'is missing', 'name the Secret with RESTIC_PASSWORD and the backend\'s credentials'));
    if (!s.retentionPolicy || Object.keys(s.retentionPolicy).length === 0) {
      problems.push(problem(field('retentionPolicy'), 'has no keep rule, so restic would refuse to forget and the backup would fail', 'add at least one rule, e.g. { keepLast: 5 }'));
    }
    const timeout = durationOf(s.timeout, field('timeout'), problems);
    const retryDelay = durationOf(s.retry?.delay, `${field('retry')}.delay`, problems);
    if (!backend || !schedule || !s.version || !s.storageSecretName || !s.retentionPolicy || Object.keys(s.retentionPolicy).length === 0) continue;
    const drill = drillOf(s.drill, field('drill'), problems, s.galera);
    const id = entry;
    renames.set(id, { entry, fields: { 'Backup.database': 'name', 'Backup.name': 'name', 'Repository.name': 'name', 'Drill.database': 'name', ...DRILL_FIELDS }, sourceOf: db.sourceOf, copies: Array.isArray(s.copies) ? s.copies : undefined });
    const plan = new PerconaXtraDbBackupPlan(chart, id, {
      database: db.name,
      namespace: db.namespace,
      labels,
      version: String(s.version),
      backend,
      storageSecretName: s.storageSecretName,
      wipeOut: s.wipeOut,
      usagePolicy: usagePolicyOf(s.usagePolicy, field('usagePolicy'), problems),
      tempDir: tempDirOf(s.tempDir),
      schedule,
      retentionPolicy: retentionOf(s.retentionPolicy),
      paused: s.paused,
      timeout,
      backupHistoryLimit: s.backupHistoryLimit,
      retry: s.retry ? { maxRetry: s.retry.maxRetry, delay: retryDelay } : undefined,
      runtimeSettings: runtimeSettingsOf(s.runtimeSettings),
      defaultSecurityContext: s.defaultSecurityContext,
      preBackupHook: hookOf(s.preBackupHook),
      postBackupHook: hookOf(s.postBackupHook),
      args: s.args,
      waitTimeout: s.waitTimeout !== undefined ? Duration.seconds(s.waitTimeout) : undefined,
      networkPolicy: networkPolicy && { ...networkPolicy, galera: s.galera },
      drill: s.drill?.fromCopy === undefined ? drill : undefined,
      expectedDuration: durationOf(s.expectedDuration, field('expectedDuration'), problems),
      copies: copiesOf(db, placed, problems),
    });
    if (drill && s.drill?.fromCopy !== undefined) {
      // A drill of a copy: as the plan builds its drill (same scope and id), from the copy's Repository.
      const copy = plan.backup.copy(s.drill.fromCopy);
      if (!copy) {
        const names = plan.copies.map((k) => k.copyName);
        problems.push(problem(`${field('drill')}.fromCopy`, `"${s.drill.fromCopy}" is not a copy of a backup into Repository "${plan.repository.name}"${names.length ? ` (its copies: ${names.join(', ')})` : ' (it has no copies)'}`,
          names.length ? 'use one of those names, or leave fromCopy out to restore from the primary' : `give ${db.sourceOf('copies')}.copies, or leave fromCopy out to restore from the primary`));
      } else {
        new PerconaXtraDbRestoreDrill(plan, 'Drill', {
          ...drill,
          namespace: db.namespace,
          labels,
          networkPolicy: drill.networkPolicy ?? (networkPolicy && { ...networkPolicy, galera: s.galera }),
          database: db.name,
          version: String(s.version),
          repository: copy.repository,
        });
      }
    }
    if (s.keepRepository !== false) {
      // The copies' Repositories hold snapshots too: kept the same way.
      for (const repository of [plan.repository, ...plan.copies.map((c) => c.repository)]) {
        for (const [k, v] of Object.entries(KEEP_ANNOTATION)) repository.apiObject.metadata.addAnnotation(k, v);
      }
    }
    plans.set(key, { plan, db });
    // Two databases in one repository location: the constructs' app-wide check reports it (databases[i].prefix).
    const secretKey = `${db.namespace}/${s.storageSecretName}`;
    if (!secrets.has(secretKey)) secrets.set(secretKey, backend);
  }

  (values.restores ?? []).forEach((r: any, index: number) => {
    const entry = `restores[${index}]`;
    const namespace = r.namespace || release.namespace;
    let repository;
    let version = r.version;
    if (r.from !== undefined && r.repository !== undefined) {
      problems.push(problem(`${entry}.from`, 'is set together with repository', 'keep one of them'));
      return;
    }
    if (r.from !== undefined) {
      const source = [...plans.values()].find(({ db }) => db.name === r.from && (r.fromNamespace || namespace) === db.namespace);
      if (!source) {
        problems.push(problem(`${entry}.from`, `"${r.from}" is not a database this release backs up in namespace "${r.fromNamespace || namespace}"`,
          'name an enabled entry of databases (and fromNamespace if it is in another namespace), or give repository: { name, namespace }'));
        return;
      }
      repository = source.plan.repository;
      version = version ?? source.db.settings.version;
    } else if (r.repository?.name) {
      // By name on purpose: a Repository the release no longer declares (one a removed database
      // left); typos of the release's own databases are caught by `from`.
      repository = Repository.fromRepositoryName(r.repository.name, r.repository.namespace, { declaredElsewhere: true });
    } else {
      problems.push(problem(`${entry}.from`, 'is missing', 'name the database of this release to restore from, or give repository: { name, namespace }'));
      return;
    }
    if (!version) {
      problems.push(problem(`${entry}.version`, 'is missing', 'give the version of the backed-up database, e.g. "8.0.36"'));
      return;
    }
    if (r.snapshotNotAfter !== undefined && r.snapshot !== undefined) {
      problems.push(problem(`${entry}.snapshotNotAfter`, 'is set together with snapshot', 'keep one of them'));
      return;
    }
    const timeout = durationOf(r.timeout, `${entry}.timeout`, problems);
    // Without values rules the construct's one rule carries the values `snapshot`.
    renames.set(entry, { entry, fields: { 'repository': 'from', ...(r.rules === undefined ? { 'rules[0].snapshots': r.snapshotNotAfter !== undefined ? 'snapshotNotAfter' : 'snapshot' } : {}) } });
    const c = r.cluster;
    new PerconaXtraDbRestore(chart, entry, {
      name: r.name,
      namespace,
      labels,
      annotations: r.annotations,
      database: r.database,
      version: String(version),
      repository,
      snapshot: snapshotChoiceOf(r),
      rules: Array.isArray(r.rules) ? r.rules.map((rule: any) => ({
        sourceHost: rule?.sourceHost, targetHosts: rule?.targetHosts, snapshots: Array.isArray(rule?.snapshots) ? rule.snapshots.map(snapshotOf) : undefined,
      })) : undefined,
      cluster: c ? {
        replicas: c.replicas,
        dataVolumeName: c.dataVolumeName,
        volumeClaimTemplates: (c.volumeClaimTemplates ?? []).map((t: any) => ({
          name: t.name, storage: sizeOf(t.storage), storageClassName: t.storageClassName,
          accessModes: t.accessModes as VolumeAccessMode[] | undefined,
        })),
      } : undefined,
      allowRestoreIntoBackedUpDatabase: r.allowRestoreIntoBackedUpDatabase,
      fromCopy: r.fromCopy,
      overwrite: r.overwrite,
      guardContainerName: r.guardContainerName,
      args: r.args,
      waitTimeout: r.waitTimeout !== undefined ? Duration.seconds(r.waitTimeout) : undefined,
      timeout,
      runtimeSettings: runtimeSettingsOf(r.runtimeSettings),
      tempDir: tempDirOf(r.tempDir),
      defaultSecurityContext: r.defaultSecurityContext,
      preRestoreHook: hookOf(r.preRestoreHook),
      postRestoreHook: hookOf(r.postRestoreHook),
      networkPolicy,
    });
  });

  // A clone: a KubeDB PerconaXtraDB and the restore into it; its Repository as a restore's (from, or repository).
  (values.clones ?? []).forEach((c: any, index: number) => {
    const entry = `clones[${index}]`;
    const namespace = c.namespace || release.namespace;
    let repository;
    let version = c.version;
    if (c.from !== undefined && c.repository !== undefined) {
      problems.push(problem(`${entry}.from`, 'is set together with repository', 'keep one of them'));
      return;
    }
    if (c.from !== undefined) {
      const source = [...plans.values()].find(({ db }) => db.name === c.from && (c.fromNamespace || namespace) === db.namespace);
      if (!source) {
        problems.push(problem(`${entry}.from`, `"${c.from}" is not a database this release backs up in namespace "${c.fromNamespace || namespace}"`,
          'name an enabled entry of databases (and fromNamespace if it is in another namespace), or give repository: { name, namespace }'));
        return;
      }
      repository = source.plan.repository;
      version = version ?? source.db.settings.version;
      if (c.fromCopy !== undefined) {
        // PerconaXtraDbClone takes the Repository itself: the copy's, as a restore's fromCopy reads it.
        const copy = source.plan.backup.copy(c.fromCopy);
        if (!copy) {
          const names = source.plan.copies.map((k) => k.copyName);
          problems.push(problem(`${entry}.fromCopy`, `"${c.fromCopy}" is not a copy of a backup into Repository "${source.plan.repository.name}"${names.length ? ` (its copies: ${names.join(', ')})` : ' (it has no copies)'}`,
            names.length ? 'use one of those names, or leave fromCopy out to restore from the primary' : `give ${source.db.sourceOf('copies')}.copies, or leave fromCopy out to restore from the primary`));
          return;
        }
        repository = copy.repository;
      }
    } else if (c.repository?.name) {
      if (c.fromCopy !== undefined) {
        problems.push(problem(`${entry}.fromCopy`, `"${c.fromCopy}" needs from (a database of this release and its copies); repository names a Repository by name`, 'name the database in from, or give the copy\'s Repository itself as repository'));
        return;
      }
      repository = Repository.fromRepositoryName(c.repository.name, c.repository.namespace, { declaredElsewhere: true });
    } else {
      problems.push(problem(`${entry}.from`, 'is missing', 'name the database of this release to clone, or give repository: { name, namespace }'));
      return;
    }
    if (!version) {
      problems.push(problem(`${entry}.version`, 'is missing', 'give the version of the backed-up database, e.g. "8.0.36"'));
      return;
    }
    if (c.snapshotNotAfter !== undefined && c.snapshot !== undefined) {
      problems.push(problem(`${entry}.snapshotNotAfter`, 'is set together with snapshot', 'keep one of them'));
      return;
    }
    renames.set(entry, { entry, fields: { 'Restore.repository': 'from', 'rules[0].snapshots': c.snapshotNotAfter !== undefined ? 'snapshotNotAfter' : 'snapshot', 'Restore.version': 'version' } });
    new PerconaXtraDbClone(chart, entry, {
      name: c.name,
      namespace,
      labels,
      version: String(version),
      repository,
      mode: c.mode as CloneMode | undefined,
      replicas: c.replicas,
      storage: sizeOf(c.storage),
      storageClassName: c.storageClassName,
      deletionPolicy: c.deletionPolicy as CloneDeletionPolicy | undefined,
      authSecretName: c.authSecretName,
      snapshot: snapshotChoiceOf(c),
      restoreName: c.restoreName,
    });
  });

  const bp = values.blueprint ?? {};
  if (bp.enabled) {
    const schedule = scheduleOf(bp.schedule, 'blueprint.schedule', problems);
    const backend = backendOf(bp.backend, bp.prefix, 'blueprint.backend', problems);
    if (schedule && backend) {
      renames.set('blueprint', { entry: 'blueprint', fields: { 'backend.local': 'backend.local' } });
      new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
        name: bp.name,
        labels,
        backend,
        storageSecretName: bp.storageSecretName,
        version: bp.version,
        wipeOut: bp.wipeOut,
        schedule,
        retentionPolicy: retentionOf(bp.retentionPolicy),
        timeout: durationOf(bp.timeout, 'blueprint.timeout', problems),
        backupHistoryLimit: bp.backupHistoryLimit,
        runtimeSettings: runtimeSettingsOf(bp.runtimeSettings),
        tempDir: tempDirOf(bp.tempDir),
        usagePolicy: usagePolicyOf(bp.usagePolicy, 'blueprint.usagePolicy', problems),
        repositoryNamespace: bp.repositoryNamespace,
        backupNamespace: bp.backupNamespace,
        defaultSecurityContext: bp.defaultSecurityContext,
        args: bp.args,
      });
    }
  }

  if (values.storageSecret?.create) {
    const data = values.storageSecret.data ?? {};
    if (Object.keys(data).length === 0) {
      problems.push(problem('storageSecret.data', 'is empty while storageSecret.create is true', 'pass the keys at install time, e.g. --set-file storageSecret.data.RESTIC_PASSWORD=./password (never commit them)'));
    } else {
      for (const [key, backend] of secrets) {
        const [namespace, name] = key.split('/');
        const id = `storageSecret.${namespace}.${name}`;
        renames.set(id, { entry: 'storageSecret', fields: { values: 'data' } });
        new StorageSecret(chart, id, { name, namespace, labels, backend, values: { ...data } });
      }
    }
  }

  if (problems.length === 0) {
    try {
      const manifests = manifestsOf(chart);
      const warnings = [...plans.values()].flatMap(({ plan, db }) => warningsOf(plan).map((w) => `${db.namespace}/${db.name}: ${toValuesProblem(w, renames)}`));
      return { manifests, warnings };
    } catch (e) {
      const lines = (e as Error).message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
      problems.push(...lines.map((l) => toValuesProblem(l, renames)));
    }
  } else {
    // Report the construct problems of what could be built too, so one run lists everything.
    for (const node of app.node.findAll()) for (const err of node.node.validate()) problems.push(toValuesProblem(`[${node.node.path}] ${err}`, renames));
  }
  throw new ValuesProblems(`values of ${BACKUP_CHART_NAME} are invalid:\n  ${problems.join('\n  ')}`);
}
