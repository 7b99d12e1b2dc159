/**
 * PerconaXtraDbBackupBlueprint (cluster-scoped BackupBlueprint) and the annotations that opt a
 * database in to auto-backup.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Backend, BACKUP_BLUEPRINT_ANNOTATION, Hook, HookExecutionPolicy, LocalVolume, manifestProblems,
  PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupBlueprintProps, restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext, RetentionPolicy, Schedule, TempDirMedium, UsagePolicy,
} from '../../../src';
import { describeWithReference, upstreamCrds } from '../../support/reference';

const PREFIX = 'stash/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}';

function blueprintChart(props: Partial<PerconaXtraDbBackupBlueprintProps> = {}, namespace: string | undefined = 'demo'): { chart: Chart; blueprint: PerconaXtraDbBackupBlueprint } {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
    name: 'perconaxtradb-backup-template',
    backend: Backend.gcs({ bucket: 'stash-testing', prefix: PREFIX }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
    ...props,
  });
  return { chart, blueprint };
}

function blueprintOf(props: Partial<PerconaXtraDbBackupBlueprintProps> = {}): any {
  return Testing.synth(blueprintChart(props).chart)[0];
}

describe('PerconaXtraDbBackupBlueprint', () => {
  test('the auto-backup blueprint of the KubeDB docs, cluster-scoped even in a namespaced chart', () => {
    expect(blueprintOf()).toEqual({
      apiVersion: 'stash.appscode.com/v1beta1',
      kind: 'BackupBlueprint',
      metadata: { name: 'perconaxtradb-backup-template' },
      spec: {
        backend: { gcs: { bucket: 'stash-testing', prefix: PREFIX }, storageSecretName: 'gcs-secret' },
        schedule: '*/5 * * * *',
        retentionPolicy: { name: 'keep-last-5', keepLast: 5, prune: true },
        // Every BackupConfiguration Stash makes from the blueprint gets the restricted default.
        runtimeSettings: {
          container: { securityContext: restrictedJobContainerSecurityContext() },
          pod: { securityContext: restrictedJobPodSecurityContext() },
        },
      },
    });
    expect(Testing.synth(blueprintChart({}, undefined).chart)[0].metadata).toEqual({ name: 'perconaxtradb-backup-template' });
  });

  test('pins the Task when a version is given, with its parameters', () => {
    expect(blueprintOf({ version: '8.0.36', args: '--all-databases --single-transaction' }).spec.task).toEqual({
      name: 'perconaxtradb-backup-8.0',
      params: [{ name: 'args', value: '--all-databases --single-transaction' }],
    });
    // Without a version the Task comes from each database's AppBinding.
    expect(blueprintOf().spec.task).toBeUndefined();
  });

  test('repository and backup options', () => {
    const spec = blueprintOf({
      wipeOut: false,
      usagePolicy: UsagePolicy.allNamespaces(),
      repositoryNamespace: 'stash-repos',
      backupNamespace: 'stash-backups',
      backupHistoryLimit: 2,
      timeout: Duration.hours(1),
      retry: { maxRetry: 3 },
      tempDir: { medium: TempDirMedium.MEMORY, sizeLimit: Size.gibibytes(1) },
      postBackupHook: Hook.httpGet({ port: 8080, executionPolicy: HookExecutionPolicy.ON_FAILURE }),
      runtimeSettings: { container: { nice: 5 } },
    }).spec;
    expect(spec).toMatchObject({
      wipeOut: false,
      usagePolicy: { allowedNamespaces: { from: 'All' } },
      repoNamespace: 'stash-repos',
      backupNamespace: 'stash-backups',
      backupHistoryLimit: 2,
      timeOut: '1h',
      retryConfig: { maxRetry: 3 },
      tempDir: { medium: 'Memory', sizeLimit: '1Gi' },
      hooks: { postBackup: { httpGet: { port: 8080 }, executionPolicy: 'OnFailure' } },
      runtimeSettings: { container: { nice: { adjustment: 5 } } },
    });
  });

  test('a local backend is templated through subPath', () => {
    const spec = blueprintOf({ backend: Backend.local({ volume: LocalVolume.nfs({ server: 'nfs', path: '/exports' }), subPath: '${TARGET_NAMESPACE}/${TARGET_NAME}' }) }).spec;
    expect(spec.backend.local).toEqual({ nfs: { server: 'nfs', path: '/exports' }, mountPath: '/safe/data', subPath: '${TARGET_NAMESPACE}/${TARGET_NAME}' });
  });

  test.each([
    ['a prefix shared by every database', { backend: Backend.gcs({ bucket: 'stash-testing', prefix: 'stash/${TARGET_NAMESPACE}' }) }, /backend\.gcs\.prefix: "stash\/\$\{TARGET_NAMESPACE\}" does not contain \$\{TARGET_NAME\}/],
    ['an unknown variable', { backend: Backend.gcs({ bucket: 'stash-testing', prefix: 'stash/${DATABASE}/${TARGET_NAME}' }) }, /backend\.gcs\.prefix: .*unknown variables \$\{DATABASE\}/],
    ['a REST backend', { backend: Backend.rest({ url: 'https://rest:8000/' }) }, /backend: a REST backend has no prefix/],
    ['an unsupported version', { version: '10.0' }, /version: "10\.0" is not a Percona XtraDB version/],
    ['a bad schedule', { schedule: Schedule.cron('@sometimes') }, /schedule: "@sometimes" is not a known macro/],
    ['a retention without rules', { retentionPolicy: RetentionPolicy.of({ prune: true }) }, /retentionPolicy: has no keep rule/],
    ['paused, which blueprints do not have', { paused: true }, /\[test\/blueprint\] paused: a BackupBlueprint has no paused field/],
    ['a bad repository namespace', { repositoryNamespace: 'Stash' }, /repositoryNamespace: "Stash" has upper-case letters/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => Testing.synth(blueprintChart(props).chart)).toThrow(message);
  });
});

