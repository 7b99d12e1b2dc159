/**
 * PerconaXtraDbBackup (BackupConfiguration), InstantBackup (BackupSession) and
 * PerconaXtraDbBackupPlan: the objects they emit, for every supported version, with every
 * option; strict conformance with the upstream CRDs; and the synth-time checks.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Backend, Hook, HookExecutionPolicy, HttpScheme, InstantBackup, IoNiceClass, manifestProblems, PerconaXtraDbBackup,
  PerconaXtraDbBackupPlan, PerconaXtraDbBackupProps, Repository, RetentionPolicy, Schedule,
  TempDirMedium, UsagePolicy,
  restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext,
} from '../../../src';
import { PerconaXtraDbVersion } from '../../../src/api';
import { describeWithReference, upstreamCrds } from '../../support/reference';

function setup(namespace = 'demo'): { chart: Chart; repository: Repository } {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const repository = new Repository(chart, 'repo', {
    name: 'gcs-repo-sample-xtradb',
    backend: Backend.gcs({ bucket: 'appscode-qa', prefix: '/demo/xtradb/sample-xtradb' }),
    storageSecretName: 'gcs-secret',
  });
  return { chart, repository };
}

function backupOf(props: Partial<PerconaXtraDbBackupProps> = {}): any {
  const { chart, repository } = setup();
  new PerconaXtraDbBackup(chart, 'backup', {
    database: 'sample-xtradb',
    version: '8.0.36',
    repository,
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
    ...props,
  });
  return Testing.synth(chart).find((o) => o.kind === 'BackupConfiguration');
}

function synthErrors(build: (chart: Chart, repository: Repository) => void): string {
  const { chart, repository } = setup();
  build(chart, repository);
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

/** Every option set, to prove each one lands in the object and conforms to upstream. */
const EVERYTHING: Partial<PerconaXtraDbBackupProps> = {
  name: 'sample-xtradb-nightly',
  paused: true,
  timeout: Duration.hours(2),
  backupHistoryLimit: 3,
  retry: { maxRetry: 2, delay: Duration.minutes(10) },
  args: '--databases playground --single-transaction',
  waitTimeout: Duration.seconds(600),
  taskParams: { socatRetry: '60' },
  tempDir: { medium: TempDirMedium.MEMORY, sizeLimit: Size.gibibytes(2), disableCaching: true },
  preBackupHook: Hook.exec(['/bin/sh', '-c', 'echo start'], { containerName: 'perconaxtradb' }),
  postBackupHook: Hook.httpPost({
    host: 'hooks.example.com', port: 443, scheme: HttpScheme.HTTPS, path: '/backup', body: '{"db":"sample-xtradb"}',
    headers: { 'Content-Type': 'application/json' }, executionPolicy: HookExecutionPolicy.ON_FINAL_RETRY_FAILURE,
  }),
  runtimeSettings: {
    container: {
      resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
      nice: 10,
      ionice: { ioClass: IoNiceClass.BEST_EFFORT, classData: 7 },
      securityContext: { runAsUser: 999, runAsNonRoot: true, allowPrivilegeEscalation: false },
      env: { TZ: 'UTC' },
      secretEnv: { WEBHOOK_TOKEN: { secretName: 'hooks', key: 'token' } },
    },
    pod: {
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'backup', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['backup'] }] }] } } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: 'backup',
      serviceAccountName: 'backup-sa',
      imagePullSecrets: ['registry'],
      securityContext: { fsGroup: 999 },
      podLabels: { app: 'backup' },
      podAnnotations: { 'prometheus.io/scrape': 'false' },
    },
  },
};

