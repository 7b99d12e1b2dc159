/**
 * Rendering (src/core/render.ts): every custom resource renders its spec in the key order of its
 * CRD schema; the one-pass fast path and cdk8s's own rendering give the same JSON, key order
 * included; no field is lost (unknown fields, names a code generator would rename); escape
 * hatches (JSON patches, custom resolvers, tokens) take cdk8s's own rendering.
 */
import { ApiObject, App, Chart, Duration, IResolver, JsonPatch, Lazy, ResolutionContext, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import {
  Backend, Hook, HookExecutionPolicy, HttpScheme, InstantBackup, IoNiceClass, LocalVolume, PerconaXtraDbAppBinding,
  PerconaXtraDbBackup, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbRestore, POD_ORDINAL, Repository,
  RetentionPolicy, Schedule, ScheduleWindow, SecretTransform, Snapshot, TempDirMedium, UsagePolicy,
} from '../../src';
import { openApiSchemaOf, REPOSITORY, STASH_RESOURCES } from '../../src/api';
import type { JSONSchemaProps } from '../../src/api/json-schema';
import { StashApiObject } from '../../src/core/render';
import { EXAMPLES } from '../../generator/chart/examples';

/** Our custom resources (cdk8s's `instanceof` answers for every ApiObject, so look at the type). */
function stashObjects(scope: IConstruct): StashApiObject[] {
  // Not `instanceof`: cdk8s's ApiObject answers it for every ApiObject (Symbol.hasInstance), and
  // an app may hold others (the backup alerts' PrometheusRule).
  return scope.node.findAll().filter((c): c is StashApiObject => StashApiObject.prototype.isPrototypeOf(c));
}

/** Both paths: the same JSON, the same key order at every level (what makes the YAML byte-identical). */
function expectSameRendering(obj: StashApiObject): void {
  const onePass = obj.toJsonOnePass();
  if (onePass !== undefined) expect(JSON.stringify(onePass)).toBe(JSON.stringify(obj.toJsonViaCdk8s()));
  expect(JSON.stringify(obj.toJson())).toBe(JSON.stringify(obj.toJsonViaCdk8s()));
}

/** Paths where the keys of an object are not in the schema's order (known keys first, as declared). */
function misordered(value: any, schema: JSONSchemaProps | undefined, at = 'spec'): string[] {
  if (value === null || typeof value !== 'object' || !schema) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => misordered(v, schema.items, `${at}[${i}]`));
  const declared = Object.keys(schema.properties ?? {});
  if (declared.length === 0) return [];
  const keys = Object.keys(value);
  const known = keys.filter((k) => declared.includes(k));
  const expected = declared.filter((k) => keys.includes(k));
  const out = known.join() === expected.join() && keys.slice(0, known.length).join() === known.join() ? [] : [at];
  return out.concat(known.flatMap((k) => misordered(value[k], schema.properties![k], `${at}.${k}`)));
}

function specSchema(obj: ApiObject): JSONSchemaProps {
  const def = STASH_RESOURCES.find((d) => `${d.group}/${d.version}` === obj.apiVersion && d.kind === obj.kind)!;
  return openApiSchemaOf(def).properties!.spec;
}

