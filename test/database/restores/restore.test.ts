/**
 * PerconaXtraDbRestore (RestoreSession): standalone and cluster restores as in the seed, every
 * option, strict conformance with the upstream CRD, and the synth-time checks, including the
 * guard against restoring into a database that is being backed up.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Backend, Hook, HookExecutionPolicy, manifestProblems, PerconaXtraDbAppBinding, PerconaXtraDbBackup, PerconaXtraDbBackupPlan, PerconaXtraDbRestore, PerconaXtraDbRestoreProps,
  POD_ORDINAL, Repository, RetentionPolicy, Schedule, Snapshot, VolumeAccessMode,
  restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext,
} from '../../../src';
import { PerconaXtraDbVersion } from '../../../src/api';
import { guardCommand } from '../../../src/database/restores/restore-guard';
import { describeWithReference, upstreamCrds } from '../../support/reference';

const REPO = Repository.fromRepositoryName('gcs-repo-xtradb-cluster');

const CLUSTER = {
  replicas: 3,
  volumeClaimTemplates: [{ name: `data-restored-xtradb-cluster-${POD_ORDINAL}`, storage: Size.gibibytes(1), storageClassName: 'standard' }],
};

function restoreChart(props: Partial<PerconaXtraDbRestoreProps> = {}): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
  new PerconaXtraDbRestore(chart, 'restore', { database: 'restored-xtradb', version: '8.0.36', repository: REPO, ...props });
  return chart;
}

function restoreOf(props: Partial<PerconaXtraDbRestoreProps> = {}): any {
  return Testing.synth(restoreChart(props))[0];
}

describe('standalone restore', () => {
  test('the seed restore: latest snapshot into the new database\'s AppBinding', () => {
    expect(restoreOf()).toEqual({
      apiVersion: 'stash.appscode.com/v1beta1',
      kind: 'RestoreSession',
      metadata: { name: 'restored-xtradb-restore', namespace: 'demo', labels: { 'stash-pxc/invoker': 'restored-xtradb-restore' } },
      spec: {
        repository: { name: 'gcs-repo-xtradb-cluster' },
        task: { name: 'perconaxtradb-restore-8.0' },
        target: {
          ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'restored-xtradb' },
          rules: [{ snapshots: ['latest'] }],
        },
        hooks: {
          preRestore: { exec: { command: guardCommand('check', 'demo/restored-xtradb-restore') }, containerName: 'perconaxtradb' },
          postRestore: { exec: { command: guardCommand('mark', 'demo/restored-xtradb-restore') }, containerName: 'perconaxtradb', executionPolicy: 'OnSuccess' },
        },
        runtimeSettings: {
          container: { securityContext: restrictedJobContainerSecurityContext() },
          pod: { securityContext: restrictedJobPodSecurityContext() },
        },
      },
    });
  });

  test.each(PerconaXtraDbVersion.all())('version line $line restores with its Task', (line) => {
    expect(restoreOf({ version: `${line.line}.1` }).spec.task.name).toBe(line.restoreTaskName);
  });

  test('a snapshot by id, hooks, params and runtime settings', () => {
    const spec = restoreOf({
      name: 'restore-before-incident',
      overwrite: true,
      snapshot: Snapshot.id('4bc21d6f'),
      preRestoreHook: Hook.exec(['/bin/sh', '-c', 'echo start']),
      postRestoreHook: Hook.httpPost({ port: 8080, path: '/restored', executionPolicy: HookExecutionPolicy.ON_SUCCESS }),
      args: '--force',
      waitTimeout: Duration.minutes(10),
      taskParams: { extra: 'x' },
      runtimeSettings: { container: { nice: 19 }, pod: { nodeSelector: { pool: 'restore' } } },
      tempDir: { sizeLimit: Size.gibibytes(5) },
      timeout: Duration.hours(3),
    }).spec;
    expect(spec.target.rules).toEqual([{ snapshots: ['4bc21d6f'] }]);
    expect(spec.task.params).toEqual([{ name: 'args', value: '--force' }, { name: 'extra', value: 'x' }, { name: 'waitTimeout', value: '600' }]);
    expect(spec.hooks).toEqual({
      preRestore: { exec: { command: ['/bin/sh', '-c', 'echo start'] } },
      postRestore: { httpPost: { port: 8080, path: '/restored' }, executionPolicy: 'OnSuccess' },
    });
    expect(spec.runtimeSettings).toEqual({
      container: { nice: { adjustment: 19 }, securityContext: restrictedJobContainerSecurityContext() },
      pod: { nodeSelector: { pool: 'restore' }, securityContext: restrictedJobPodSecurityContext() },
    });
    expect(spec.tempDir).toEqual({ sizeLimit: '5Gi' });
    expect(spec.timeOut).toBe('3h');
  });
});

describe('the restore\'s marker label, which the operator leaves alone', () => {
  // What the operator does to a RestoreSession whose AppBinding KubeDB manages
  // (EnsureKubeDBIntegration): it copies the AppBinding's instance, name and managed-by labels.
  const kubedbRewrite = (labels: { [k: string]: string }, database: string): { [k: string]: string } => ({
    ...labels,
    'app.kubernetes.io/instance': database,
    'app.kubernetes.io/name': 'perconaxtradbs.kubedb.com',
    'app.kubernetes.io/managed-by': 'kubedb.com',
  });

  test.each([
    ['standalone', {}],
    ['cluster', { database: 'restored-xtradb-cluster', cluster: CLUSTER }],
    ['with its own labels and a network policy', { name: 'r1', labels: { 'app.kubernetes.io/instance': 'shop', team: 'db' }, networkPolicy: { apiServerCidrs: ['10.0.0.1/32'] } }],
  ] as Array<[string, Partial<PerconaXtraDbRestoreProps>]>)('%s: stash-pxc/invoker names the RestoreSession and survives the rewrite', (_what, props) => {
    const rs = restoreOf(props);
    expect(rs.metadata.labels['stash-pxc/invoker']).toBe(rs.metadata.name);
    const rewritten = kubedbRewrite(rs.metadata.labels, rs.spec.target.ref.name);
    expect(rewritten['stash-pxc/invoker']).toBe(rs.metadata.name);
    // A user's instance label does not: it is the database's after the rewrite.
    if (props.labels) expect(rewritten['app.kubernetes.io/instance']).not.toBe(props.labels['app.kubernetes.io/instance']);
  });
});

describe('cluster restore', () => {
  test('the seed cluster restore: 3 members, volumes per ordinal, data directory, host-0 to all', () => {
    const rs = restoreOf({ database: 'restored-xtradb-cluster', cluster: CLUSTER });
    expect(rs.metadata.name).toBe('restored-xtradb-cluster-restore');
    expect(rs.spec.target).toEqual({
      ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'restored-xtradb-cluster' },
      replicas: 3,
      volumeMounts: [{ name: 'data-restored-xtradb-cluster', mountPath: '/var/lib/mysql' }],
      volumeClaimTemplates: [{
        metadata: { name: 'data-restored-xtradb-cluster-${POD_ORDINAL}' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } },
      }],
      rules: [{ targetHosts: [], sourceHost: 'host-0', snapshots: ['latest'] }],
    });
  });

  test('explicit rules, data volume name and access modes', () => {
    const target = restoreOf({
      database: 'restored-xtradb-cluster',
      cluster: {
        replicas: 2,
        dataVolumeName: 'data',
        volumeClaimTemplates: [{ name: `data-${POD_ORDINAL}`, storage: Size.gibibytes(20), accessModes: [VolumeAccessMode.READ_WRITE_ONCE_POD] }],
      },
      rules: [
        { sourceHost: 'host-0', targetHosts: ['host-0'], snapshots: [Snapshot.id('4bc21d6f')] },
        { sourceHost: 'host-0', targetHosts: ['host-1'] },
      ],
    }).spec.target;
    expect(target.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/mysql' }]);
    expect(target.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '20Gi' } } });
    expect(target.rules).toEqual([
      { sourceHost: 'host-0', targetHosts: ['host-0'], snapshots: ['4bc21d6f'] },
      { sourceHost: 'host-0', targetHosts: ['host-1'], snapshots: ['latest'] },
    ]);
  });

  test.each([
    ['no volume claim templates', { cluster: { replicas: 3, volumeClaimTemplates: [] } }, /\[test\/restore\] cluster\.volumeClaimTemplates: is empty, so Stash has no volume to restore the data directory into\. Fix: add the data volume/],
    ['zero replicas', { cluster: { ...CLUSTER, replicas: 0 } }, /\[test\/restore\] cluster\.replicas: 0 is not a whole number between 1 and 1000\. Fix: give the number of members/],
    ['a template name without the ordinal', { cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-db', storage: Size.gibibytes(1) }] } }, /cluster\.volumeClaimTemplates\[0\]\.name: "data-db" has no \$\{POD_ORDINAL\}, so all 3 members would get the same claim/],
    ['an unknown variable', { cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-${DB}-${POD_ORDINAL}', storage: Size.gibibytes(1) }] } }, /uses \$\{DB\}; only \$\{POD_ORDINAL\} is replaced/],
    ['an invalid claim name', { cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'Data-${POD_ORDINAL}', storage: Size.gibibytes(1) }] } }, /"Data-2" \(for the last member\) has upper-case letters/],
    ['a data volume that matches no template', { cluster: { ...CLUSTER, dataVolumeName: 'other' } }, /cluster\.dataVolumeName: "other" matches no volume claim template/],
    ['a tiny volume', { cluster: { replicas: 1, volumeClaimTemplates: [{ name: 'data-${POD_ORDINAL}', storage: Size.kibibytes(4) }] } }, /storage: 4Ki cannot hold a data directory/],
    ['a target host beyond the replicas', { cluster: CLUSTER, rules: [{ sourceHost: 'host-0', targetHosts: ['host-3'] }] }, /rules\[0\]\.targetHosts: "host-3" is not one of the restore hosts host-0 \.\.\. host-2/],
    ['mysql args on a cluster restore', { cluster: CLUSTER, args: '--force' }, /args: is set for a cluster restore/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => Testing.synth(restoreChart(props as Partial<PerconaXtraDbRestoreProps>))).toThrow(message);
  });
});

describe('cluster restore claim names: the fix names the claim KubeDB mounts for the target database', () => {
  const claim = (name: string, database = 'restored-xtradb-cluster') => () => Testing.synth(restoreChart({
    database, cluster: { replicas: 3, volumeClaimTemplates: [{ name, storage: Size.gibibytes(1) }] },
  }));

  test('a claim with the first member\'s ordinal written out gets data-<database>-${POD_ORDINAL}', () => {
    expect(claim('data-restored-xtradb-cluster-0')).toThrow('[test/restore] cluster.volumeClaimTemplates[0].name: "data-restored-xtradb-cluster-0" has no ${POD_ORDINAL}, so all 3 members would get the same claim. '
      + 'Fix: name the claims as the database\'s StatefulSet does: "data-restored-xtradb-cluster-${POD_ORDINAL}" for KubeDB\'s PerconaXtraDB "restored-xtradb-cluster" (claim template "data", pods "restored-xtradb-cluster-0", "restored-xtradb-cluster-1", ...).');
  });

  test('${POD_ORDINAL} without its dash, or not at the end, is refused', () => {
    for (const name of ['data-restored-xtradb-cluster${POD_ORDINAL}', 'data-${POD_ORDINAL}-restored-xtradb-cluster']) {
      expect(claim(name)).toThrow(`[test/restore] cluster.volumeClaimTemplates[0].name: "${name}" does not end in "-\${POD_ORDINAL}", so no StatefulSet member would find its claim (claims are named <template>-<database>-<ordinal>). `
        + 'Fix: use "data-restored-xtradb-cluster-${POD_ORDINAL}" for KubeDB\'s PerconaXtraDB "restored-xtradb-cluster".');
    }
  });

  test('the claim of another database is refused, naming both', () => {
    expect(claim('data-sample-xtradb-${POD_ORDINAL}')).toThrow('[test/restore] cluster.volumeClaimTemplates[0].name: "data-sample-xtradb-${POD_ORDINAL}" is the claim of a KubeDB database "sample-xtradb", but the restore targets "restored-xtradb-cluster", whose members would look for "data-restored-xtradb-cluster-${POD_ORDINAL}". '
      + 'Fix: use "data-restored-xtradb-cluster-${POD_ORDINAL}", or restore into the database "sample-xtradb" (database: "sample-xtradb").');
  });

  test('the target\'s own claim, and claims of other volumes, are accepted', () => {
    expect(claim('data-restored-xtradb-cluster-${POD_ORDINAL}')).not.toThrow();
    expect(() => Testing.synth(restoreChart({
      database: 'restored-xtradb-cluster',
      cluster: { replicas: 3, volumeClaimTemplates: [
        { name: 'data-restored-xtradb-cluster-${POD_ORDINAL}', storage: Size.gibibytes(1) },
        { name: 'logs-restored-xtradb-cluster-${POD_ORDINAL}', storage: Size.gibibytes(1) },
      ] },
    }))).not.toThrow();
  });
});

describe('restore checks', () => {
  test.each([
    ['an unsupported version', { version: '8.1.0' }, /version: "8\.1\.0" is not a Percona XtraDB version/],
    ['a bad snapshot id', { snapshot: Snapshot.id('latest-1') }, /rules\[0\]\.snapshots: "latest-1" is not a restic snapshot id/],
    ['snapshot and rules together', { snapshot: Snapshot.latest(), rules: [{}] }, /snapshot: is set together with rules/],
    ['empty rules', { rules: [] }, /rules: is empty, so nothing would be restored/],
    ['an empty source host', { rules: [{ sourceHost: ' ' }] }, /rules\[0\]\.sourceHost: is empty/],
    ['OnFinalRetryFailure on a restore hook', { postRestoreHook: Hook.exec(['true'], { executionPolicy: HookExecutionPolicy.ON_FINAL_RETRY_FAILURE }) }, /postRestoreHook\.executionPolicy: OnFinalRetryFailure applies to backups only/],
    ['an execution policy on a pre-restore hook', { preRestoreHook: Hook.exec(['true'], { executionPolicy: HookExecutionPolicy.ALWAYS }) }, /preRestoreHook\.executionPolicy: is set on a pre hook/],
    ['a wait timeout in milliseconds', { waitTimeout: Duration.millis(500) }, /waitTimeout: 500ms is not a whole number of seconds/],
    ['a long name', { name: 'r'.repeat(64) }, /name: "r+" is 64 characters long/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => Testing.synth(restoreChart(props as Partial<PerconaXtraDbRestoreProps>))).toThrow(message);
  });

  function backupAndRestore(restore: Partial<PerconaXtraDbRestoreProps>): Chart {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const repository = new Repository(chart, 'repo', { name: 'repo', backend: Backend.gcs({ bucket: 'ok-bucket' }), storageSecretName: 'gcs-secret' });
    new PerconaXtraDbBackup(chart, 'backup', { database: 'sample-xtradb', version: '8.0.36', repository, schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5) });
    new PerconaXtraDbRestore(chart, 'restore', { database: 'sample-xtradb', version: '8.0.36', repository, ...restore });
    return chart;
  }

  test('restoring into the database being backed up needs an explicit opt-in', () => {
    expect(() => Testing.synth(backupAndRestore({}))).toThrow(
      /\[test\/restore\] database: "sample-xtradb" is backed up by test\/backup; restoring into it overwrites it with older data.*Fix: restore into a new database.*allowRestoreIntoBackedUpDatabase: true/);
    expect(Testing.synth(backupAndRestore({ allowRestoreIntoBackedUpDatabase: true })).map((o) => o.kind)).toEqual(['Repository', 'BackupConfiguration', 'RestoreSession']);
  });

  test('a database of the same name in another namespace is a different database', () => {
    expect(() => Testing.synth(backupAndRestore({ namespace: 'staging' }))).not.toThrow(/is backed up by/);
    expect(() => Testing.synth(backupAndRestore({ databaseNamespace: 'staging' }))).not.toThrow(/is backed up by/);
  });

  test('a restore target in another namespace is referenced with it', () => {
    expect(restoreOf({ databaseNamespace: 'staging', overwrite: true }).spec.target.ref.namespace).toBe('staging');
  });
});

describeWithReference('restore objects conform strictly to the upstream CRD', () => {
  const crds = [...upstreamCrds().values()];
  test.each([
    ['standalone', {}],
    ['standalone by snapshot id', { snapshot: Snapshot.id('4bc21d6f') }],
    ['cluster', { database: 'restored-xtradb-cluster', cluster: CLUSTER }],
    ['everything', {
      database: 'restored-xtradb-cluster', cluster: { ...CLUSTER, dataVolumeName: 'data-restored-xtradb-cluster' },
      rules: [{ sourceHost: 'host-0', targetHosts: [], snapshots: [Snapshot.latest()] }],
      preRestoreHook: Hook.tcpSocket(3306), postRestoreHook: Hook.httpGet({ port: 80, executionPolicy: HookExecutionPolicy.ON_FAILURE }),
      waitTimeout: Duration.minutes(5), taskParams: { a: 'b' },
      runtimeSettings: { container: { nice: 5, env: { A: 'b' } }, pod: { tolerations: [{ operator: 'Exists' }] } },
      tempDir: { sizeLimit: Size.gibibytes(1) }, timeout: Duration.hours(1), labels: { a: 'b' },
    }],
  ] as Array<[string, Partial<PerconaXtraDbRestoreProps>]>)('%s', (_name, props) => {
    expect(manifestProblems(restoreOf(props), crds)).toEqual([]);
  });
});

describe('the restore guard', () => {
  test('every standalone restore carries it: the check first, the marker after a success, in KubeDB\'s server container', () => {
    const hooks = restoreOf({ name: 'orders-restore' }).spec.hooks;
    expect(hooks.preRestore).toEqual({ exec: { command: ['sh', '-c', expect.stringContaining('stash-pxc restore guard'), 'stash-pxc-guard', 'check', 'demo/orders-restore'] }, containerName: 'perconaxtradb' });
    expect(hooks.postRestore).toEqual({ exec: { command: ['sh', '-c', expect.any(String), 'stash-pxc-guard', 'mark', 'demo/orders-restore'] }, containerName: 'perconaxtradb', executionPolicy: 'OnSuccess' });
  });

  test('a plan\'s restore carries it too', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const plan = new PerconaXtraDbBackupPlan(chart, 'plan', {
      database: 'orders', version: '8.0.36', backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'orders' }), storageSecretName: 'gcs',
      schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(3), restore: { database: 'orders-copy' },
    });
    expect(plan.restore?.guarded).toBe(true);
    const rs = Testing.synth(chart).find((o) => o.kind === 'RestoreSession');
    expect(rs.spec.hooks.preRestore.exec.command.slice(3)).toEqual(['stash-pxc-guard', 'check', 'demo/orders-copy-restore']);
  });

  test('guardContainerName moves it to another container', () => {
    expect(restoreOf({ guardContainerName: 'mysql' }).spec.hooks.preRestore.containerName).toBe('mysql');
  });

  test('overwrite: true opts out: no check, no marker, and the user\'s own hooks', () => {
    expect(restoreOf({ overwrite: true }).spec.hooks).toBeUndefined();
    const hooks = restoreOf({ overwrite: true, preRestoreHook: Hook.exec(['echo', 'pre']) }).spec.hooks;
    expect(hooks).toEqual({ preRestore: { exec: { command: ['echo', 'pre'] } } });
    const r = new PerconaXtraDbRestore(new Chart(Testing.app(), 'c', { namespace: 'demo' }), 'r', { database: 'd', version: '8.0.36', repository: REPO, overwrite: true });
    expect(r.guarded).toBe(false);
  });

  test('a user postRestoreHook replaces the marker; the check stays', () => {
    const hooks = restoreOf({ postRestoreHook: Hook.httpPost({ port: 8080, path: '/restored' }) }).spec.hooks;
    expect(hooks.preRestore.exec.command[4]).toBe('check');
    expect(hooks.postRestore).toEqual({ httpPost: { port: 8080, path: '/restored' } });
  });

  test('a cluster restore has no hook of the guard: the operator refuses claims that exist', () => {
    const rs = restoreOf({ database: 'restored-xtradb-cluster', cluster: CLUSTER });
    expect(rs.spec.hooks).toBeUndefined();
  });

  test.each([
    ['a preRestoreHook beside the guard', { preRestoreHook: Hook.exec(['true']) },
      '[test/restore] preRestoreHook: is taken by the restore guard, which refuses to overwrite a database that holds data (Stash runs one preRestore hook). Fix: drop preRestoreHook, or set overwrite: true to restore without the guard and run your hook'],
    ['a target in another namespace', { databaseNamespace: 'staging' },
      '[test/restore] databaseNamespace: "staging" is not the restore\'s namespace "demo"; Stash looks the AppBinding of a restore hook up in the RestoreSession\'s own namespace, so the guard could not run and the restore would fail. Fix: create the restore in the database\'s namespace (give the Repository a usage policy that allows it), or set overwrite: true to restore without the guard'],
    ['overwrite on a cluster restore', { database: 'restored-xtradb-cluster', cluster: CLUSTER, overwrite: true },
      '[test/restore] overwrite: is set on a cluster restore, which never overwrites: the operator creates the volume claims and fails the restore when one already exists. Fix: remove overwrite; to restore a cluster again, delete the old database and its claims first (see the runbook, StashPxcRestoreFailed)'],
    ['overwrite that is not a boolean', { overwrite: 'yes' as unknown as boolean }, '[test/restore] overwrite: "yes" is not true or false. Fix: set overwrite: true only to replace the data of the target database on purpose'],
    ['a bad container name', { guardContainerName: 'Server' }, /\[test\/restore\] guardContainerName: "Server"/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => Testing.synth(restoreChart(props as Partial<PerconaXtraDbRestoreProps>))).toThrow(message);
  });

  test('refuses a url-only AppBinding of the app (no pod to run the guard in), wherever it is declared', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    new PerconaXtraDbRestore(chart, 'restore', { database: 'external-db', version: '8.0.36', repository: REPO });
    new PerconaXtraDbAppBinding(chart, 'binding', { name: 'external-db', version: '8.0.36', url: 'mysql://db.example.com:3306', authSecretName: 'db-auth' });
    expect(() => Testing.synth(chart)).toThrow('[test/restore] database: the AppBinding "external-db" has a url and no service, so Stash finds no pod to run the restore guard in and the restore would fail. Fix: give the AppBinding a service');
  });
});

describe('point in time: the newest snapshot not after a time, chosen at synth from a list', () => {
  // As `kubectl get snapshots -l repository=orders-repo` lists them (name <repo>-<id>, creationTimestamp).
  const SNAPSHOTS = [
    { id: '1111aaaa', time: new Date('2026-11-29T02:00:05Z') },
    { id: '3333cccc', time: new Date('2026-12-01T02:00:07Z') },
    { id: '2222bbbb', time: new Date('2026-11-30T02:00:04Z') },
  ];

  test.each([
    ['between two snapshots: the earlier', '2026-11-30T23:59:00Z', '2222bbbb'],
    ['exactly at a snapshot: that one', '2026-12-01T02:00:07Z', '3333cccc'],
    ['after the last: the last', '2027-01-01T00:00:00Z', '3333cccc'],
  ])('%s', (_name, time, id) => {
    expect(restoreOf({ snapshot: Snapshot.newestNotAfter(new Date(time), SNAPSHOTS) }).spec.target.rules).toEqual([{ snapshots: [id] }]);
  });

  test('a cluster restore and a rule take it too', () => {
    const pit = Snapshot.newestNotAfter(new Date('2026-11-30T12:00:00Z'), SNAPSHOTS);
    expect(restoreOf({ database: 'restored-xtradb-cluster', cluster: CLUSTER, snapshot: pit }).spec.target.rules).toEqual([{ targetHosts: [], sourceHost: 'host-0', snapshots: ['2222bbbb'] }]);
    expect(restoreOf({ overwrite: true, rules: [{ snapshots: [pit] }] }).spec.target.rules).toEqual([{ snapshots: ['2222bbbb'] }]);
  });

  test.each([
    ['a time before every snapshot', new Date('2026-11-01T00:00:00Z'), SNAPSHOTS,
      '[test/restore] rules[0].snapshots: no snapshot was taken at or before 2026-11-01T00:00:00.000Z (the oldest of 3 is 1111aaaa at 2026-11-29T02:00:05.000Z). Fix: choose a later point in time, or pass the Repository\'s full snapshot list (kubectl get snapshots -n <namespace> -l repository=<name> -o json).'],
    ['an empty list', new Date('2026-12-01T00:00:00Z'), [],
      '[test/restore] rules[0].snapshots: no snapshot was taken at or before 2026-12-01T00:00:00.000Z (the list is empty). Fix: choose a later point in time'],
    ['an invalid time', new Date('yesterday'), SNAPSHOTS, '[test/restore] rules[0].snapshots: the point in time null is not a valid Date. Fix: pass a Date'],
    ['a snapshot without a valid id', new Date('2026-12-01T00:00:00Z'), [{ id: 'latest', time: new Date() }], /rules\[0\]\.snapshots: the snapshot list has .*"latest".*, which is not \{ id: <8 or 64 hex digits>, time: <Date> \}/],
  ])('refuses %s', (_name, time, list, message) => {
    expect(() => Testing.synth(restoreChart({ snapshot: Snapshot.newestNotAfter(time, list) }))).toThrow(message);
  });

  test('the factory never throws, whatever it is given (from JavaScript)', () => {
    expect(() => Snapshot.newestNotAfter(undefined as unknown as Date, undefined as unknown as [])).not.toThrow();
    expect(() => Snapshot.newestNotAfter(new Date(), [null as any])).not.toThrow();
  });
});

describe('a restore into an AppBinding the app should declare', () => {
  function app(build: (chart: Chart, repository: Repository) => void): () => void {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const repository = new Repository(chart, 'repo', {
      name: 'orders-repo', backend: Backend.gcs({ bucket: 'backups', prefix: 'demo/orders' }), storageSecretName: 'gcs-secret',
    });
    new PerconaXtraDbAppBinding(chart, 'binding', { name: 'legacy-orders', service: 'legacy-orders', authSecretName: 'orders-auth', version: '8.0.36' });
    build(chart, repository);
    return () => Testing.synth(chart);
  }

  test('a near miss of an AppBinding the app declares in that namespace is refused, with the closest', () => {
    const synth = app((chart, repository) => new PerconaXtraDbRestore(chart, 'restore', { database: 'legacy-ordres', version: '8.0.36', repository }));
    expect(synth).toThrow(/\[test\/restore\] database: names AppBinding "legacy-ordres" in namespace "demo", which this app does not declare \(the only AppBinding it declares there is "legacy-orders"\); the RestoreSession would wait for it forever \(RestoreTargetFound=False\)\. Fix: did you mean "legacy-orders"\?.*set databaseDeclaredElsewhere: true/);
  });

  test('a name far from every declared AppBinding (a KubeDB database the restore creates) is not judged', () => {
    expect(app((chart, repository) => new PerconaXtraDbRestore(chart, 'restore', { database: 'restored-xtradb', version: '8.0.36', repository }))).not.toThrow();
  });

  test('the declared name, a KubeDB database said to be made elsewhere, and another namespace are accepted', () => {
    expect(app((chart, repository) => new PerconaXtraDbRestore(chart, 'restore', { database: 'legacy-orders', version: '8.0.36', repository, overwrite: true }))).not.toThrow();
    expect(app((chart, repository) => new PerconaXtraDbRestore(chart, 'restore', { database: 'legacy-orders-2', databaseDeclaredElsewhere: true, version: '8.0.36', repository }))).not.toThrow();
    expect(app((chart, repository) => new PerconaXtraDbRestore(chart, 'restore', { database: 'legacy-ordres', databaseNamespace: 'lab', version: '8.0.36', repository, overwrite: true }))).not.toThrow();
  });
});