describe('PerconaXtraDbBackup', () => {
  test('the seed backup: every five minutes, keep the last five, target the AppBinding', () => {
    expect(backupOf()).toEqual({
      apiVersion: 'stash.appscode.com/v1beta1',
      kind: 'BackupConfiguration',
      metadata: { name: 'sample-xtradb-backup', namespace: 'demo' },
      spec: {
        schedule: '*/5 * * * *',
        repository: { name: 'gcs-repo-sample-xtradb' },
        target: { ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'sample-xtradb' } },
        task: { name: 'perconaxtradb-backup-8.0' },
        retentionPolicy: { name: 'keep-last-5', keepLast: 5, prune: true },
        // The secure default: Pod Security "restricted" for every container of the Job.
        runtimeSettings: {
          container: { securityContext: restrictedJobContainerSecurityContext() },
          pod: { securityContext: restrictedJobPodSecurityContext() },
        },
      },
    });
  });

  test.each([
    ['5.7.44', PerconaXtraDbVersion.V5_7],
    ['8.0.36', PerconaXtraDbVersion.V8_0],
    ['8.0', PerconaXtraDbVersion.V8_0],
    ['8.4.2', PerconaXtraDbVersion.V8_4],
  ])('version %s runs the Task of its line', (version, line) => {
    expect(backupOf({ version }).spec.task.name).toBe(line.backupTaskName);
  });

  test('an unsupported version fails the synth naming the supported lines', () => {
    expect(synthErrors((chart, repository) => new PerconaXtraDbBackup(chart, 'backup', {
      database: 'sample-xtradb', version: '9.1.0', repository, schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5),
    }))).toMatch(/\[test\/backup\] version: "9\.1\.0" is not a Percona XtraDB version the Stash addon supports\. Fix: .*\(5\.7, 8\.0, 8\.4\)/);
  });

  test('every option lands in the BackupConfiguration', () => {
    const bc = backupOf(EVERYTHING);
    expect(bc.metadata.name).toBe('sample-xtradb-nightly');
    expect(bc.spec).toMatchObject({
      paused: true,
      timeOut: '2h',
      backupHistoryLimit: 3,
      retryConfig: { maxRetry: 2, delay: '10m' },
      task: {
        name: 'perconaxtradb-backup-8.0',
        params: [
          { name: 'args', value: '--databases playground --single-transaction' },
          { name: 'socatRetry', value: '60' },
          { name: 'waitTimeout', value: '600' },
        ],
      },
      tempDir: { medium: 'Memory', sizeLimit: '2Gi', disableCaching: true },
      hooks: {
        preBackup: { exec: { command: ['/bin/sh', '-c', 'echo start'] }, containerName: 'perconaxtradb' },
        postBackup: {
          httpPost: { host: 'hooks.example.com', port: 443, scheme: 'HTTPS', path: '/backup', body: '{"db":"sample-xtradb"}', httpHeaders: [{ name: 'Content-Type', value: 'application/json' }] },
          executionPolicy: 'OnFinalRetryFailure',
        },
      },
    });
    expect(bc.spec.runtimeSettings.container).toEqual({
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      nice: { adjustment: 10 },
      ionice: { class: 2, classData: 7 },
      // The user's fields win; the default fills the rest.
      securityContext: { runAsUser: 999, runAsGroup: 65534, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      env: [{ name: 'TZ', value: 'UTC' }, { name: 'WEBHOOK_TOKEN', valueFrom: { secretKeyRef: { name: 'hooks', key: 'token' } } }],
    });
    expect(bc.spec.runtimeSettings.pod).toEqual({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'backup', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: EVERYTHING.runtimeSettings!.pod!.affinity,
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: 'backup',
      serviceAccountName: 'backup-sa',
      imagePullSecrets: [{ name: 'registry' }],
      securityContext: { fsGroup: 999, runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
      podLabels: { app: 'backup' },
      podAnnotations: { 'prometheus.io/scrape': 'false' },
    });
  });

  test('hooks of every kind render their handler', () => {
    expect(backupOf({ preBackupHook: Hook.httpGet({ port: 8080, path: '/ready' }) }).spec.hooks.preBackup).toEqual({ httpGet: { port: 8080, path: '/ready' } });
    expect(backupOf({ preBackupHook: Hook.tcpSocket(3306, { host: 'db' }) }).spec.hooks.preBackup).toEqual({ tcpSocket: { port: 3306, host: 'db' } });
  });

  test('two BackupConfigurations with one name in two namespaces are refused: their size and integrity series would collide', () => {
    const app = Testing.app();
    const plans = ['shop', 'lab'].map((namespace) => new PerconaXtraDbBackupPlan(new Chart(app, namespace, { namespace }), 'orders', {
      database: 'orders', version: '8.0.36',
      backend: Backend.gcs({ bucket: 'backups', prefix: `${namespace}/orders` }), storageSecretName: 'gcs-secret',
      schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    }));
    expect(plans.map((p) => p.backup.name)).toEqual(['orders-backup', 'orders-backup']);
    expect(() => app.synth()).toThrow(/\[lab\/orders\/Backup\] name: BackupConfiguration "orders-backup" has the same name as shop\/orders-backup \(shop\/orders\/Backup\); Stash pushes each backup's size and integrity metrics grouped by the BackupConfiguration's name without its namespace.*Fix: give every BackupConfiguration of the app its own name \(a backup's name, a plan's backupName\), e\.g\. "lab-orders-backup"/);
    // In one namespace, distinct names are fine; so are equal names in two apps (two releases are judged apart).
    const ok = Testing.app();
    for (const namespace of ['shop', 'lab']) {
      new PerconaXtraDbBackupPlan(new Chart(ok, namespace, { namespace }), 'orders', {
        database: 'orders', version: '8.0.36', backupName: `${namespace}-orders-backup`,
        backend: Backend.gcs({ bucket: 'backups', prefix: `${namespace}/orders` }), storageSecretName: 'gcs-secret',
        schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
      });
    }
    expect(() => ok.synth()).not.toThrow();
  });

  test('a database in another namespace is targeted with its namespace', () => {
    const bc = backupOf({ databaseNamespace: 'prod' });
    expect(bc.spec.target.ref).toEqual({ apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'sample-xtradb', namespace: 'prod' });
  });

  test('a Repository in another namespace is referenced with its namespace', () => {
    const bc = backupOf({ repository: Repository.fromRepositoryName('shared-repo', 'backups') });
    expect(bc.spec.repository).toEqual({ name: 'shared-repo', namespace: 'backups' });
  });

  test.each([
    ['a bad cron', { schedule: Schedule.cron('*/5 * * *') }, /\[test\/backup\] schedule: "\*\/5 \* \* \*" has 4 fields.* Fix: /],
    ['a cron with an out-of-range value', { schedule: Schedule.cron('0 25 * * *') }, /schedule: "0 25 \* \* \*" hour field: 25 is out of range 0-23/],
    ['a retention without keep rule', { retentionPolicy: RetentionPolicy.of({}) }, /\[test\/backup\] retentionPolicy: has no keep rule/],
    ['a name over 63 characters', { name: `x${'y'.repeat(63)}` }, /\[test\/backup\] name: "xy+" is 64 characters long, more than the 63 a DNS-1123 label allows \(Stash puts it in label values\)/],
    ['an upper-case database', { database: 'SampleDB' }, /\[test\/backup\] database: "SampleDB" has upper-case letters/],
    ['an execution policy on a pre hook', { preBackupHook: Hook.exec(['true'], { executionPolicy: HookExecutionPolicy.ALWAYS }) }, /preBackupHook\.executionPolicy: is set on a pre hook/],
    ['an empty exec hook', { postBackupHook: Hook.exec([]) }, /postBackupHook\.exec\.command: is empty/],
    ['a bad hook port', { postBackupHook: Hook.httpGet({ port: 70000 }) }, /postBackupHook\.httpGet\.port: 70000 is not a whole number between 1 and 65535/],
    ['a nice out of range', { runtimeSettings: { container: { nice: 30 } } }, /runtimeSettings\.container\.nice: 30 is not a whole number between -20 and 19/],
    ['an ionice class data out of range', { runtimeSettings: { container: { ionice: { ioClass: IoNiceClass.BEST_EFFORT, classData: 9 } } } }, /runtimeSettings\.container\.ionice\.classData/],
    ['a memory request above the limit', { runtimeSettings: { container: { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } } } }, /runtimeSettings\.container\.resources\.memory: request is larger than limit/],
    ['a bad env name', { runtimeSettings: { container: { env: { '1X': 'a' } } } }, /runtimeSettings\.container\.env: "1X" is not a valid environment variable name/],
    ['a tiny temp dir', { tempDir: { sizeLimit: Size.kibibytes(10) } }, /tempDir\.sizeLimit: 10Ki is too small/],
    ['a timeout under a minute', { timeout: Duration.seconds(30) }, /timeout: 30s is shorter than a backup Job takes to start/],
    ['a negative history limit', { backupHistoryLimit: -1 }, /backupHistoryLimit: -1 is not a whole number/],
    ['zero retries', { retry: { maxRetry: 0 } }, /retry\.maxRetry: 0/],
    ['a wait timeout in milliseconds', { waitTimeout: Duration.millis(1500) }, /waitTimeout: 1500ms is not a whole number of seconds/],
    ['empty mysqldump args', { args: ' ' }, /args: is empty, so mysqldump would get no database to dump/],
    ['args given twice', { args: '--all-databases', taskParams: { args: '--databases x' } }, /taskParams\.args: is also set by the args prop/],
  ])('refuses %s', (_name, props, message) => {
    expect(synthErrors((chart, repository) => new PerconaXtraDbBackup(chart, 'backup', {
      database: 'sample-xtradb', version: '8.0.36', repository, schedule: Schedule.cron('*/5 * * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
      ...props,
    }))).toMatch(message);
  });

  test('a Repository whose usage policy excludes the backup namespace is refused', () => {
    const message = synthErrors((chart) => {
      const repo = new Repository(chart, 'other', { name: 'other', namespace: 'backups', backend: Backend.gcs({ bucket: 'ok-bucket' }), storageSecretName: 's' });
      new PerconaXtraDbBackup(chart, 'backup', { database: 'db', version: '8.0', repository: repo, schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(1) });
    });
    expect(message).toMatch(/\[test\/backup\] repository: Repository "other" is in namespace "backups" and its usage policy does not allow namespace "demo"\. Fix: .*UsagePolicy\.namespaces/);
    expect(synthErrors((chart) => {
      const repo = new Repository(chart, 'other', { name: 'other', namespace: 'backups', backend: Backend.gcs({ bucket: 'ok-bucket' }), storageSecretName: 's', usagePolicy: UsagePolicy.namespaces(['demo']) });
      new PerconaXtraDbBackup(chart, 'backup', { database: 'db', version: '8.0', repository: repo, schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(1) });
    })).toBe('');
  });
});

