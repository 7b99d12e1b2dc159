/**
 * Random prop sets for every public per-database construct, as a user's typos and edge cases
 * would produce them: plain data ("specs") that fast-check can print and shrink, and a builder
 * that turns a spec into constructs in a chart. Shared by the property tests (the synth either
 * reports problems that each name a field, or emits objects every checker accepts) and the
 * cluster suite (the API server judges the accepted ones).
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  affinityProblems, containerSecurityContextProblems, podSecurityContextProblems, tolerationProblems, topologySpreadProblems,
} from '../../src/core/validation/kubernetes';
import { annotationProblems, labelProblems } from '../../src/core/validation/metadata';
import { cronViolation } from '../../src/core/validation/cron';
import { manifestProblems } from '../../src/core/validation/crd-check';
import { nameViolation, NameRule } from '../../src/core/validation/names';
import { validateTree } from '../../src/core/validation/problems';
import { goDurationProblem, QUANTITY } from '../../src/core/validation/quantities';
import {
  Backend, Hook, HookExecutionPolicy, HttpScheme, InstantBackup, IoNiceClass, LocalVolume, PerconaXtraDbAppBinding,
  PerconaXtraDbBackup, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan, PerconaXtraDbClone, PerconaXtraDbRestore,
  CloneDeletionPolicy, CloneMode, Repository, RetentionPolicy, Schedule, ScheduleWindow, Snapshot, StorageSecret, TempDirMedium, UsagePolicy, VolumeAccessMode,
} from '../../src';

// ---------------------------------------------------------------------------------------------
// Scalars: mostly valid, sometimes hostile.

const HOSTILE_STRINGS = ['', ' ', 'Upper', 'under_score', 'a b', 'dot.ted', '-lead', 'trail-', 'x'.repeat(64), 'x'.repeat(254), 'ünï', 'a/b', 'a:b', '*', '${X}', 'tab\t', 'new\nline'];
const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, -1, 0, 0.5, 1.5, 1e21, 2 ** 31, 2 ** 53, -0.001];
/** Amounts cdk8s's Size and Duration accept (they refuse negative ones at the caller's own call). */
const HOSTILE_AMOUNTS = [NaN, Infinity, 0, 0.5, 1.5, 1e21, 2 ** 31, 2 ** 53, 0.001];

/** `valid` most of the time, `hostile` rarely: a case has many fields, and most cases should still be accepted. */
export function mostly<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<any>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: hostile as fc.Arbitrary<T> });
}
/** A DNS-1123 label. */
export const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);
/** A name: valid most of the time. */
export const name = mostly(label, fc.constantFrom(...HOSTILE_STRINGS));
/** An optional value. */
export function maybe<T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq });
}
/** An integer in [min, max], sometimes not. */
export function int(min: number, max: number): fc.Arbitrary<number> {
  return mostly(fc.integer({ min, max }), fc.constantFrom(...HOSTILE_NUMBERS, min - 1, max + 1));
}
const labelKey = mostly(
  fc.oneof(label, fc.tuple(label, label).map(([a, b]) => `${a}.example.com/${b}`)),
  fc.constantFrom('bad key', '/x', 'a/b/c', 'x'.repeat(64), 'UPPER.example.com/x', 'params.stash.appscode.com/bad name'),
);
const labelValue = mostly(fc.oneof(label, fc.constant('')), fc.constantFrom('a b', 'x'.repeat(64), '-x', 'ü'));
/** A label map. */
export const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const annotations = fc.dictionary(labelKey, fc.string({ maxLength: 10 }), { maxKeys: 3 });

// ---------------------------------------------------------------------------------------------
// Specs: plain data, turned into library values by the functions below.

const durationSpec = fc.record({
  unit: fc.constantFrom('millis', 'seconds', 'minutes', 'hours', 'days'),
  n: mostly(fc.integer({ min: 1, max: 500 }), fc.constantFrom(...HOSTILE_AMOUNTS, 300000, 1.0001)),
});
type DurationSpec = { unit: string; n: number };
function duration(s: DurationSpec): Duration {
  return (Duration as any)[s.unit](s.n);
}

const sizeSpec = fc.record({
  unit: fc.constantFrom('mebibytes', 'gibibytes', 'tebibytes', 'kibibytes'),
  n: mostly(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(...HOSTILE_AMOUNTS, 1e20)),
});
type SizeSpec = { unit: string; n: number };
function size(s: SizeSpec): Size {
  return (Size as any)[s.unit](s.n);
}
const cpuSpec = fc.record({
  unit: fc.constantFrom('millis', 'units'),
  n: mostly(fc.integer({ min: 1, max: 4000 }), fc.constantFrom(...HOSTILE_NUMBERS)),
});
function cpu(s: { unit: string; n: number }): Cpu {
  return (Cpu as any)[s.unit](s.n);
}

