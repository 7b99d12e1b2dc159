/**
 * Repository and its backends: each backend's JSON and Secret keys, strict conformance with the
 * upstream Repository CRD, and the synth-time checks with their messages.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Backend, BackendProvider, HostPathType, LocalVolume, manifestProblems, PerconaXtraDbBackup, Repository, RetentionPolicy, Schedule, StorageSecret, SwiftAuth, UsagePolicy,
} from '../../../src';
import { describeWithReference, upstreamCrds } from '../../support/reference';

function chart(namespace = 'demo'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

function repositoryWith(backend: Backend, extra: Partial<ConstructorParameters<typeof Repository>[2]> = {}): any[] {
  const c = chart();
  new Repository(c, 'repo', { name: 'repo', backend, storageSecretName: 'storage-secret', ...extra });
  return Testing.synth(c);
}

const BACKENDS: Array<[string, Backend, object, string[]]> = [
  ['S3', Backend.s3({ bucket: 'stash-backups', region: 'us-west-2', prefix: 'demo/db' }),
    { s3: { bucket: 'stash-backups', endpoint: 's3.amazonaws.com', region: 'us-west-2', prefix: 'demo/db' } },
    ['RESTIC_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']],
  ['MinIO (S3-compatible, private CA)', Backend.s3({ endpoint: 'https://minio.storage.svc:9000', bucket: 'backups', customCaCertificate: true }),
    { s3: { bucket: 'backups', endpoint: 'https://minio.storage.svc:9000' } },
    ['RESTIC_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'CA_CERT_DATA']],
  ['S3 with insecure TLS', Backend.s3({ endpoint: 'https://minio.test', bucket: 'backups', insecureTls: true }),
    { s3: { bucket: 'backups', endpoint: 'https://minio.test', insecureTLS: true } },
    ['RESTIC_PASSWORD', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']],
  ['GCS', Backend.gcs({ bucket: 'my-backups', prefix: '/demo/xtradb', maxConnections: 10 }),
    { gcs: { bucket: 'my-backups', prefix: '/demo/xtradb', maxConnections: 10 } },
    ['RESTIC_PASSWORD', 'GOOGLE_PROJECT_ID', 'GOOGLE_SERVICE_ACCOUNT_JSON_KEY']],
  ['Azure', Backend.azure({ container: 'backups', prefix: 'db', maxConnections: 4 }),
    { azure: { container: 'backups', prefix: 'db', maxConnections: 4 } },
    ['RESTIC_PASSWORD', 'AZURE_ACCOUNT_NAME', 'AZURE_ACCOUNT_KEY']],
  ['Swift (keystone v3)', Backend.swift({ container: 'backups', prefix: 'db' }),
    { swift: { container: 'backups', prefix: 'db' } },
    ['RESTIC_PASSWORD', 'OS_AUTH_URL', 'OS_REGION_NAME', 'OS_USERNAME', 'OS_PASSWORD', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_NAME', 'OS_PROJECT_DOMAIN_NAME']],
  ['Swift (token)', Backend.swift({ container: 'backups', auth: SwiftAuth.TOKEN }),
    { swift: { container: 'backups' } },
    ['RESTIC_PASSWORD', 'OS_STORAGE_URL', 'OS_AUTH_TOKEN']],
  ['B2', Backend.b2({ bucket: 'stash-backups', prefix: 'db', maxConnections: 2 }),
    { b2: { bucket: 'stash-backups', prefix: 'db', maxConnections: 2 } },
    ['RESTIC_PASSWORD', 'B2_ACCOUNT_ID', 'B2_ACCOUNT_KEY']],
  ['REST server', Backend.rest({ url: 'https://rest.example.com:8000/sample-xtradb/', basicAuth: true }),
    { rest: { url: 'https://rest.example.com:8000/sample-xtradb/' } },
    ['RESTIC_PASSWORD', 'REST_SERVER_USERNAME', 'REST_SERVER_PASSWORD']],
  ['local PVC', Backend.local({ volume: LocalVolume.persistentVolumeClaim('backup-pvc'), subPath: 'sample-xtradb' }),
    { local: { persistentVolumeClaim: { claimName: 'backup-pvc' }, mountPath: '/safe/data', subPath: 'sample-xtradb' } },
    ['RESTIC_PASSWORD']],
  ['local NFS', Backend.local({ volume: LocalVolume.nfs({ server: 'nfs.storage.svc', path: '/exports/stash' }), mountPath: '/backups' }),
    { local: { nfs: { server: 'nfs.storage.svc', path: '/exports/stash' }, mountPath: '/backups' } },
    ['RESTIC_PASSWORD']],
  ['local hostPath', Backend.local({ volume: LocalVolume.hostPath('/var/stash', { type: HostPathType.DIRECTORY }) }),
    { local: { hostPath: { path: '/var/stash', type: 'Directory' }, mountPath: '/safe/data' } },
    ['RESTIC_PASSWORD']],
];

describe('backends', () => {
  test.each(BACKENDS)('%s: renders spec.backend and names the Secret keys it needs', (_name, backend, json, keys) => {
    const [repo] = repositoryWith(backend);
    expect(repo.spec.backend).toEqual({ ...json, storageSecretName: 'storage-secret' });
    expect(backend.requiredSecretKeys).toEqual(keys);
    expect(backend.problems()).toEqual([]);
  });

  test('every key has a description; optional ones are marked', () => {
    for (const [, backend] of BACKENDS) {
      for (const k of StorageSecret.keysFor(backend)) expect(k.description.length).toBeGreaterThan(5);
    }
    expect(StorageSecret.keysFor(Backend.local({ volume: LocalVolume.hostPath('/x') }))).toEqual([
      expect.objectContaining({ key: 'RESTIC_PASSWORD', required: true }),
    ]);
  });

  test('each factory reports its provider', () => {
    expect(BACKENDS.map(([, b]) => b.provider)).toEqual([
      BackendProvider.S3, BackendProvider.S3, BackendProvider.S3, BackendProvider.GCS, BackendProvider.AZURE,
      BackendProvider.SWIFT, BackendProvider.SWIFT, BackendProvider.B2, BackendProvider.REST,
      BackendProvider.LOCAL, BackendProvider.LOCAL, BackendProvider.LOCAL,
    ]);
  });

  test.each([
    ['S3 bucket', Backend.s3({ bucket: 'Bad_Bucket' }), /^s3\.bucket: "Bad_Bucket" is not a valid S3 bucket name/],
    ['S3 endpoint scheme', Backend.s3({ bucket: 'ok-bucket', endpoint: 'ftp://minio' }), /^s3\.endpoint: "ftp:\/\/minio" uses the scheme "ftp"/],
    ['S3 insecure TLS with a CA', Backend.s3({ bucket: 'ok-bucket', insecureTls: true, customCaCertificate: true }), /^s3\.insecureTls: is set together with customCaCertificate/],
    ['S3 region', Backend.s3({ bucket: 'ok-bucket', region: 'US East' }), /^s3\.region: "US East" is not a region name/],
    ['GCS bucket', Backend.gcs({ bucket: 'x' }), /^gcs\.bucket: "x" is 1 characters long; GCS bucket names are 3 to 63/],
    ['GCS max connections', Backend.gcs({ bucket: 'ok-bucket', maxConnections: 0 }), /^gcs\.maxConnections: 0 is not a whole number/],
    ['GCS prefix with a variable', Backend.gcs({ bucket: 'ok-bucket', prefix: 'stash/${TARGET_NAME}' }), /^gcs\.prefix: .*only in a BackupBlueprint/],
    ['Azure container', Backend.azure({ container: 'Backups' }), /^azure\.container: "Backups" is not a valid Azure container name/],
    ['Swift container', Backend.swift({ container: 'a/b' }), /^swift\.container: "a\/b" contains "\/"/],
    ['B2 bucket', Backend.b2({ bucket: 'b2-backups' }), /^b2\.bucket: "b2-backups" starts with "b2-"/],
    ['REST URL', Backend.rest({ url: 'rest.example.com' }), /^rest\.url: "rest\.example\.com" is not a valid REST server URL/],
    ['local NFS path', Backend.local({ volume: LocalVolume.nfs({ server: 'nfs', path: 'exports' }) }), /^local\.nfs\.path: "exports" is not an absolute path/],
    ['local NFS server', Backend.local({ volume: LocalVolume.nfs({ server: ' ', path: '/exports' }) }), /^local\.nfs\.server: is empty/],
    ['local mount path', Backend.local({ volume: LocalVolume.hostPath('/data'), mountPath: '/tmp/repo' }), /^local\.mountPath: "\/tmp\/repo" collides/],
    ['local PVC name', Backend.local({ volume: LocalVolume.persistentVolumeClaim('Backup_PVC') }), /^local\.persistentVolumeClaim\.claimName: "Backup_PVC"/],
    ['local absolute subPath', Backend.local({ volume: LocalVolume.hostPath('/data'), subPath: '/x' }), /^local\.subPath: "\/x" is absolute/],
  ])('refuses a bad %s with the field and a fix', (_name, backend, message) => {
    const problems = backend.problems();
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    for (const p of problems) expect(p).toMatch(/ Fix: /);
  });
});

describe('Repository', () => {
  test('the seed repository: GCS bucket, prefix and the storage Secret by name', () => {
    const c = chart();
    new Repository(c, 'repo', {
      name: 'gcs-repo-xtradb-cluster',
      backend: Backend.gcs({ bucket: 'appscode-qa', prefix: '/demo/xtradb/sample-xtradb-cluster' }),
      storageSecretName: 'gcs-secret',
    });
    expect(Testing.synth(c)).toEqual([{
      apiVersion: 'stash.appscode.com/v1alpha1',
      kind: 'Repository',
      metadata: { name: 'gcs-repo-xtradb-cluster', namespace: 'demo' },
      spec: {
        backend: { gcs: { bucket: 'appscode-qa', prefix: '/demo/xtradb/sample-xtradb-cluster' }, storageSecretName: 'gcs-secret' },
      },
    }]);
  });

  test('wipeOut and usage policies', () => {
    const b = Backend.gcs({ bucket: 'ok-bucket' });
    expect(repositoryWith(b, { wipeOut: true })[0].spec.wipeOut).toBe(true);
    expect(repositoryWith(b, { usagePolicy: UsagePolicy.sameNamespace() })[0].spec.usagePolicy).toEqual({ allowedNamespaces: { from: 'Same' } });
    expect(repositoryWith(b, { usagePolicy: UsagePolicy.allNamespaces() })[0].spec.usagePolicy).toEqual({ allowedNamespaces: { from: 'All' } });
    expect(repositoryWith(b, { usagePolicy: UsagePolicy.namespacesWithLabels({ team: 'db' }) })[0].spec.usagePolicy)
      .toEqual({ allowedNamespaces: { from: 'Selector', selector: { matchLabels: { team: 'db' } } } });
    expect(repositoryWith(b, { usagePolicy: UsagePolicy.namespaces(['demo', 'restore']) })[0].spec.usagePolicy)
      .toEqual({ allowedNamespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['demo', 'restore'] }] } } });
  });

  test('labels and annotations are passed through; the namespace can be overridden', () => {
    const [repo] = repositoryWith(Backend.gcs({ bucket: 'ok-bucket' }), { namespace: 'backups', labels: { team: 'db' }, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } });
    expect(repo.metadata).toEqual({ name: 'repo', namespace: 'backups', labels: { team: 'db' }, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } });
  });

  test('never emits a Secret unless values are passed explicitly', () => {
    const objects = repositoryWith(Backend.gcs({ bucket: 'ok-bucket' }));
    expect(objects.map((o) => o.kind)).toEqual(['Repository']);
  });

  test('with explicit values, emits the storage Secret next to the Repository', () => {
    const objects = repositoryWith(Backend.local({ volume: LocalVolume.hostPath('/data') }), { storageSecretValues: { RESTIC_PASSWORD: 'from-the-pipeline' } });
    const secret = objects.find((o) => o.kind === 'Secret');
    expect(secret).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'storage-secret', namespace: 'demo' },
      stringData: { RESTIC_PASSWORD: 'from-the-pipeline' },
    });
  });

  test('invalid props fail the synth with the construct path, the field and the fix', () => {
    const c = chart();
    new Repository(c, 'repo', { name: 'Repo_1', backend: Backend.gcs({ bucket: 'x' }), storageSecretName: 'gcs secret', usagePolicy: UsagePolicy.namespaces([]) });
    expect(() => Testing.synth(c)).toThrow(/\[test\/repo\] name: "Repo_1" has upper-case letters.*Fix: use a name like "repo-1"/);
    try {
      Testing.synth(c);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/\[test\/repo\] storageSecretName: "gcs secret"/);
      expect(message).toMatch(/\[test\/repo\] backend\.gcs\.bucket: "x" is 1 characters long/);
      expect(message).toMatch(/\[test\/repo\] usagePolicy: UsagePolicy\.namespaces\(\) got no namespace/);
    }
  });

  test('fromRepositoryName references an existing Repository', () => {
    expect(Repository.fromRepositoryName('gcs-repo', 'backups')).toEqual({ kind: 'Repository', name: 'gcs-repo', namespace: 'backups' });
  });

  test('a reference of another kind is refused with the field named', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'demo' });
    const backup = PerconaXtraDbBackup.fromBackupConfigurationName('nightly');
    new PerconaXtraDbBackup(chart, 'b', {
      database: 'db', version: '8.0.36', repository: backup, schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(3),
    });
    expect(() => Testing.synth(chart)).toThrow(/repository: is a BackupConfiguration \("nightly"\), not a Repository\. Fix: pass a Repository/);
  });
});

describe('StorageSecret', () => {
  const backend = Backend.gcs({ bucket: 'ok-bucket' });

  test('checks that every required key is given and no unknown one', () => {
    const c = chart();
    new StorageSecret(c, 'secret', { name: 'gcs-secret', backend, values: { RESTIC_PASSWORD: 'x', GOOGLE_PROJECT_ID: 'p', AWS_ACCESS_KEY_ID: 'y' } });
    expect(() => Testing.synth(c)).toThrow(/values\.GOOGLE_SERVICE_ACCOUNT_JSON_KEY: is missing, and the gcs backend needs it/);
    expect(() => Testing.synth(c)).toThrow(/values\.AWS_ACCESS_KEY_ID: is not a key the gcs backend reads/);
  });

  test('prints the kubectl command that creates the Secret from files', () => {
    expect(StorageSecret.kubectlCommand(backend, 'gcs-secret', 'demo')).toBe([
      'kubectl create secret generic -n demo gcs-secret \\',
      '    --from-file=./RESTIC_PASSWORD \\',
      '    --from-file=./GOOGLE_PROJECT_ID \\',
      '    --from-file=./GOOGLE_SERVICE_ACCOUNT_JSON_KEY',
    ].join('\n'));
  });
});

describeWithReference('Repository conforms strictly to the upstream CRD', () => {
  const crds = [...upstreamCrds().values()];
  test.each(BACKENDS)('%s', (_name, backend) => {
    for (const policy of [undefined, UsagePolicy.allNamespaces(), UsagePolicy.namespaces(['a']), UsagePolicy.namespacesWithLabels({ a: 'b' })]) {
      const [repo] = repositoryWith(backend, { wipeOut: false, usagePolicy: policy, labels: { a: 'b' } });
      expect(manifestProblems(repo, crds)).toEqual([]);
    }
  });
});
