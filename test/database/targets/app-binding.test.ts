/**
 * PerconaXtraDbAppBinding: the AppBinding for a database KubeDB does not manage, with the
 * parameters the Stash addon reads (Galera arbitrator configuration, addon Tasks).
 */
import { Chart, Testing } from 'cdk8s';
import {
  manifestProblems, PerconaXtraDbBackupBlueprint, PerconaXtraDbAppBinding, PerconaXtraDbAppBindingProps, SecretTransform, SstMethod,
} from '../../../src';
import { describeWithReference, upstreamCrds } from '../../support/reference';

function bindingOf(props: Partial<PerconaXtraDbAppBindingProps> = {}): any {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
  new PerconaXtraDbAppBinding(chart, 'binding', { name: 'sample-xtradb', service: 'sample-xtradb', authSecretName: 'sample-xtradb-auth', ...props });
  return Testing.synth(chart)[0];
}

const GALERA = {
  clusterName: 'sample-xtradb-cluster',
  peers: PerconaXtraDbAppBinding.statefulSetPeers({ statefulSet: 'sample-xtradb-cluster', governingService: 'sample-xtradb-cluster-pods', replicas: 3, namespace: 'demo' }),
};

describe('PerconaXtraDbAppBinding', () => {
  test('a standalone database: service, port, scheme and auth Secret', () => {
    expect(bindingOf()).toEqual({
      apiVersion: 'appcatalog.appscode.com/v1alpha1',
      kind: 'AppBinding',
      metadata: { name: 'sample-xtradb', namespace: 'demo' },
      spec: {
        type: 'kubedb.com/perconaxtradb',
        clientConfig: { service: { name: 'sample-xtradb', port: 3306, scheme: 'mysql' } },
        secret: { kind: 'Secret', name: 'sample-xtradb-auth' },
      },
    });
  });

  test('a Galera cluster: the arbitrator parameters the addon starts garbd with', () => {
    const spec = bindingOf({ galera: GALERA, version: '8.0.36' }).spec;
    expect(spec.version).toBe('8.0.36');
    expect(spec.parameters).toEqual({
      apiVersion: 'config.kubedb.com/v1alpha1',
      kind: 'GaleraArbitratorConfiguration',
      address: 'gcomm://sample-xtradb-cluster-0.sample-xtradb-cluster-pods.demo,sample-xtradb-cluster-1.sample-xtradb-cluster-pods.demo,sample-xtradb-cluster-2.sample-xtradb-cluster-pods.demo',
      group: 'sample-xtradb-cluster',
      sstMethod: SstMethod.XTRABACKUP_V2,
      stash: { addon: { backupTask: { name: 'perconaxtradb-backup-8.0' }, restoreTask: { name: 'perconaxtradb-restore-8.0' } } },
    });
  });

  test('a standalone database with a version names the addon Tasks (for auto-backup) but no group', () => {
    expect(bindingOf({ version: '5.7' }).spec.parameters).toEqual({
      apiVersion: 'appcatalog.appscode.com/v1alpha1',
      kind: 'StashAddon',
      stash: { addon: { backupTask: { name: 'perconaxtradb-backup-5.7' }, restoreTask: { name: 'perconaxtradb-restore-5.7' } } },
    });
  });

  test('statefulSetPeers without namespace gives short host names', () => {
    expect(PerconaXtraDbAppBinding.statefulSetPeers({ statefulSet: 'pxc', governingService: 'pxc-pods', replicas: 2 })).toEqual(['pxc-0.pxc-pods', 'pxc-1.pxc-pods']);
  });

  test('URL, other Service namespace and port, Secret transforms, annotations', () => {
    const binding = bindingOf({
      service: 'mysql', serviceNamespace: 'db', servicePort: 3307, url: 'tcp(mysql.db.svc:3307)/',
      secretTransforms: [SecretTransform.renameKey('root', 'password'), SecretTransform.addKey('username', 'root'), SecretTransform.addKeysFrom('extra'), SecretTransform.removeKey('tls')],
      annotations: PerconaXtraDbBackupBlueprint.autoBackupAnnotations('template'),
      type: 'perconaxtradb',
    });
    expect(binding.metadata.annotations).toEqual({ 'stash.appscode.com/backup-blueprint': 'template' });
    expect(binding.spec.type).toBe('perconaxtradb');
    expect(binding.spec.clientConfig).toEqual({ service: { name: 'mysql', namespace: 'db', port: 3307, scheme: 'mysql' }, url: 'tcp(mysql.db.svc:3307)/' });
    expect(binding.spec.secretTransforms).toEqual([
      { renameKey: { from: 'root', to: 'password' } },
      { addKey: { key: 'username', stringValue: 'root' } },
      { addKeysFrom: { secretRef: { name: 'extra' } } },
      { removeKey: { key: 'tls' } },
    ]);
  });

  test('a database outside the cluster by URL only', () => {
    expect(bindingOf({ service: undefined, url: 'mysql://db.example.com:3306' }).spec.clientConfig).toEqual({ url: 'mysql://db.example.com:3306' });
  });

  test.each([
    ['neither service nor url', { service: undefined }, /\[test\/binding\] service: neither service nor url is set/],
    ['a url with credentials', { url: 'mysql://root:pw@db:3306' }, /url: "mysql:\/\/root:pw@db:3306" is not an address the addon can parse/],
    ['a service name that is not a DNS-1035 label', { service: '1-mysql' }, /service: "1-mysql" must start with a lower-case letter/],
    ['a port out of range', { servicePort: 0 }, /servicePort: 0 is not a whole number between 1 and 65535/],
    ['a port without service', { service: undefined, url: 'mysql://db:3306', servicePort: 3306 }, /servicePort: servicePort or serviceNamespace is set without service/],
    ['an empty peer list', { galera: { clusterName: 'c', peers: [] } }, /galera\.peers: is empty, so garbd has no member to join/],
    ['a bad peer', { galera: { clusterName: 'c', peers: ['gcomm://a'] } }, /galera\.peers: "gcomm:\/\/a" is not a host or host:port/],
    ['a cluster name with spaces', { galera: { clusterName: 'my cluster', peers: ['a'] } }, /galera\.clusterName: "my cluster"/],
    ['an unsupported version', { version: '5.6' }, /version: "5\.6" is not a Percona XtraDB version/],
    ['a password in addKey', { secretTransforms: [SecretTransform.addKey('password', 'x')] }, /secretTransforms\.addKey: "password" looks like a credential/],
    ['an upper-case name', { name: 'Sample' }, /name: "Sample" has upper-case letters/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => bindingOf(props)).toThrow(message);
  });
});

