/**
 * The defects random prop sets found (issue 10), one example each: every one is now a clear
 * problem naming the construct path, the field and the fix, never YAML the API server or Stash
 * would refuse, and never a raw error.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Backend, Hook, InstantBackup, IoNiceClass, PerconaXtraDbAppBinding, PerconaXtraDbBackup, PerconaXtraDbBackupBlueprint,
  PerconaXtraDbBackupPlan, PerconaXtraDbRestore, Repository, RetentionPolicy, RuntimeSettings, Schedule, UsagePolicy, validateTree,
} from '../../src';

function chart(namespace?: string): Chart {
  return new Chart(new App({ outdir: '/tmp/stash-pxc-hostile' }), 'c', { namespace });
}

function errorsOf(c: Chart): string {
  try {
    validateTree(c.node.root);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const gcs = () => Backend.gcs({ bucket: 'backups', prefix: 'demo' });
const repoIn = (c: Chart) => new Repository(c, 'repo', { name: 'repo', backend: gcs(), storageSecretName: 'gcs-secret' });

function backupWith(extra: Partial<Record<string, unknown>>, namespace?: string): string {
  const c = chart(namespace);
  new PerconaXtraDbBackup(c, 'backup', {
    database: 'db', version: '8.0.36', repository: repoIn(c),
    schedule: Schedule.daily({ hour: 2 }), retentionPolicy: RetentionPolicy.keepLast(5),
    ...extra,
  } as any);
  return errorsOf(c);
}

function runtime(settings: RuntimeSettings): string {
  return backupWith({ runtimeSettings: settings });
}

describe('labels, annotations and selectors', () => {
  test.each<[string, RuntimeSettings, RegExp]>([
    ['a pod label key with a space', { pod: { podLabels: { 'bad key': 'x' } } }, /\[c\/backup\] runtimeSettings\.pod\.podLabels: key "bad key"/],
    ['a pod annotation key with two slashes', { pod: { podAnnotations: { 'a/b/c': 'x' } } }, /runtimeSettings\.pod\.podAnnotations: key "a\/b\/c" has more than one "\/"/],
    ['a node selector value with a space', { pod: { nodeSelector: { disk: 'fast ssd' } } }, /runtimeSettings\.pod\.nodeSelector\.disk: "fast ssd" must be/],
  ])('refuses %s', (_name, settings, message) => {
    expect(runtime(settings)).toMatch(message);
  });

  test('refuses namespace labels with a space in a usage policy', () => {
    const c = chart();
    new Repository(c, 'r', { name: 'r', backend: gcs(), storageSecretName: 's', usagePolicy: UsagePolicy.namespacesWithLabels({ team: 'a b' }) });
    expect(errorsOf(c)).toMatch(/\[c\/r\] usagePolicy\.namespacesWithLabels\.team: "a b"/);
  });

  test('refuses auto-backup annotations built from a parameter name with a space', () => {
    const c = chart();
    new PerconaXtraDbAppBinding(c, 'db', {
      name: 'db', service: 'db', authSecretName: 'db-auth',
      annotations: PerconaXtraDbBackupBlueprint.autoBackupAnnotations('bp', { params: { 'bad name': 'x' } }),
    });
    expect(errorsOf(c)).toMatch(/\[c\/db\] annotations: key "params\.stash\.appscode\.com\/bad name"/);
  });

  test('refuses an auto-backup schedule annotation the CronJob API would refuse', () => {
    const c = chart();
    new PerconaXtraDbAppBinding(c, 'db', {
      name: 'db', service: 'db', authSecretName: 'db-auth',
      annotations: PerconaXtraDbBackupBlueprint.autoBackupAnnotations('bp', { schedule: Schedule.hourly({ minute: 2 ** 31 }) }),
    });
    expect(errorsOf(c)).toMatch(/annotations\.stash\.appscode\.com\/schedule: "2147483648 \* \* \* \*" minute field: 2147483648 is out of range/);
  });
});

describe('namespaces from the chart and from references', () => {
  test('an InstantBackup of a BackupConfiguration in an invalid namespace', () => {
    const c = chart();
    new InstantBackup(c, 'now', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('db-backup', 'Demo') });
    expect(errorsOf(c)).toMatch(/\[c\/now\] namespace: "Demo" has upper-case letters/);
  });

  test('a reference to a Repository in an invalid namespace', () => {
    const c = chart();
    new PerconaXtraDbBackup(c, 'b', {
      database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('repo', 'Other_NS'),
      schedule: Schedule.daily(), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(errorsOf(c)).toMatch(/\[c\/b\] repository\.namespace: "Other_NS"/);
  });
});

describe('duplicate objects', () => {
  test('two Repositories with the same name', () => {
    const c = chart('demo');
    new Repository(c, 'one', { name: 'dup', backend: gcs(), storageSecretName: 's' });
    new Repository(c, 'two', { name: 'dup', backend: gcs(), storageSecretName: 's' });
    expect(errorsOf(c)).toMatch(/\[c\/two\] name: Repository "dup" in namespace "demo" is also emitted by c\/one/);
  });

  test("a plan's default repository name colliding with an explicit Repository", () => {
    const c = chart('demo');
    new Repository(c, 'explicit', { name: 'db-repo', backend: gcs(), storageSecretName: 's' });
    new PerconaXtraDbBackupPlan(c, 'plan', {
      database: 'db', version: '8.0.36', backend: gcs(), storageSecretName: 's',
      schedule: Schedule.daily(), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(errorsOf(c)).toMatch(/\[c\/plan\/Repository\] name: Repository "db-repo" in namespace "demo" is also emitted by c\/explicit/);
  });

  test('the same name in two namespaces is fine', () => {
    const c = chart();
    new Repository(c, 'one', { name: 'dup', namespace: 'a', backend: Backend.gcs({ bucket: 'backups', prefix: 'a/dup' }), storageSecretName: 's' });
    new Repository(c, 'two', { name: 'dup', namespace: 'b', backend: Backend.gcs({ bucket: 'backups', prefix: 'b/dup' }), storageSecretName: 's' });
    expect(errorsOf(c)).toBe('');
  });
});

describe('numbers that are not numbers', () => {
  test.each<[string, Partial<Record<string, unknown>>, RegExp]>([
    ['keepLast(1e20)', { retentionPolicy: RetentionPolicy.keepLast(1e20) }, /retentionPolicy\.keepLast: 100000000000000000000 is not a whole number from 1 to 2147483647/],
    ['a memory limit of 1e21 TiB', { runtimeSettings: { container: { resources: { memory: { limit: Size.tebibytes(1e21) } } } } }, /runtimeSettings\.container\.resources\.memory\.limit: .* more bytes than a Kubernetes quantity holds/],
    ['a NaN memory request', { runtimeSettings: { container: { resources: { memory: { request: Size.gibibytes(NaN) } } } } }, /memory\.request: NaN KiB is not a positive size/],
    ['runAsUser 1.5', { runtimeSettings: { container: { securityContext: { runAsUser: 1.5 } } } }, /securityContext\.runAsUser: must be integer, got number/],
    ['ioClass 4', { runtimeSettings: { container: { ionice: { ioClass: 4 as IoNiceClass } } } }, /ionice\.ioClass: 4 is not an I\/O scheduling class/],
    ['an affinity weight of NaN', { runtimeSettings: { pod: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: NaN, preference: {} }] } } } } }, /preferredDuringSchedulingIgnoredDuringExecution\[0\]\.weight: is not a finite number/],
    ['a CPU request above its limit', { runtimeSettings: { container: { resources: { cpu: { request: Cpu.units(2), limit: Cpu.millis(500) } } } } }, /resources\.cpu: request 2 is larger than limit 500m/],
    ['a negative CPU', { runtimeSettings: { container: { resources: { cpu: { limit: Cpu.units(-1) } } } } }, /resources\.cpu\.limit: "-1" is not a non-negative CPU quantity/],
  ])('refuses %s', (_name, extra, message) => {
    expect(backupWith(extra)).toMatch(message);
  });
});

describe('cron and durations as the operator parses them', () => {
  test.each(['@every5m', '@every  5m', '@every 3000000h'])('refuses the schedule %j', (expr) => {
    expect(backupWith({ schedule: Schedule.cron(expr) })).toMatch(/\[c\/backup\] schedule: /);
  });

  test.each<[string, Partial<Record<string, unknown>>, RegExp]>([
    ['a timeout beyond Go\'s range', { timeout: Duration.days(300000) }, /timeout: 7200000h is longer than Go's longest duration/],
    ['a retry delay in fractions of a second', { retry: { maxRetry: 3, delay: Duration.millis(1500) } }, /retry\.delay: 1500ms is not a whole number of seconds/],
    ['a timeout that is not a whole number of milliseconds', { timeout: Duration.seconds(3600.0001) }, /timeout: 3600000\.1 ms is not a whole number of milliseconds/],
    ['a wait timeout that is not a whole number of milliseconds', { waitTimeout: Duration.seconds(1.0001) }, /waitTimeout: 1000\.1 ms is not a whole number of seconds/],
  ])('refuses %s (instead of a raw cdk8s error)', (_name, extra, message) => {
    expect(backupWith(extra)).toMatch(message);
  });
});

describe('raw errors become problems', () => {
  test('statefulSetPeers with Infinity replicas', () => {
    const c = chart();
    const peers = PerconaXtraDbAppBinding.statefulSetPeers({ statefulSet: 'db', governingService: 'db-pods', replicas: Infinity });
    new PerconaXtraDbAppBinding(c, 'db', { name: 'db', service: 'db', authSecretName: 'db-auth', galera: { clusterName: 'db', peers } });
    expect(errorsOf(c)).toMatch(/\[c\/db\] galera\.peers: PerconaXtraDbAppBinding\.statefulSetPeers\(\): replicas Infinity is not a whole number/);
  });

  test('a missing retentionPolicy, as a JavaScript caller can leave it out', () => {
    expect(backupWith({ retentionPolicy: undefined })).toMatch(/\[c\/backup\] retentionPolicy: is missing\. Fix: pass retentionPolicy/);
  });

  test('a schedule passed as a string, as a JavaScript caller can', () => {
    expect(backupWith({ schedule: '0 2 * * *' })).toMatch(/\[c\/backup\] schedule: "0 2 \* \* \*" is not a Schedule/);
  });

  test('a restore without props at all', () => {
    const c = chart();
    expect(() => new PerconaXtraDbRestore(c, 'r', undefined as any)).not.toThrow();
    expect(errorsOf(c)).toMatch(/\[c\/r\] database: is missing[\s\S]*\[c\/r\] repository: is missing/);
  });

  test('a backend without props', () => {
    const c = chart();
    expect(() => new Repository(c, 'r', { name: 'r', backend: Backend.s3(undefined as any), storageSecretName: 's' })).not.toThrow();
    expect(errorsOf(c)).toMatch(/\[c\/r\] backend\.s3\.bucket: is missing/);
  });

  test('a hook without a command', () => {
    expect(backupWith({ preBackupHook: Hook.exec(undefined as any) })).toMatch(/preBackupHook\.exec\.command: is empty/);
  });
});

describe('references Stash or the scheduler would refuse later', () => {
  test.each<[string, Partial<Record<string, unknown>>, RegExp]>([
    ['a hook container name with a space', { preBackupHook: Hook.exec(['true'], { containerName: 'my container' }) }, /preBackupHook\.containerName: "my container"/],
    ['a service account name with a space', { runtimeSettings: { pod: { serviceAccountName: 'backup sa' } } }, /runtimeSettings\.pod\.serviceAccountName: "backup sa"/],
    ['an upper-case priority class', { runtimeSettings: { pod: { priorityClassName: 'High' } } }, /runtimeSettings\.pod\.priorityClassName: "High" has upper-case letters/],
    ['an image pull secret with an underscore', { runtimeSettings: { pod: { imagePullSecrets: ['reg_creds'] } } }, /runtimeSettings\.pod\.imagePullSecrets\[0\]: "reg_creds"/],
    ['a secret env key with a space', { runtimeSettings: { container: { secretEnv: { TOKEN: { secretName: 'tokens', key: 'a b' } } } } }, /runtimeSettings\.container\.secretEnv\.TOKEN\.key: "a b" may only contain/],
    ['root with runAsNonRoot', { runtimeSettings: { container: { securityContext: { runAsNonRoot: true, runAsUser: 0 } } } }, /container\.securityContext\.runAsUser: is 0 \(root\) while runAsNonRoot is true/],
    ['a toleration with Exists and a value', { runtimeSettings: { pod: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } } }, /tolerations\[0\]\.value: is set with operator Exists/],
  ])('refuses %s', (_name, extra, message) => {
    expect(backupWith(extra)).toMatch(message);
  });

  test("refuses storageClassName 'Fast SSD'", () => {
    const c = chart();
    new PerconaXtraDbRestore(c, 'r', {
      database: 'new-db', version: '8.0.36', repository: repoIn(c),
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-new-db-${POD_ORDINAL}', storage: Size.gibibytes(10), storageClassName: 'Fast SSD' }] },
    });
    expect(errorsOf(c)).toMatch(/\[c\/r\] cluster\.volumeClaimTemplates\[0\]\.storageClassName: "Fast SSD"/);
  });
});