describe('InstantBackup', () => {
  test('a BackupSession invoking the BackupConfiguration, in its namespace', () => {
    const { chart, repository } = setup();
    const backup = new PerconaXtraDbBackup(chart, 'backup', {
      database: 'sample-xtradb', version: '8.0.36', repository, schedule: Schedule.cron('*/5 * * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    new InstantBackup(chart, 'now', { backup });
    const session = Testing.synth(chart).find((o) => o.kind === 'BackupSession');
    expect(session).toEqual({
      apiVersion: 'stash.appscode.com/v1beta1',
      kind: 'BackupSession',
      metadata: {
        name: 'sample-xtradb-backup-instant',
        namespace: 'demo',
        labels: { 'stash.appscode.com/invoker-type': 'BackupConfiguration', 'stash.appscode.com/invoker-name': 'sample-xtradb-backup' },
      },
      spec: { invoker: { apiGroup: 'stash.appscode.com', kind: 'BackupConfiguration', name: 'sample-xtradb-backup' } },
    });
  });

  test('an existing BackupConfiguration by name; the namespace follows it', () => {
    const chart = new Chart(Testing.app(), 'test');
    new InstantBackup(chart, 'now', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('db-backup', 'prod'), name: 'db-before-upgrade' });
    const [session] = Testing.synth(chart);
    expect(session.metadata.namespace).toBe('prod');
    expect(session.metadata.name).toBe('db-before-upgrade');
  });

  test('a session outside its BackupConfiguration namespace is refused', () => {
    const chart = new Chart(Testing.app(), 'test');
    new InstantBackup(chart, 'now', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('db-backup', 'prod'), namespace: 'demo' });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/now\] namespace: "demo" differs from the BackupConfiguration's namespace "prod"/);
  });
});