describeWithReference('the AppBinding conforms strictly to the upstream CRD', () => {
  const crds = [...upstreamCrds().values()];
  test.each([
    ['standalone', {}],
    ['standalone with version', { version: '8.4.1' }],
    ['Galera cluster', { galera: GALERA, version: '8.0.36' }],
    ['URL and transforms', { url: 'tcp(db:3306)/', secretTransforms: [SecretTransform.renameKey('a', 'b'), SecretTransform.addKey('username', 'root')] }],
  ] as Array<[string, Partial<PerconaXtraDbAppBindingProps>]>)('%s', (_name, props) => {
    expect(manifestProblems(bindingOf(props), crds)).toEqual([]);
  });
});

describe('a dedicated backup user instead of root', () => {
  test('the grants mysqldump --all-databases needs, the same on every line', () => {
    for (const version of ['5.7.44', '8.0.36', '8.4.2']) {
      expect(PerconaXtraDbAppBinding.backupUserGrants({ version })).toEqual(["GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, PROCESS ON *.* TO 'stash-backup'@'%';"]);
    }
  });

  test('--single-transaction adds RELOAD from 8.0 on; user and host are quoted', () => {
    expect(PerconaXtraDbAppBinding.backupUserGrants({ version: '8.0.36', user: "o'brien", host: '10.%', singleTransaction: true }))
      .toEqual(["GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, PROCESS, RELOAD ON *.* TO 'o''brien'@'10.%';"]);
    expect(PerconaXtraDbAppBinding.backupUserGrants({ version: '5.7.44', singleTransaction: true })[0]).not.toMatch(/RELOAD/);
  });
});