/** Every construct variant we can build quickly, in one namespaced and one plain chart. */
function variants(namespace: string | undefined): Chart {
  const chart = new Chart(Testing.app(), 'variants', { namespace });
  const backends = [
    Backend.s3({ bucket: 'bucket', region: 'us-west-2', prefix: 'p' }),
    Backend.s3({ endpoint: 'https://minio.test', bucket: 'bucket', insecureTls: true }),
    Backend.gcs({ bucket: 'bucket', prefix: '/p', maxConnections: 10 }),
    Backend.azure({ container: 'container', prefix: 'p', maxConnections: 4 }),
    Backend.swift({ container: 'c', prefix: 'p' }),
    Backend.b2({ bucket: 'bucket', prefix: 'p', maxConnections: 2 }),
    Backend.rest({ url: 'https://rest.example.com:8000/x/', basicAuth: true }),
    Backend.local({ volume: LocalVolume.persistentVolumeClaim('pvc'), subPath: 's' }),
    Backend.local({ volume: LocalVolume.nfs({ server: 'nfs.svc', path: '/exports' }), mountPath: '/backups' }),
    Backend.local({ volume: LocalVolume.hostPath('/var/stash') }),
  ];
  const policies = [undefined, UsagePolicy.allNamespaces(), UsagePolicy.namespacesWithLabels({ z: '1', a: '2' }), UsagePolicy.namespaces(['x', 'y'])];
  const repos = backends.map((backend, i) => new Repository(chart, `repo-${i}`, {
    name: `repo-${i}`, backend, storageSecretName: 's', wipeOut: i % 2 === 0, usagePolicy: policies[i % policies.length],
    labels: { zeta: 'z', alpha: 'a' }, annotations: { 'b/x': '1', 'a/y': '2' },
  }));
  const backup = new PerconaXtraDbBackup(chart, 'backup-all', {
    name: 'all', database: 'db', version: '8.0.36', repository: repos[0],
    schedule: Schedule.cron('*/5 * * * *'), retentionPolicy: RetentionPolicy.keepLast(5, { prune: true }),
    paused: true, timeout: Duration.hours(2), backupHistoryLimit: 3, retry: { maxRetry: 2, delay: Duration.minutes(10) },
    args: '--databases playground', waitTimeout: Duration.seconds(600), taskParams: { socatRetry: '60', a: 'b' },
    tempDir: { medium: TempDirMedium.MEMORY, sizeLimit: Size.gibibytes(2), disableCaching: true },
    preBackupHook: Hook.exec(['/bin/sh', '-c', 'echo start'], { containerName: 'perconaxtradb' }),
    postBackupHook: Hook.httpPost({
      host: 'hooks.example.com', port: 443, scheme: HttpScheme.HTTPS, path: '/backup', body: '{}',
      headers: { 'Content-Type': 'application/json' }, executionPolicy: HookExecutionPolicy.ON_FINAL_RETRY_FAILURE,
    }),
    runtimeSettings: {
      container: {
        resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
        nice: 10, ionice: { ioClass: IoNiceClass.BEST_EFFORT, classData: 7 },
        securityContext: { runAsUser: 999, runAsNonRoot: true, allowPrivilegeEscalation: false },
        env: { TZ: 'UTC', A: 'b' }, secretEnv: { TOKEN: { secretName: 'hooks', key: 'token' } },
      },
      pod: {
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'backup', operator: 'Exists', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['backup'] }] }] } } },
        priorityClassName: 'backup', serviceAccountName: 'backup-sa',
      },
    },
  } as any);
  new PerconaXtraDbBackup(chart, 'backup-min', {
    database: 'db2', version: '5.7.44', repository: Repository.fromRepositoryName('elsewhere', 'other'),
    schedule: Schedule.spread(ScheduleWindow.daily({ start: '01:00', end: '05:00' })), retentionPolicy: RetentionPolicy.keepDaily(7),
    preBackupHook: Hook.httpGet({ port: 8080, path: '/ready' }), postBackupHook: Hook.tcpSocket(3306, { host: 'db' }),
  });
  new InstantBackup(chart, 'now', { backup });
  new InstantBackup(chart, 'now-ref', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('x', 'prod'), name: 'before-upgrade' });
  new PerconaXtraDbRestore(chart, 'restore-min', { database: 'db-restored', version: '8.0.36', repository: repos[0] });
  new PerconaXtraDbRestore(chart, 'restore-all', {
    name: 'restore-all', database: 'restored', version: '8.0.36', repository: repos[2], snapshot: Snapshot.id('4bc21d6f'),
    cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-restored-${POD_ORDINAL}`, storage: Size.gibibytes(1), storageClassName: 'standard' }] },
    preRestoreHook: Hook.tcpSocket(3306), postRestoreHook: Hook.httpPost({ port: 8080, path: '/restored', executionPolicy: HookExecutionPolicy.ON_SUCCESS }),
    waitTimeout: Duration.minutes(5), taskParams: { z: 'y', a: 'b' },
    runtimeSettings: { container: { nice: 5, env: { B: 'c', A: 'b' } }, pod: { tolerations: [{ operator: 'Exists' }], nodeSelector: { pool: 'restore' } } },
    tempDir: { sizeLimit: Size.gibibytes(1) }, timeout: Duration.hours(1), labels: { a: 'b' },
  } as any);
  new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
    name: 'blueprint', backend: Backend.s3({ bucket: 'bucket', endpoint: 'https://minio', insecureTls: true, prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' }), storageSecretName: 's',
    schedule: Schedule.cron('*/5 * * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    wipeOut: true, usagePolicy: UsagePolicy.namespacesWithLabels({ backup: 'on' }), repositoryNamespace: 'r', backupNamespace: 'b',
    backupHistoryLimit: 2, timeout: Duration.hours(1), retry: { maxRetry: 3, delay: Duration.minutes(5) },
    tempDir: { sizeLimit: Size.gibibytes(1) }, preBackupHook: Hook.tcpSocket(3306),
    postBackupHook: Hook.httpPost({ port: 443, executionPolicy: HookExecutionPolicy.ALWAYS }),
    runtimeSettings: { container: { nice: 5, ionice: { ioClass: 3 } }, pod: { nodeSelector: { a: 'b' } } },
  } as any);
  new PerconaXtraDbAppBinding(chart, 'binding', { name: 'b1', service: 'svc', authSecretName: 'auth', version: '8.0.36' });
  new PerconaXtraDbAppBinding(chart, 'binding-galera', {
    name: 'b2', url: 'mysql://db:3306', authSecretName: 'auth', version: '8.0.36',
    galera: { clusterName: 'c', peers: ['a:4567', 'b'] },
    secretTransforms: [SecretTransform.renameKey('root', 'password'), SecretTransform.addKey('username', 'root'), SecretTransform.addKeysFrom('extra'), SecretTransform.removeKey('tls')],
  } as any);
  new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 'gcs-secret',
    databases: Array.from({ length: 5 }, (_, i) => ({
      name: `pxc-${i}`, namespace: `team-${i % 2}`, version: '8.0.36', backend: Backend.gcs({ bucket: 'fleet', prefix: `pxc-${i}` }),
    })),
  });
  return chart;
}

describe('rendering in schema order, one pass or two', () => {
  test.each(Object.keys(EXAMPLES))('example %s', (name) => {
    const chart = EXAMPLES[name](Testing.app());
    const objects = stashObjects(chart);
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      expectSameRendering(obj);
      expect(misordered(obj.toJson().spec, specSchema(obj))).toEqual([]);
    }
  });

  test.each([['a namespaced chart', 'demo'], ['a chart without namespace', undefined]])('every construct variant, in %s', (_name, namespace) => {
    const chart = variants(namespace);
    Testing.synth(chart); // the variants are valid
    const objects = stashObjects(chart);
    const kinds = new Set(objects.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(['AppBinding', 'BackupBlueprint', 'BackupConfiguration', 'BackupSession', 'Repository', 'RestoreSession']);
    for (const obj of objects) {
      expectSameRendering(obj);
      expect(misordered(obj.toJson().spec, specSchema(obj))).toEqual([]);
    }
    // Only the blueprint in a namespaced chart carries a patch (it drops the chart's namespace).
    const viaCdk8s = objects.filter((o) => o.toJsonOnePass() === undefined).map((o) => o.kind);
    expect(viaCdk8s).toEqual(namespace ? ['BackupBlueprint'] : []);
    expect(objects.find((o) => o.kind === 'BackupBlueprint')!.toJson().metadata).not.toHaveProperty('namespace');
  });

  test('no field is lost: unknown fields, names like volumeID and insecureTLS, nulls dropped, maps sorted', () => {
    const chart = new Chart(Testing.app(), 'odd');
    const wire = {
      zz: 'not in the schema',
      wipeOut: null,
      usagePolicy: { allowedNamespaces: { from: 'Selector', selector: { matchLabels: { z: '1', a: '2', m: null } } } },
      backend: {
        storageSecretName: 's',
        s3: { region: 'r', insecureTLS: true, bucket: 'b', unknown: 1 },
        local: {
          mountPath: '/m',
          awsElasticBlockStore: { volumeID: 'vol-1', fsType: 'ext4' },
          downwardAPI: { items: [] },
          projected: { sources: [{ secret: { name: 'x' } }, null, { configMap: { name: 'y', items: [{ path: 'b', key: 'a' }] } }] },
        },
      },
    };
    const obj = new StashApiObject(chart, 'repo', { resource: REPOSITORY, metadata: { name: 'odd', labels: { b: '1', a: '2' } }, spec: wire });
    expect(obj.toJsonOnePass()).toBeDefined();
    expectSameRendering(obj);
    const spec = obj.toJson().spec;
    expect(spec.backend.s3).toEqual({ bucket: 'b', insecureTLS: true, region: 'r', unknown: 1 });
    expect(Object.keys(spec.backend.s3)).toEqual(['bucket', 'insecureTLS', 'region', 'unknown']);
    expect(spec.backend.local.awsElasticBlockStore).toEqual({ fsType: 'ext4', volumeID: 'vol-1' });
    expect(spec.backend.local.downwardAPI).toEqual({ items: [] });
    expect(spec.backend.local.projected.sources).toEqual([{ secret: { name: 'x' } }, undefined, { configMap: { items: [{ key: 'a', path: 'b' }], name: 'y' } }]);
    expect(Object.keys(spec)).toEqual(['backend', 'usagePolicy', 'zz']);
    expect(Object.keys(spec.usagePolicy.allowedNamespaces.selector.matchLabels)).toEqual(['a', 'z']);
    expect(misordered(spec, specSchema(obj))).toEqual([]);
  });
});

describe('escape hatches take cdk8s\'s own rendering', () => {
  function repository(app: App = Testing.app()): Repository {
    const chart = new Chart(app, 'hatch', { namespace: 'demo' });
    return new Repository(chart, 'repo', { name: 'repo', backend: Backend.gcs({ bucket: 'bucket' }), storageSecretName: 's' });
  }
  const stashObject = (repo: Repository) => repo.apiObject as StashApiObject;

  test('a JSON patch is applied', () => {
    const repo = repository();
    expect(stashObject(repo).toJsonOnePass()).toBeDefined();
    repo.apiObject.addJsonPatch(JsonPatch.add('/spec/wipeOut', true), JsonPatch.add('/metadata/labels', { patched: 'yes' }));
    expect(stashObject(repo).toJsonOnePass()).toBeUndefined();
    const json = repo.apiObject.toJson();
    expect(json.spec.wipeOut).toBe(true);
    expect(Object.keys(json.spec)).toEqual(['backend', 'wipeOut']);
    expect(json.metadata.labels).toEqual({ patched: 'yes' });
    expect(Testing.synth(Chart.of(repo))[0]).toEqual(json);
  });

  test('custom resolvers on the App still run', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'bucket') context.replaceValue('BUCKET');
      }
    }
    const repo = repository(new App({ resolvers: [new Upper()] }));
    expect(stashObject(repo).toJsonOnePass()).toBeUndefined();
    expect(repo.apiObject.toJson().spec.backend.gcs.bucket).toBe('BUCKET');
  });

  test('a token in the spec', () => {
    const chart = new Chart(Testing.app(), 'token');
    const wire = { backend: { storageSecretName: Lazy.any({ produce: () => 'lazy-secret' }), gcs: { bucket: 'bucket' } } };
    const obj = new StashApiObject(chart, 'repo', { resource: REPOSITORY, metadata: { name: 'token' }, spec: wire });
    expect(obj.toJsonOnePass()).toBeUndefined();
    expect(obj.toJson().spec.backend).toEqual({ gcs: { bucket: 'bucket' }, storageSecretName: 'lazy-secret' });
  });

  test('labels added after construction and Lazy values render', () => {
    const repo = repository();
    repo.apiObject.metadata.addLabel('late', 'yes');
    repo.apiObject.metadata.addAnnotation('lazy', Lazy.any({ produce: () => 'produced' }) as any);
    const json = repo.apiObject.toJson();
    expect(json.metadata.labels).toEqual({ late: 'yes' });
    expect(json.metadata.annotations).toEqual({ lazy: 'produced' });
    expectSameRendering(stashObject(repo));
  });
});