describe('PerconaXtraDbBackupPlan', () => {
  test('creates the Repository and the backup, named after the database', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const plan = new PerconaXtraDbBackupPlan(chart, 'plan', {
      database: 'sample-xtradb', version: '8.0.36',
      backend: Backend.s3({ endpoint: 'https://minio.storage.svc', bucket: 'backups', prefix: 'sample-xtradb' }),
      storageSecretName: 'minio-secret',
      schedule: Schedule.cron('*/5 * * * *'),
      retentionPolicy: RetentionPolicy.keepLast(5),
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Repository/sample-xtradb-repo', 'BackupConfiguration/sample-xtradb-backup']);
    expect(objects[1].spec.repository).toEqual({ name: 'sample-xtradb-repo' });
    expect(plan.restore).toBeUndefined();
  });

  test('with restore, adds a RestoreSession from the same Repository', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    new PerconaXtraDbBackupPlan(chart, 'plan', {
      database: 'sample-xtradb', version: '5.7', repositoryName: 'repo', backupName: 'nightly',
      backend: Backend.gcs({ bucket: 'ok-bucket' }), storageSecretName: 'gcs-secret', wipeOut: false,
      schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepDaily(7),
      restore: { database: 'restored-xtradb' },
    });
    const objects = Testing.synth(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Repository/repo', 'BackupConfiguration/nightly', 'RestoreSession/restored-xtradb-restore']);
    expect(objects[2].spec.repository).toEqual({ name: 'repo' });
    expect(objects[2].spec.task).toEqual({ name: 'perconaxtradb-restore-5.7' });
  });
});

describeWithReference('backup objects conform strictly to the upstream CRDs', () => {
  const crds = [...upstreamCrds().values()];

  test.each(PerconaXtraDbVersion.all().map((v) => v.line))('minimal backup, version %s', (version) => {
    expect(manifestProblems(backupOf({ version }), crds)).toEqual([]);
  });

  test('backup with every option', () => {
    expect(manifestProblems(backupOf(EVERYTHING), crds)).toEqual([]);
  });

  test.each([
    ['httpGet', Hook.httpGet({ port: 80 })],
    ['tcpSocket', Hook.tcpSocket(3306)],
    ['exec with policy', Hook.exec(['true'], { executionPolicy: HookExecutionPolicy.ON_SUCCESS })],
  ])('backup with a %s hook', (_name, hook) => {
    expect(manifestProblems(backupOf({ postBackupHook: hook }), crds)).toEqual([]);
  });

  test('instant backup', () => {
    const chart = new Chart(Testing.app(), 'test');
    new InstantBackup(chart, 'now', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('db-backup', 'prod') });
    expect(manifestProblems(Testing.synth(chart)[0], crds)).toEqual([]);
  });
});