const CRONS = ['*/5 * * * *', '0 2 * * *', '30 2 * * MON-FRI', '@daily', '@every 6h', '0 0 1 1 *', '15 */4 * * *', ' 0 1 * * * ', '5/15 1-3 * JAN-JUN SUN'];
const BAD_CRONS = ['0 0 31 2 *', '@every5m', '@every  5m', '@every 3000000h', '* * * *', '60 * * * *', '*/0 * * * *', 'TZ=UTC 0 0 * * *', '@fortnightly', ''];
const scheduleSpec = fc.oneof(
  fc.record({ kind: fc.constant('cron'), expr: mostly(fc.constantFrom(...CRONS), fc.constantFrom(...BAD_CRONS)) }),
  fc.record({ kind: fc.constant('hourly'), minute: int(0, 59) }),
  fc.record({ kind: fc.constant('daily'), hour: int(0, 23), minute: int(0, 59) }),
  fc.record({ kind: fc.constant('weekly'), hour: int(0, 23), minute: int(0, 59), weekday: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('monthly'), day: int(1, 28), hour: int(0, 23), minute: int(0, 59) }),
  fc.record({ kind: fc.constant('everyMinutes'), n: int(1, 59) }),
  fc.record({ kind: fc.constant('spread'), start: fc.constantFrom('01:00', '22:30'), end: fc.constantFrom('05:00', '02:15') }),
);
function schedule(s: any): Schedule {
  switch (s.kind) {
    case 'cron': return Schedule.cron(s.expr);
    case 'hourly': return Schedule.hourly({ minute: s.minute });
    case 'daily': return Schedule.daily({ hour: s.hour, minute: s.minute });
    case 'weekly': return Schedule.weekly({ hour: s.hour, minute: s.minute, weekday: s.weekday });
    case 'monthly': return Schedule.monthly({ day: s.day, hour: s.hour, minute: s.minute });
    case 'everyMinutes': return Schedule.everyMinutes(s.n);
    default: return Schedule.spread(ScheduleWindow.daily({ start: s.start, end: s.end }));
  }
}

const retentionSpec = fc.oneof(
  fc.record({ kind: fc.constant('keepLast'), n: int(1, 100) }),
  fc.record({ kind: fc.constant('of'), props: fc.record({
    keepDaily: maybe(int(1, 30)), keepWeekly: maybe(int(1, 8)), keepMonthly: maybe(int(1, 12)),
    keepTags: maybe(fc.array(mostly(label, fc.constantFrom('a b', '', 'x,y')), { maxLength: 2 })),
    prune: maybe(fc.boolean()), dryRun: maybe(fc.boolean()), name: maybe(mostly(label, fc.constant(''))),
  }, { requiredKeys: [] }) }),
);
function retention(s: any): RetentionPolicy {
  return s.kind === 'keepLast' ? RetentionPolicy.keepLast(s.n) : RetentionPolicy.of(s.props);
}

const hookOptions = fc.record({
  containerName: maybe(name, 1),
  executionPolicy: maybe(fc.constantFrom(HookExecutionPolicy.ALWAYS, HookExecutionPolicy.ON_FAILURE), 1),
}, { requiredKeys: [] });
const hookSpec = fc.oneof(
  fc.record({ kind: fc.constant('exec'), command: mostly(fc.array(fc.constantFrom('/bin/sh', '-c', 'true'), { minLength: 1, maxLength: 3 }), fc.constant([])), options: hookOptions }),
  fc.record({ kind: fc.constant('httpGet'), port: int(1, 65535), path: maybe(mostly(fc.constantFrom('/', '/done'), fc.constantFrom('no-slash', '/a b'))), host: maybe(mostly(fc.constantFrom('hooks.example.com', '10.0.0.1'), fc.constant('bad host'))), scheme: maybe(fc.constantFrom(HttpScheme.HTTP, HttpScheme.HTTPS)), options: hookOptions }),
  fc.record({ kind: fc.constant('tcp'), port: int(1, 65535), options: hookOptions }),
);
function hook(s: any): Hook {
  if (s.kind === 'exec') return Hook.exec(s.command, s.options);
  if (s.kind === 'httpGet') return Hook.httpGet({ ...s.options, port: s.port, path: s.path, host: s.host, scheme: s.scheme });
  return Hook.tcpSocket(s.port, s.options);
}