describe('auto-backup annotations', () => {
  test('opt in with the blueprint name', () => {
    const { blueprint } = blueprintChart();
    expect(blueprint.annotationsFor()).toEqual({ [BACKUP_BLUEPRINT_ANNOTATION]: 'perconaxtradb-backup-template' });
    expect(BACKUP_BLUEPRINT_ANNOTATION).toBe('stash.appscode.com/backup-blueprint');
  });

  test('override the schedule and pass Task parameters for one database', () => {
    expect(PerconaXtraDbBackupBlueprint.autoBackupAnnotations('perconaxtradb-backup-template', {
      schedule: Schedule.cron('*/3 * * * *'),
      args: '--databases shop',
      params: { waitTimeout: '600' },
    })).toEqual({
      'stash.appscode.com/backup-blueprint': 'perconaxtradb-backup-template',
      'stash.appscode.com/schedule': '*/3 * * * *',
      'params.stash.appscode.com/args': '--databases shop',
      'params.stash.appscode.com/waitTimeout': '600',
    });
  });
});

describeWithReference('the blueprint conforms strictly to the upstream CRD', () => {
  const crds = [...upstreamCrds().values()];
  test.each([
    ['minimal', {}],
    ['pinned version', { version: '5.7', args: '--all-databases' }],
    ['S3 with insecure TLS', { backend: Backend.s3({ bucket: 'backups', endpoint: 'https://minio', insecureTls: true, prefix: PREFIX }) }],
    ['every option', {
      wipeOut: true, usagePolicy: UsagePolicy.namespacesWithLabels({ backup: 'on' }), repositoryNamespace: 'r', backupNamespace: 'b',
      backupHistoryLimit: 2, timeout: Duration.hours(1), retry: { maxRetry: 3, delay: Duration.minutes(5) },
      tempDir: { sizeLimit: Size.gibibytes(1) }, preBackupHook: Hook.tcpSocket(3306),
      postBackupHook: Hook.httpPost({ port: 443, executionPolicy: HookExecutionPolicy.ALWAYS }),
      runtimeSettings: { container: { nice: 5, ionice: { ioClass: 3 } }, pod: { nodeSelector: { a: 'b' } } },
    }],
  ] as Array<[string, Partial<PerconaXtraDbBackupBlueprintProps>]>)('%s', (_name, props) => {
    const blueprint = blueprintOf(props);
    expect(manifestProblems(blueprint, crds)).toEqual([]);
    if (props.backend?.provider === 's3') expect(blueprint.spec.backend.s3.insecureTLS).toBe(true);
  });
});
