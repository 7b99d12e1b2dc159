/**
 * PerconaXtraDbClone: a KubeDB PerconaXtraDB that waits for its first restore, plus the guarded
 * RestoreSession into it; strict conformance with KubeDB's CRD (served version, required fields)
 * and Stash's; every invalid clone a clear error.
 */
import { Chart, Size, Testing } from 'cdk8s';
import {
  Backend, CloneDeletionPolicy, CloneMode, manifestProblems, PerconaXtraDbBackupPlan, PerconaXtraDbClone, PerconaXtraDbCloneProps,
  Repository, RetentionPolicy, Schedule, Snapshot,
} from '../../../src';
import { kubedbPerconaXtraDbRefusal } from '../../support/kubedb-webhook';
import { describeWithReference, kubedbCrds, upstreamCrds } from '../../support/reference';

const REPO = Repository.fromRepositoryName('orders-repo');

function cloneChart(props: Partial<PerconaXtraDbCloneProps> = {}): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbClone(chart, 'clone', { name: 'orders-copy', version: '8.0.36', repository: REPO, storage: Size.gibibytes(20), ...props });
  return chart;
}

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('a clone of a dump (CloneMode.STANDALONE, the default)', () => {
  const objects = Testing.synth(cloneChart({ authSecretName: 'orders-auth', storageClassName: 'fast' }));

  test('a KubeDB PerconaXtraDB of 3 members (KubeDB runs every one as a Galera cluster) that waits for its first restore', () => {
    expect(byKind(objects, 'PerconaXtraDB')).toEqual([{
      apiVersion: 'kubedb.com/v1',
      kind: 'PerconaXtraDB',
      metadata: { name: 'orders-copy', namespace: 'shop' },
      spec: {
        version: '8.0.36',
        replicas: 3,
        authSecret: { kind: 'Secret', name: 'orders-auth' },
        storageType: 'Durable',
        storage: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
        init: { waitForInitialRestore: true },
        deletionPolicy: 'Halt',
      },
    }]);
  });

  test('and the guarded RestoreSession into its AppBinding, restored through the logical path (no replicas, no claims)', () => {
    const [rs] = byKind(objects, 'RestoreSession');
    // No target replicas: the addon's TARGET_APP_REPLICAS stays 1, so it pipes the dump into
    // `mysql` through the AppBinding's Service instead of extracting a data directory.
    expect(rs.metadata).toEqual({ name: 'orders-copy-restore', namespace: 'shop', labels: { 'stash-pxc/invoker': 'orders-copy-restore' } });
    expect(rs.spec.target).toEqual({ ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-copy' }, rules: [{ snapshots: ['latest'] }] });
    expect(rs.spec.task).toEqual({ name: 'perconaxtradb-restore-8.0' });
    expect(rs.spec.hooks.preRestore.exec.command.slice(3)).toEqual(['stash-pxc-guard', 'check', 'shop/orders-copy-restore']);
    expect(rs.spec.hooks.postRestore.exec.command.slice(3)).toEqual(['stash-pxc-guard', 'mark', 'shop/orders-copy-restore']);
  });

  test('5 members: the PerconaXtraDB grows, the restore stays logical', () => {
    const five = Testing.synth(cloneChart({ replicas: 5 }));
    expect(byKind(five, 'PerconaXtraDB')[0].spec.replicas).toBe(5);
    const [rs] = byKind(five, 'RestoreSession');
    expect([rs.spec.target.replicas, rs.spec.target.volumeClaimTemplates]).toEqual([undefined, undefined]);
  });
});

describe('a clone of a cluster backup (CloneMode.CLUSTER)', () => {
  test('3 members, a claim per member named as KubeDB\'s StatefulSet names them, host-0\'s backup into every member', () => {
    const objects = Testing.synth(cloneChart({ mode: CloneMode.CLUSTER, snapshot: Snapshot.id('4bc21d6f'), deletionPolicy: CloneDeletionPolicy.WIPE_OUT }));
    const [db] = byKind(objects, 'PerconaXtraDB');
    expect(db.spec.replicas).toBe(3);
    expect(db.spec.deletionPolicy).toBe('WipeOut');
    const [rs] = byKind(objects, 'RestoreSession');
    expect(rs.spec.target).toEqual({
      ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-copy' },
      replicas: 3,
      volumeMounts: [{ name: 'data-orders-copy', mountPath: '/var/lib/mysql' }],
      volumeClaimTemplates: [{ metadata: { name: 'data-orders-copy-${POD_ORDINAL}' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
      rules: [{ targetHosts: [], sourceHost: 'host-0', snapshots: ['4bc21d6f'] }],
    });
    // Guarded by the operator (it refuses claims that exist), so no hook.
    expect(rs.spec.hooks).toBeUndefined();
  });

  test('5 members', () => {
    expect(byKind(Testing.synth(cloneChart({ mode: CloneMode.CLUSTER, replicas: 5 })), 'RestoreSession')[0].spec.target.replicas).toBe(5);
  });
});

describe('invalid clones are clear errors', () => {
  test.each([
    ['an unknown version', { version: '9.9.1' }, /\[test\/clone\/Restore\] version: "9\.9\.1" is not a Percona XtraDB version/],
    ['one member (KubeDB refuses it, whatever the backup)', { replicas: 1 },
      '[test/clone] replicas: 1 members, but KubeDB runs every PerconaXtraDB as a Galera cluster and refuses fewer than 3. Fix: leave replicas out (3), or give 3 or more'],
    ['a cluster of two', { mode: CloneMode.CLUSTER, replicas: 2 },
      '[test/clone] replicas: 2 members, but KubeDB runs every PerconaXtraDB as a Galera cluster and refuses fewer than 3. Fix: leave replicas out (3), or give 3 or more'],
    ['a name longer than KubeDB takes (33 characters)', { name: 'orders-copy-for-the-audit-of-2026' },
      '[test/clone] name: "orders-copy-for-the-audit-of-2026" is 33 characters, and KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer than 32. Fix: give the clone a name of at most 32 characters'],
    ['a fractional replica count', { mode: CloneMode.CLUSTER, replicas: 3.5 }, /\[test\/clone\] replicas: 3\.5 is not a whole number/],
    ['storage too small for a data directory', { storage: Size.kibibytes(4) }, /\[test\/clone\] storage: 4Ki cannot hold a data directory/],
    ['storage that is not a quantity', { storage: Size.gibibytes(Number.NaN) }, /\[test\/clone\] storage: NaN KiB is not a positive size/],
    ['storage that is not a Size', { storage: '10Gi' as unknown as Size }, '[test/clone] storage: "10Gi" is not a Size. Fix: pass a Size, e.g. Size.gibibytes(20)'],
    ['a name KubeDB cannot use', { name: 'Orders_Copy' }, /\[test\/clone\] name: "Orders_Copy"/],
    ['an unknown deletion policy', { deletionPolicy: 'Keep' as CloneDeletionPolicy }, '[test/clone] deletionPolicy: "Keep" is not a deletion policy. Fix: use a CloneDeletionPolicy value'],
    ['an unknown mode', { mode: 'Group' as CloneMode }, '[test/clone] mode: "Group" is not a clone mode'],
    ['no storage', { storage: undefined }, '[test/clone] storage: is missing. Fix: pass the size of each data volume, e.g. Size.gibibytes(20)'],
  ])('%s', (_name, props, message) => {
    expect(() => Testing.synth(cloneChart(props as Partial<PerconaXtraDbCloneProps>))).toThrow(message);
  });

  test('a clone into a database that a backup of the app targets', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new PerconaXtraDbBackupPlan(chart, 'orders', {
      database: 'orders', version: '8.0.36', backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'orders' }), storageSecretName: 'gcs',
      schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(3),
    });
    new PerconaXtraDbClone(chart, 'clone', { name: 'orders', version: '8.0.36', repository: REPO, storage: Size.gibibytes(20) });
    expect(() => Testing.synth(chart)).toThrow('[test/clone] name: "orders" is a database that test/orders/Backup backs up; a clone creates a new database and would restore over that one. Fix: give the clone a name no backup of this app targets');
  });

  test('the limits themselves are accepted: a 32-character name, 3 members of a dump\'s clone', () => {
    const name = 'orders-copy-for-the-audit-of-202';
    expect(name).toHaveLength(32);
    const objects = Testing.synth(cloneChart({ name, replicas: 3 }));
    expect(byKind(objects, 'PerconaXtraDB')[0].metadata.name).toBe(name);
  });

  test('constructing never throws, whatever the props (from JavaScript)', () => {
    expect(() => new PerconaXtraDbClone(new Chart(Testing.app(), 'c'), 'x', undefined as unknown as PerconaXtraDbCloneProps)).not.toThrow();
    expect(() => new PerconaXtraDbClone(new Chart(Testing.app(), 'c'), 'x', { storage: 5 } as unknown as PerconaXtraDbCloneProps)).not.toThrow();
  });
});

describe('KubeDB\'s webhook admits every clone (its checks that need no cluster, support/kubedb-webhook.ts)', () => {
  test.each([
    ['of a dump', {}],
    ['of a dump, 5 members, everything set', { replicas: 5, authSecretName: 'a', storageClassName: 'fast', deletionPolicy: CloneDeletionPolicy.WIPE_OUT }],
    ['of a cluster backup', { mode: CloneMode.CLUSTER }],
    ['named with 32 characters', { name: 'orders-copy-for-the-audit-of-202' }],
  ] as Array<[string, Partial<PerconaXtraDbCloneProps>]>)('%s', (_name, props) => {
    const [db] = byKind(Testing.synth(cloneChart(props)), 'PerconaXtraDB');
    expect(kubedbPerconaXtraDbRefusal(db)).toBeUndefined();
  });

  test('control: the webhook refuses what a standalone clone used to be (1 member) and a 33-character name', () => {
    const [db] = byKind(Testing.synth(cloneChart()), 'PerconaXtraDB');
    expect(kubedbPerconaXtraDbRefusal({ ...db, spec: { ...db.spec, replicas: 1 } })).toBe('\'spec.replicas\' "1" invalid. Value must be atleast 3 for xtradb cluster');
    expect(kubedbPerconaXtraDbRefusal({ ...db, metadata: { ...db.metadata, name: 'orders-copy-for-the-audit-of-2026' } }))
      .toBe('\'spec.px.clusterName\' "orders-copy-for-the-audit-of-2026" shouldn\'t have more than 32 characters\'');
  });
});

describeWithReference('clones conform strictly to KubeDB\'s CRD and Stash\'s', () => {
  const crds = [...kubedbCrds().values(), ...upstreamCrds().values()];

  test('KubeDB serves kubedb.com/v1 PerconaXtraDB (what a clone emits)', () => {
    const crd = kubedbCrds().get('perconaxtradbs.kubedb.com');
    expect(crd.spec.versions.find((v: any) => v.name === 'v1')).toMatchObject({ served: true, storage: true });
  });

  test.each([
    ['standalone', {}],
    ['standalone with everything', { authSecretName: 'a', storageClassName: 'fast', deletionPolicy: CloneDeletionPolicy.DO_NOT_TERMINATE, snapshot: Snapshot.id('4bc21d6f') }],
    ['cluster', { mode: CloneMode.CLUSTER, replicas: 5, storageClassName: 'fast' }],
  ] as Array<[string, Partial<PerconaXtraDbCloneProps>]>)('%s', (_name, props) => {
    for (const object of Testing.synth(cloneChart(props))) expect([object.kind, manifestProblems(object, crds)]).toEqual([object.kind, []]);
  });

  test('control: KubeDB\'s CRD refuses what it does not know (the checker is strict)', () => {
    const [db] = Testing.synth(cloneChart()).filter((o) => o.kind === 'PerconaXtraDB');
    expect(manifestProblems({ ...db, spec: { ...db.spec, terminationPolicy: 'Halt' } }, crds).map((p) => p.path)).toEqual(['spec.terminationPolicy']);
    const { version: _v, ...noVersion } = db.spec;
    expect(manifestProblems({ ...db, spec: noVersion }, crds)).not.toEqual([]);
  });
});