const matchExpression = fc.record({
  key: labelKey,
  operator: mostly(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), fc.constantFrom('Gt', 'Bogus')),
  values: maybe(fc.array(labelValue, { maxLength: 2 })),
}, { requiredKeys: ['key', 'operator'] }).map((r) => (r.operator === 'Exists' || r.operator === 'DoesNotExist') && Math.abs(JSON.stringify(r).length % 7) !== 0 ? { key: r.key, operator: r.operator } : r);
const affinity = fc.oneof(
  fc.record({ nodeAffinity: fc.record({
    requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(fc.record({ matchExpressions: fc.array(matchExpression, { maxLength: 2 }) }), { maxLength: 2 }) }),
  }) }),
  fc.record({ nodeAffinity: fc.record({
    preferredDuringSchedulingIgnoredDuringExecution: fc.array(fc.record({ weight: int(1, 100), preference: fc.record({ matchExpressions: fc.array(matchExpression, { maxLength: 1 }) }) }), { maxLength: 2 }),
  }) }),
  fc.record({ podAntiAffinity: fc.record({
    preferredDuringSchedulingIgnoredDuringExecution: fc.array(fc.record({ weight: int(1, 100), podAffinityTerm: fc.record({
      topologyKey: mostly(fc.constant('kubernetes.io/hostname'), fc.constantFrom('', 'bad key')), labelSelector: fc.record({ matchLabels: labels }),
    }) }), { maxLength: 1 }),
  }) }),
);
const toleration = fc.record({
  key: maybe(labelKey),
  operator: maybe(mostly(fc.constantFrom('Equal', 'Exists'), fc.constant('Bogus'))),
  value: maybe(labelValue),
  effect: maybe(mostly(fc.constantFrom('NoSchedule', 'NoExecute'), fc.constant('Bogus'))),
  tolerationSeconds: maybe(int(0, 3600), 1),
}, { requiredKeys: [] });
const topologySpread = fc.record({
  maxSkew: int(1, 5),
  topologyKey: mostly(fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'), fc.constant('bad key')),
  whenUnsatisfiable: mostly(fc.constantFrom('DoNotSchedule', 'ScheduleAnyway'), fc.constant('Never')),
  labelSelector: maybe(fc.record({ matchLabels: labels })),
});
/**
 * A user ID. Never 0: the Pod Security restricted defaults (runAsNonRoot) may be added to the
 * runtime settings, and root with runAsNonRoot is refused (tested on its own).
 */
const userId = mostly(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(-1, 1.5, NaN, 2 ** 31));
const containerSecurity = fc.record({
  runAsUser: maybe(userId),
  runAsGroup: maybe(int(0, 65535)),
  runAsNonRoot: maybe(fc.boolean()),
  allowPrivilegeEscalation: maybe(fc.boolean()),
  readOnlyRootFilesystem: maybe(fc.boolean()),
  capabilities: maybe(fc.record({ drop: fc.constant(['ALL']) })),
  seccompProfile: maybe(mostly(fc.constant({ type: 'RuntimeDefault' }), fc.constantFrom({ type: 'Localhost' }, { type: 'Bogus' }))),
}, { requiredKeys: [] });
const podSecurity = fc.record({
  runAsUser: maybe(userId),
  fsGroup: maybe(int(0, 65535)),
  runAsNonRoot: maybe(fc.boolean()),
  supplementalGroups: maybe(fc.array(int(0, 65535), { maxLength: 2 })),
  seccompProfile: maybe(fc.constant({ type: 'RuntimeDefault' })),
}, { requiredKeys: [] });

/** The PriorityClasses and ServiceAccounts the generator names (the cluster suite creates them). */
export const PRIORITY_CLASSES = ['backup-low', 'backup-high'];
/** ServiceAccounts the generator names. */
export const SERVICE_ACCOUNTS = ['backup-sa', 'stash-runner'];

const runtimeSpec = fc.record({
  container: maybe(fc.record({
    resources: maybe(fc.record({
      cpu: maybe(fc.record({ request: maybe(cpuSpec), limit: maybe(cpuSpec) }, { requiredKeys: [] })),
      memory: maybe(fc.record({ request: maybe(sizeSpec), limit: maybe(sizeSpec) }, { requiredKeys: [] })),
    }, { requiredKeys: [] })),
    nice: maybe(int(-20, 19)),
    ionice: maybe(fc.record({ ioClass: mostly(fc.constantFrom(IoNiceClass.BEST_EFFORT, IoNiceClass.IDLE), fc.constant(4 as IoNiceClass)), classData: maybe(int(0, 7)) }, { requiredKeys: ['ioClass'] })),
    securityContext: maybe(containerSecurity),
    env: maybe(fc.dictionary(mostly(fc.constantFrom('LOG_LEVEL', 'TZ', 'MY_VAR'), fc.constantFrom('1BAD', 'a b', '')), fc.string({ maxLength: 8 }), { maxKeys: 2 })),
    secretEnv: maybe(fc.dictionary(mostly(fc.constantFrom('TOKEN', 'PASS'), fc.constant('bad name')), fc.record({ secretName: name, key: mostly(fc.constantFrom('token', 'tls.crt'), fc.constantFrom('a b', '')) }), { maxKeys: 2 })),
  }, { requiredKeys: [] })),
  pod: maybe(fc.record({
    nodeSelector: maybe(labels),
    tolerations: maybe(fc.array(toleration, { maxLength: 2 })),
    affinity: maybe(affinity),
    topologySpreadConstraints: maybe(fc.array(topologySpread, { maxLength: 1 })),
    priorityClassName: maybe(mostly(fc.constantFrom(...PRIORITY_CLASSES), fc.constantFrom('Fast SSD', 'UPPER'))),
    serviceAccountName: maybe(mostly(fc.constantFrom(...SERVICE_ACCOUNTS), fc.constantFrom('bad name', 'x'.repeat(254)))),
    imagePullSecrets: maybe(fc.array(name, { maxLength: 2 })),
    securityContext: maybe(podSecurity),
    podLabels: maybe(labels),
    podAnnotations: maybe(annotations),
  }, { requiredKeys: [] })),
}, { requiredKeys: [] });
function runtime(s: any): any {
  if (!s) return undefined;
  const c = s.container;
  const r = c?.resources;
  return {
    container: c && {
      ...c,
      resources: r && {
        cpu: r.cpu && { request: r.cpu.request && cpu(r.cpu.request), limit: r.cpu.limit && cpu(r.cpu.limit) },
        memory: r.memory && { request: r.memory.request && size(r.memory.request), limit: r.memory.limit && size(r.memory.limit) },
      },
    },
    pod: s.pod,
  };
}

const backendSpec = fc.oneof(
  fc.record({ provider: fc.constant('s3'), bucket: mostly(label.filter((b) => b.length >= 3), fc.constantFrom('ab', 'Bad_Bucket', '10.0.0.1')), prefix: maybe(mostly(fc.constantFrom('demo/db', 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}'), fc.constantFrom('a//b', '../x', '${TARGET_NAME}'))) }),
  fc.record({ provider: fc.constant('gcs'), bucket: mostly(label.filter((b) => b.length >= 3), fc.constantFrom('googlebucket')), prefix: maybe(fc.constantFrom('demo/db', 'stash/${TARGET_NAME}')), maxConnections: maybe(int(1, 1000), 1) }),
  fc.record({ provider: fc.constant('local'), claim: name, subPath: maybe(mostly(fc.constantFrom('db', 'stash/${TARGET_NAME}'), fc.constant('/abs'))) }),
);
function backend(s: any): Backend {
  if (s.provider === 's3') return Backend.s3({ bucket: s.bucket, prefix: s.prefix });
  if (s.provider === 'gcs') return Backend.gcs({ bucket: s.bucket, prefix: s.prefix, maxConnections: s.maxConnections });
  return Backend.local({ volume: LocalVolume.persistentVolumeClaim(s.claim), subPath: s.subPath });
}

const VERSIONS = ['8.0.36', '5.7.44', '8.0', '8.0.36', '5.7.44', '8.0.36', '1.0', 'latest'];
const backupOptions = fc.record({
  schedule: scheduleSpec,
  retentionPolicy: retentionSpec,
  paused: maybe(fc.boolean()),
  timeout: maybe(durationSpec),
  backupHistoryLimit: maybe(int(0, 10)),
  retry: maybe(fc.record({ maxRetry: int(1, 10), delay: maybe(durationSpec) })),
  runtimeSettings: maybe(runtimeSpec),
  tempDir: maybe(fc.record({ medium: maybe(fc.constantFrom(TempDirMedium.DISK, TempDirMedium.MEMORY)), sizeLimit: maybe(sizeSpec), disableCaching: maybe(fc.boolean()) }, { requiredKeys: [] })),
  preBackupHook: maybe(hookSpec, 1),
  postBackupHook: maybe(hookSpec, 1),
  args: maybe(mostly(fc.constantFrom('--databases shop', '--all-databases'), fc.constant(''))),
  waitTimeout: maybe(durationSpec),
  taskParams: maybe(fc.dictionary(mostly(fc.constant('extra'), fc.constantFrom('bad name', 'args')), fc.string({ maxLength: 5 }), { maxKeys: 2 })),
}, { requiredKeys: ['schedule', 'retentionPolicy'] });
function options(s: any): any {
  return {
    ...s,
    schedule: s.schedule && schedule(s.schedule),
    retentionPolicy: s.retentionPolicy && retention(s.retentionPolicy),
    timeout: s.timeout && duration(s.timeout),
    retry: s.retry && { maxRetry: s.retry.maxRetry, delay: s.retry.delay && duration(s.retry.delay) },
    runtimeSettings: runtime(s.runtimeSettings),
    tempDir: s.tempDir && { ...s.tempDir, sizeLimit: s.tempDir.sizeLimit && size(s.tempDir.sizeLimit) },
    preBackupHook: s.preBackupHook && hook(s.preBackupHook),
    postBackupHook: s.postBackupHook && hook(s.postBackupHook),
    waitTimeout: s.waitTimeout && duration(s.waitTimeout),
  };
}
const metadataSpec = { namespace: maybe(name, 1), labels: maybe(labels, 1), annotations: maybe(annotations, 1) };

/** A spec of one scenario: which constructs, their props, and a required prop a JavaScript caller left out. */
export type CaseSpec = { chartNamespace?: string; construct: string; props: any; drop?: string };

const repositorySpec = fc.record({ name, backend: backendSpec, storageSecretName: name, wipeOut: maybe(fc.boolean()), usagePolicy: maybe(fc.oneof(
  fc.record({ kind: fc.constant('same') }), fc.record({ kind: fc.constant('all') }),
  fc.record({ kind: fc.constant('labels'), labels }), fc.record({ kind: fc.constant('namespaces'), names: fc.array(name, { maxLength: 2 }) }),
)), storageSecretValues: maybe(fc.constant({ RESTIC_PASSWORD: 'x', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }), 1), ...metadataSpec }, { requiredKeys: ['name', 'backend', 'storageSecretName'] });
function usagePolicy(s: any): UsagePolicy | undefined {
  if (!s) return undefined;
  if (s.kind === 'same') return UsagePolicy.sameNamespace();
  if (s.kind === 'all') return UsagePolicy.allNamespaces();
  if (s.kind === 'labels') return UsagePolicy.namespacesWithLabels(s.labels);
  return UsagePolicy.namespaces(s.names);
}
const repoRef = fc.oneof(
  fc.record({ kind: fc.constant('own') }),
  fc.record({ kind: fc.constant('named'), name, namespace: maybe(fc.oneof(name, fc.constant('Other_NS'))) }),
);

/** Every scenario, with the required props a JavaScript caller might leave out. */
export const caseSpec: fc.Arbitrary<CaseSpec> = fc.oneof(
  fc.record({ construct: fc.constant('repository'), props: repositorySpec, drop: maybe(fc.constantFrom('backend', 'storageSecretName', 'name'), 1) }),
  fc.record({ construct: fc.constant('backup'), props: fc.record({ database: name, version: fc.constantFrom(...VERSIONS), repository: repoRef, name: maybe(name, 1), databaseNamespace: maybe(name, 1), options: backupOptions, ...metadataSpec }, { requiredKeys: ['database', 'version', 'repository', 'options'] }), drop: maybe(fc.constantFrom('retentionPolicy', 'schedule', 'repository', 'database'), 1) }),
  fc.record({ construct: fc.constant('instant'), props: fc.record({ backupName: name, backupNamespace: maybe(fc.oneof(name, fc.constant('Demo')), 1), name: maybe(name, 1), namespace: maybe(name, 1) }, { requiredKeys: ['backupName'] }), drop: maybe(fc.constant('backup'), 1) }),
  fc.record({ construct: fc.constant('blueprint'), props: fc.record({ name, backend: backendSpec, storageSecretName: name, version: maybe(fc.constantFrom(...VERSIONS)), options: backupOptions, repositoryNamespace: maybe(name, 1), annotate: maybe(fc.record({ schedule: maybe(scheduleSpec), params: maybe(fc.dictionary(fc.constantFrom('args', 'bad name', 'extra'), fc.string({ maxLength: 5 }), { maxKeys: 2 })) }, { requiredKeys: [] })) }, { requiredKeys: ['name', 'backend', 'storageSecretName', 'options'] }), drop: maybe(fc.constantFrom('retentionPolicy', 'backend'), 1) }),
  fc.record({ construct: fc.constant('restore'), props: fc.record({
    database: name, version: fc.constantFrom(...VERSIONS), repository: repoRef, name: maybe(name, 1),
    snapshot: maybe(fc.constantFrom('latest', '4bc21d6f', 'nothex!!')),
    cluster: maybe(fc.record({ replicas: int(1, 5), templates: fc.array(fc.record({ name: fc.constantFrom('data-db-${POD_ORDINAL}', 'data-db', 'Data_DB-${POD_ORDINAL}'), storage: sizeSpec, storageClassName: maybe(fc.oneof(label, fc.constant('Fast SSD'))), accessModes: maybe(fc.constant([VolumeAccessMode.READ_WRITE_ONCE])) }, { requiredKeys: ['name', 'storage'] }), { minLength: 1, maxLength: 2 }) })),
    waitTimeout: maybe(durationSpec), timeout: maybe(durationSpec), runtimeSettings: maybe(runtimeSpec), preRestoreHook: maybe(hookSpec, 1),
    overwrite: maybe(fc.boolean()), args: maybe(fc.constantFrom('--force')), ...metadataSpec,
  }, { requiredKeys: ['database', 'version', 'repository'] }), drop: maybe(fc.constantFrom('repository', 'version'), 1) }),
  fc.record({ construct: fc.constant('clone'), props: fc.record({
    name, version: fc.constantFrom(...VERSIONS), repository: repoRef, storage: sizeSpec, backedUp: maybe(fc.boolean(), 1),
    mode: maybe(fc.constantFrom(...Object.values(CloneMode), 'Group')), replicas: maybe(fc.oneof(int(1, 7), fc.constant(0))),
    storageClassName: maybe(fc.oneof(label, fc.constant('Fast SSD'))), deletionPolicy: maybe(fc.constantFrom(...Object.values(CloneDeletionPolicy), 'Keep')),
    authSecretName: maybe(name), snapshot: maybe(fc.constantFrom('latest', '4bc21d6f', 'nothex!!')), restoreName: maybe(name, 1), namespace: maybe(name, 1),
  }, { requiredKeys: ['name', 'version', 'repository', 'storage'] }), drop: maybe(fc.constantFrom('storage', 'version'), 1) }),
  fc.record({ construct: fc.constant('appBinding'), props: fc.record({
    name, service: maybe(name), servicePort: maybe(int(1, 65535)), authSecretName: name, version: maybe(fc.constantFrom(...VERSIONS)),
    url: maybe(fc.constantFrom('mysql://db:3306', 'tcp(db:3306)/', 'not a url'), 1),
    galera: maybe(fc.record({ clusterName: fc.oneof(label, fc.constant('bad name')), replicas: int(1, 5) })),
    annotate: maybe(fc.record({ blueprint: name, schedule: maybe(scheduleSpec), params: maybe(fc.dictionary(fc.constantFrom('args', 'bad name'), fc.string({ maxLength: 5 }), { maxKeys: 2 })) })),
    ...metadataSpec,
  }, { requiredKeys: ['name', 'authSecretName'] }), drop: maybe(fc.constant('authSecretName'), 1) }),
  fc.record({ construct: fc.constant('plan'), props: fc.record({ database: name, version: fc.constantFrom(...VERSIONS), backend: backendSpec, storageSecretName: name, repositoryName: maybe(name, 1), extraRepository: maybe(fc.oneof(name, fc.constant('<default>')), 1), options: backupOptions, ...metadataSpec }, { requiredKeys: ['database', 'version', 'backend', 'storageSecretName', 'options'] }), drop: maybe(fc.constantFrom('retentionPolicy', 'backend'), 1) }),
  fc.record({ construct: fc.constant('duplicates'), props: fc.record({ first: name, second: name, same: fc.boolean() }) }),
  fc.record({ construct: fc.constant('fleet'), props: fc.record({ databases: fc.array(fc.record({ name, namespace: name, version: fc.constantFrom(...VERSIONS) }), { maxLength: 3 }), retention: retentionSpec, storageSecretName: name, runtimeSettings: maybe(runtimeSpec) }) }),
).chain((c) => fc.record({ chartNamespace: maybe(fc.oneof(label, fc.constantFrom('my_ns', 'Demo')), 2) }).map((n) => ({ ...c, ...n }) as CaseSpec));

/** Backups that always carry runtime settings (for the pods the cluster suite derives). */
export const runtimeCaseSpec: fc.Arbitrary<CaseSpec> = fc.record({
  database: label, repository: fc.constant({ kind: 'own' }), version: fc.constant('8.0.36'),
  options: fc.record({ schedule: fc.constant({ kind: 'daily', hour: 2, minute: 0 }), retentionPolicy: fc.constant({ kind: 'keepLast', n: 5 }), runtimeSettings: runtimeSpec }),
}).map((props) => ({ construct: 'backup', props, chartNamespace: 'demo' }));

function without(obj: any, key: string | undefined): any {
  if (!key) return obj;
  const { [key]: _drop, ...rest } = obj;
  return rest;
}

function repositoryOf(chart: Chart, s: any, id = 'repo'): any {
  if (s.kind === 'named') return Repository.fromRepositoryName(s.name, s.namespace);
  return new Repository(chart, id, { name: 'repo', backend: Backend.gcs({ bucket: 'backups', prefix: 'demo' }), storageSecretName: 'gcs-secret', usagePolicy: UsagePolicy.allNamespaces() });
}

/** Builds the constructs of `spec` in a new app; returns the chart. */
export function build(spec: CaseSpec): Chart {
  const app = new App({ outdir: '/tmp/stash-pxc-properties' });
  const chart = new Chart(app, 'c', { namespace: spec.chartNamespace, disableResourceNameHashes: true });
  const p = spec.props;
  const drop = spec.drop;
  switch (spec.construct) {
    case 'repository':
      new Repository(chart, 'r', without({ ...p, backend: backend(p.backend), usagePolicy: usagePolicy(p.usagePolicy) }, drop));
      break;
    case 'backup':
      new PerconaXtraDbBackup(chart, 'b', without({ ...p, ...options(p.options), options: undefined, repository: repositoryOf(chart, p.repository) }, drop));
      break;
    case 'instant':
      new InstantBackup(chart, 'i', without({ name: p.name, namespace: p.namespace, backup: PerconaXtraDbBackup.fromBackupConfigurationName(p.backupName, p.backupNamespace) }, drop));
      break;
    case 'blueprint': {
      const bp = new PerconaXtraDbBackupBlueprint(chart, 'bp', without({ ...p, ...options(p.options), options: undefined, paused: undefined, annotate: undefined, backend: backend(p.backend) }, drop));
      if (p.annotate) {
        new PerconaXtraDbAppBinding(chart, 'ab', { name: 'annotated', service: 'db', authSecretName: 'db-auth',
          annotations: bp.annotationsFor({ schedule: p.annotate.schedule && schedule(p.annotate.schedule), params: p.annotate.params, databaseName: 'annotated' }) });
      }
      break;
    }
    case 'restore':
      new PerconaXtraDbRestore(chart, 'rs', without({
        ...p, repository: repositoryOf(chart, p.repository),
        snapshot: p.snapshot && (p.snapshot === 'latest' ? Snapshot.latest() : Snapshot.id(p.snapshot)),
        cluster: p.cluster && { replicas: p.cluster.replicas, volumeClaimTemplates: p.cluster.templates.map((t: any) => ({ ...t, storage: size(t.storage) })) },
        waitTimeout: p.waitTimeout && duration(p.waitTimeout), timeout: p.timeout && duration(p.timeout),
        runtimeSettings: runtime(p.runtimeSettings), preRestoreHook: p.preRestoreHook && hook(p.preRestoreHook),
      }, drop));
      break;
    case 'clone':
      if (p.backedUp) {
        new PerconaXtraDbBackup(chart, 'source', { database: p.name, namespace: p.namespace, version: p.version, repository: repositoryOf(chart, p.repository),
          schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(3) });
      }
      new PerconaXtraDbClone(chart, 'clone', without({
        ...p, backedUp: undefined, repository: repositoryOf(chart, p.repository), storage: size(p.storage),
        snapshot: p.snapshot && (p.snapshot === 'latest' ? Snapshot.latest() : Snapshot.id(p.snapshot)),
      }, drop));
      break;
    case 'appBinding':
      new PerconaXtraDbAppBinding(chart, 'ab', without({
        ...p,
        galera: p.galera && { clusterName: p.galera.clusterName, peers: PerconaXtraDbAppBinding.statefulSetPeers({ statefulSet: 'db', governingService: 'db-pods', replicas: p.galera.replicas }) },
        annotations: p.annotate ? { ...(p.annotations ?? {}), ...PerconaXtraDbBackupBlueprint.autoBackupAnnotations(p.annotate.blueprint, { schedule: p.annotate.schedule && schedule(p.annotate.schedule), params: p.annotate.params }) } : p.annotations,
        annotate: undefined,
      }, drop));
      break;
    case 'plan':
      new PerconaXtraDbBackupPlan(chart, 'plan', without({ ...p, ...options(p.options), options: undefined, extraRepository: undefined, backend: backend(p.backend) }, drop));
      // '<default>': the plan's default repository name, `<database>-repo`.
      if (p.extraRepository) new Repository(chart, 'extra', { name: p.extraRepository === '<default>' ? `${p.database}-repo` : p.extraRepository, namespace: p.namespace, backend: Backend.gcs({ bucket: 'backups' }), storageSecretName: 'gcs-secret' });
      break;
    case 'duplicates':
      new Repository(chart, 'one', { name: p.first, backend: Backend.gcs({ bucket: 'backups', prefix: 'one' }), storageSecretName: 'gcs-secret' });
      new Repository(chart, 'two', { name: p.same ? p.first : p.second, backend: Backend.gcs({ bucket: 'backups', prefix: 'two' }), storageSecretName: 'gcs-secret' });
      break;
    case 'fleet':
      new PerconaXtraDbBackupFleet(chart, 'fleet', {
        databases: p.databases.map((d: any) => ({ ...d, backend: Backend.gcs({ bucket: 'backups', prefix: `fleet/${d.name}` }) })),
        window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
        retentionPolicy: retention(p.retention),
        storageSecretName: p.storageSecretName,
        runtimeSettings: runtime(p.runtimeSettings),
      });
      break;
    default:
      throw new Error(`unknown construct ${spec.construct}`);
  }
  void StorageSecret;
  return chart;
}

// ---------------------------------------------------------------------------------------------
// The judges.

/** One line of a validation error: `[construct path] field: what. Fix: how.` */
const PROBLEM_LINE = /^\[[^\]]+\] [^\s:][^:]*: .+ Fix: .+$/s;

/** The outcome of synthesizing a spec. */
export type Outcome =
  | { readonly kind: 'refused'; readonly problems: string[] }
  | { readonly kind: 'accepted'; readonly manifests: any[] }
  | { readonly kind: 'crashed'; readonly error: string };

/** Builds and synthesizes `spec`: refused with problems, accepted with manifests, or crashed. */
export function synthesize(spec: CaseSpec): Outcome {
  return synthesizeBuilt(() => build(spec));
}

/**
 * Builds a chart with `build` and synthesizes it after every validation of its app: refused with
 * the problems, accepted with the manifests, or crashed (a constructor, a validation or the synth
 * threw anything but the validation error).
 */
export function synthesizeBuilt(build: () => Chart): Outcome {
  let chart: Chart;
  try {
    chart = build();
  } catch (e) {
    return { kind: 'crashed', error: `constructor threw: ${(e as Error)?.stack ?? e}` };
  }
  try {
    validateTree(chart.node.root);
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    const [head, ...lines] = message.split('\n  ');
    if (head !== 'Validation failed with the following errors:') return { kind: 'crashed', error: `validation threw: ${(e as Error)?.stack ?? e}` };
    return { kind: 'refused', problems: lines };
  }
  try {
    return { kind: 'accepted', manifests: chart.toJson() };
  } catch (e) {
    return { kind: 'crashed', error: `synth threw after validation passed: ${(e as Error)?.stack ?? e}` };
  }
}

/** Problems that are not of the form `[path] field: what. Fix: how.` */
export function malformedProblems(problems: readonly string[]): string[] {
  return problems.filter((p) => !PROBLEM_LINE.test(p));
}

/** What a property run counts. */
export interface PropertyStats {
  cases: number;
  accepted: number;
  refused: number;
  objects: number;
  ms: number;
}

/**
 * The property every prop set must meet: synth crashed never; refused, with problems that each
 * name a field and a fix; or accepted, with objects that `kubectl apply` would not overwrite and
 * on which `issuesOf` finds nothing. Returns the accepted manifests (none when refused).
 */
export function judgeOutcome(outcome: Outcome, stats: PropertyStats, issuesOf: (manifest: any) => string[]): any[] {
  stats.cases++;
  if (outcome.kind === 'crashed') throw new Error(outcome.error);
  if (outcome.kind === 'refused') {
    stats.refused++;
    const malformed = malformedProblems(outcome.problems);
    if (outcome.problems.length === 0 || malformed.length > 0) {
      throw new Error(`problems that do not name a field and a fix:\n  ${malformed.join('\n  ')}`);
    }
    return [];
  }
  stats.accepted++;
  const keys = outcome.manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`);
  const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (duplicates.length > 0) throw new Error(`accepted objects that kubectl apply would overwrite: ${duplicates.join(', ')}`);
  for (const m of outcome.manifests) {
    stats.objects++;
    const issues = issuesOf(m);
    if (issues.length > 0) throw new Error(`accepted ${m.kind} "${m.metadata?.name}" has problems:\n  ${issues.join('\n  ')}\n${JSON.stringify(m, null, 1)}`);
  }
  return outcome.manifests;
}

/**
 * Runs `property` on `numRuns` cases of `arbitrary` from `seed`, adding the time to `stats`; a
 * failure says how to replay it (`PROPERTY_SEED`, `PROPERTY_RUNS`).
 */
export function assertSeeded<T>(arbitrary: fc.Arbitrary<T>, property: (value: T) => void, run: { seed: number; chunk: number; numRuns: number; runs: number }, stats: PropertyStats): void {
  const started = Date.now();
  try {
    fc.assert(fc.property(arbitrary, property), { seed: run.seed, numRuns: run.numRuns, endOnFailure: false });
  } catch (e) {
    const cause = (e as any).cause ? `\nCause: ${(e as any).cause?.message ?? (e as any).cause}` : '';
    throw new Error(`${(e as Error).message}${cause}\n\nReplay: PROPERTY_SEED=${run.seed - run.chunk} (part ${run.chunk} uses seed ${run.seed}), PROPERTY_RUNS=${run.runs}`);
  } finally {
    stats.ms += Date.now() - started;
  }
}

function walk(value: unknown, path: string, visit: (v: unknown, path: string) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
}

/**
 * What is wrong with an emitted object, by checks on the output itself (not the props): JSON
 * that survives a round trip, metadata, cron and durations as the Stash operator parses them,
 * quantities, the pod settings as the API server checks the Job's pod, and (with `crds`) the
 * upstream CRD schema, strictly.
 */
export function manifestIssues(m: any, crds?: readonly any[]): string[] {
  const out: string[] = [];
  walk(m, '', (v, path) => {
    if (v === null || v === undefined) out.push(`${path}: is ${v}`);
    if (typeof v === 'number' && !Number.isFinite(v)) out.push(`${path}: is ${v}`);
  });
  const meta = m.metadata ?? {};
  const nameBad = typeof meta.name === 'string' ? nameViolation(meta.name, NameRule.DNS_SUBDOMAIN) : 'missing';
  if (nameBad) out.push(`metadata.name: ${nameBad}`);
  if (meta.namespace !== undefined) {
    const bad = nameViolation(meta.namespace, NameRule.DNS_LABEL);
    if (bad) out.push(`metadata.namespace: ${bad}`);
  }
  out.push(...labelProblems('metadata.labels', meta.labels), ...annotationProblems('metadata.annotations', meta.annotations));
  const spec = m.spec ?? {};
  if (spec.schedule !== undefined) {
    const bad = cronViolation(spec.schedule);
    if (bad) out.push(`spec.schedule: "${spec.schedule}" ${bad}`);
  }
  for (const [path, d] of [['spec.timeOut', spec.timeOut], ['spec.retryConfig.delay', spec.retryConfig?.delay]]) {
    if (d !== undefined) {
      const bad = goDurationProblem(d);
      if (bad) out.push(`${path}: ${bad}`);
    }
  }
  for (const k of ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly']) {
    const n = spec.retentionPolicy?.[k];
    if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 2147483647)) out.push(`spec.retentionPolicy.${k}: ${n}`);
  }
  walk(spec, 'spec', (v, path) => {
    if (/(resources\.(limits|requests)\.[a-z-]+|sizeLimit|storage)$/.test(path) && typeof v === 'string' && !QUANTITY.test(v)) out.push(`${path}: "${v}" is not a quantity`);
  });
  const pod = derivePod(m);
  if (pod) {
    const ps = pod.spec;
    const c = ps.containers[0];
    out.push(
      ...labelProblems('pod.nodeSelector', ps.nodeSelector), ...labelProblems('pod.labels', pod.metadata.labels), ...annotationProblems('pod.annotations', pod.metadata.annotations),
      ...tolerationProblems('pod.tolerations', ps.tolerations), ...affinityProblems('pod.affinity', ps.affinity), ...topologySpreadProblems('pod.topologySpreadConstraints', ps.topologySpreadConstraints),
      ...podSecurityContextProblems('pod.securityContext', ps.securityContext), ...containerSecurityContextProblems('container.securityContext', c.securityContext),
    );
    for (const n of [ps.priorityClassName, ps.serviceAccountName, ...(ps.imagePullSecrets ?? []).map((s: any) => s.name)]) {
      if (n !== undefined && nameViolation(n, NameRule.DNS_SUBDOMAIN)) out.push(`pod: "${n}" is not a DNS subdomain`);
    }
  }
  for (const t of spec.target?.volumeClaimTemplates ?? []) {
    if (t.spec?.storageClassName !== undefined && nameViolation(t.spec.storageClassName, NameRule.DNS_SUBDOMAIN)) out.push(`storageClassName: "${t.spec.storageClassName}"`);
  }
  if (crds && schemaKnown(m, crds)) out.push(...manifestProblems(m, crds).map((f) => `${f.path}: ${f.message}`));
  return out;
}

function schemaKnown(m: any, crds: readonly any[]): boolean {
  return crds.some((c) => c?.spec?.names?.kind === m.kind && m.apiVersion?.startsWith(`${c.spec.group}/`));
}

/**
 * The pod that Stash would create from an object's runtime settings (container securityContext,
 * resources and env; pod placement, identity and security), or undefined when it has none.
 */
export function derivePod(m: any, podName = 'derived'): any | undefined {
  const rs = m?.spec?.runtimeSettings;
  if (!rs) return undefined;
  const c = rs.container ?? {};
  const p = rs.pod ?? {};
  const clean = (o: any) => JSON.parse(JSON.stringify(o));
  return clean({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, labels: p.podLabels, annotations: p.podAnnotations },
    spec: {
      containers: [{ name: 'backup', image: 'stashed/stash-percona-xtradb:8.0.36', securityContext: c.securityContext, resources: c.resources, env: c.env }],
      nodeSelector: p.nodeSelector,
      tolerations: p.tolerations,
      affinity: p.affinity,
      topologySpreadConstraints: p.topologySpreadConstraints,
      securityContext: p.securityContext,
      priorityClassName: p.priorityClassName,
      serviceAccountName: p.serviceAccountName,
      imagePullSecrets: p.imagePullSecrets,
    },
  });
}
