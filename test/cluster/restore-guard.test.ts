/**
 * The restore guard on a real kube-apiserver (our CRDs from dist/crds.yaml; no operator, whose
 * webhooks would have no server here):
 * - the per-database chart installed, uninstalled and installed again creates the same
 *   RestoreSession twice (a new object, a new uid: what the operator would run again), with the
 *   guard's hooks in it both times, as rendered;
 * - clones (KubeDB's PerconaXtraDB CRD installed from the reference) and their guarded restores are
 *   stored as the chart rendered them, every PerconaXtraDB one KubeDB's webhook admits (3 or more
 *   members, a name of at most 32 characters: support/kubedb-webhook.ts);
 * - the restore Job's ServiceAccount, bound to the operator's own `stash-restore-job` ClusterRole
 *   (upstream rules, support/upstream-job-rbac.ts), may do everything `stash run-hook` does to run
 *   the guard in the database's pod: get the AppBinding, its Service's Endpoints and the pod, and
 *   create pods/exec (SubjectAccessReviews);
 * - what a refusal leaves on the API server, as the install's ServiceAccounts write it (RBAC of
 *   dist/install.yaml, the same as the chart's; impersonated, so the authorizer judges every
 *   write): the restore Job's status updater marks the host Failed and raises its Warning Event
 *   on the RestoreSession, which `kubectl get events --field-selector involvedObject.name=` finds;
 * - a cluster restore's claims as the operator creates them (support/stash-restore-failure.ts
 *   `claimsForOrdinal`): into an empty namespace they are created; where a previous restore left
 *   them, the plain Create is refused with AlreadyExists, which is the refusal, and the operator's
 *   Event says so. (That the operator's ServiceAccount may create events and patch RestoreSession
 *   status at all is asked in rbac.test.ts.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Cluster, startCluster } from './harness';
import { findHelm, HelmBinary } from '../support/helm';
import { reviewAccess, serviceAccountUser, describeAccess, Access } from './support/access';
import { helmOnOk, releaseManifest } from './support/helm';
import { kubedbPerconaXtraDbRefusal } from '../support/kubedb-webhook';
import { waitEstablished } from './support/objects';
import { BACKUP_CHART_DIR, DIST_DIR, requireArtifact } from './support/repo';
import { UPSTREAM_JOB_CLUSTER_ROLES } from './support/upstream-job-rbac';
import { asList, readYamlFile } from './support/yaml';
import { standaloneGuardScript } from '../../src/database/restores/restore-guard';
import { describeWithReference, kubedbCrds } from '../support/reference';
import { Chart, Size, Testing } from 'cdk8s';
import { PerconaXtraDbRestore, Repository } from '../../src';
import {
  claimExistsError, claimsForOrdinal, execHookError, preRestoreHookRefusal, restoreJobCreationFailedEvent, StashEvent,
} from '../support/stash-restore-failure';

const NS = 'shop';
const VALUES = {
  defaults: {
    version: '8.0.36',
    backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
    storageSecretName: 'gcs-secret',
    schedule: { cron: '0 2 * * *' },
    retentionPolicy: { keepLast: 5 },
  },
  databases: [{ name: 'orders' }],
  restores: [
    { name: 'orders-copy-restore', database: 'orders-copy', from: 'orders', annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } },
    { name: 'orders-cluster-restore', database: 'orders-cluster', from: 'orders',
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-cluster-${POD_ORDINAL}', storage: '1Gi' }] } },
  ],
};

const CLONES = {
  ...VALUES,
  restores: [],
  clones: [
    { name: 'orders-copy', from: 'orders', storage: '20Gi', authSecretName: 'orders-auth', snapshot: '4bc21d6f' },
    { name: 'orders-cluster-copy', from: 'orders', mode: 'Cluster', storage: '10Gi', storageClassName: 'standard', deletionPolicy: 'WipeOut',
      snapshotNotAfter: '2026-12-01T00:00:00Z', snapshots: [{ id: '2222bbbb', time: '2026-11-30T02:00:04Z' }, { id: '3333cccc', time: '2026-12-01T02:00:07Z' }] },
  ],
};

describeWithReference('the restore guard on a real kube-apiserver', () => {
  let cluster: Cluster;
  let helm: HelmBinary;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-restore-guard-'));
  const valuesFile = path.join(tmp, 'values.yaml');

  beforeAll(async () => {
    const crdsFile = requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'dist/crds.yaml');
    helm = findHelm(3);
    cluster = await startCluster();
    await cluster.kubectl(['apply', '--server-side', '-f', crdsFile]);
    // KubeDB's own CRDs (PerconaXtraDB, PerconaXtraDBVersion), as KubeDB installs them.
    const kubedb = [...kubedbCrds().values()];
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: asList(kubedb) });
    await waitEstablished(cluster, [...readYamlFile(crdsFile), ...kubedb].map((c: any) => c.metadata.name));
    await cluster.createNamespace(NS);
    fs.writeFileSync(valuesFile, stringify(VALUES));
  });

  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const restoreSession = async (name: string): Promise<any> => JSON.parse(await cluster.kubectl(['get', 'restoresession', name, '-n', NS, '-o', 'json']));

  test('install, uninstall, install: the same RestoreSession is created twice, guarded both times', async () => {
    const seen: any[] = [];
    for (let round = 0; round < 2; round++) {
      await helmOnOk(cluster, ['install', 'shop-backups', BACKUP_CHART_DIR, '--namespace', NS, '-f', valuesFile], helm);
      seen.push(await restoreSession('orders-copy-restore'));
      const clusterRestore = await restoreSession('orders-cluster-restore');
      // A cluster restore is guarded by the operator (claims that exist are refused), not by a hook.
      expect(clusterRestore.spec.hooks).toBeUndefined();
      await helmOnOk(cluster, ['uninstall', 'shop-backups', '--namespace', NS], helm);
      const gone = await cluster.kubectlResult(['get', 'restoresession', 'orders-copy-restore', '-n', NS]);
      expect(gone.stderr).toMatch(/NotFound/);
    }
    expect(seen[0].metadata.uid).not.toBe(seen[1].metadata.uid);
    for (const rs of seen) {
      expect(rs.spec.hooks).toEqual({
        preRestore: { exec: { command: ['sh', '-c', standaloneGuardScript(), 'stash-pxc-guard', 'check', 'shop/orders-copy-restore'] }, containerName: 'perconaxtradb' },
        postRestore: { exec: { command: ['sh', '-c', standaloneGuardScript(), 'stash-pxc-guard', 'mark', 'shop/orders-copy-restore'] }, containerName: 'perconaxtradb', executionPolicy: 'OnSuccess' },
      });
    }
  }, 180_000);

  test('clones and their guarded restores are stored as rendered (KubeDB\'s CRD accepts the PerconaXtraDB objects)', async () => {
    const file = path.join(tmp, 'clones.yaml');
    fs.writeFileSync(file, stringify(CLONES));
    await cluster.createNamespace('sandbox');
    await helmOnOk(cluster, ['install', 'sandbox-clones', BACKUP_CHART_DIR, '--namespace', 'sandbox', '-f', file], helm);
    const rendered = (await releaseManifest(cluster, 'sandbox-clones', 'sandbox')).filter((o) => ['PerconaXtraDB', 'RestoreSession'].includes(o.kind));
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'PerconaXtraDB/orders-cluster-copy', 'PerconaXtraDB/orders-copy', 'RestoreSession/orders-cluster-copy-restore', 'RestoreSession/orders-copy-restore']);
    for (const o of rendered) {
      const stored = JSON.parse(await cluster.kubectl(['get', o.kind === 'PerconaXtraDB' ? 'perconaxtradbs.kubedb.com' : 'restoresessions.stash.appscode.com', o.metadata.name, '-n', 'sandbox', '-o', 'json']));
      // Stored as rendered: nothing pruned (the server may only add its defaults).
      expect(stored.spec).toMatchObject(o.spec);
    }
    const copy = rendered.find((o) => o.kind === 'RestoreSession' && o.metadata.name === 'orders-copy-restore');
    expect(copy.spec.hooks.preRestore.exec.command.slice(3)).toEqual(['stash-pxc-guard', 'check', 'sandbox/orders-copy-restore']);
    const clusterCopy = rendered.find((o) => o.kind === 'RestoreSession' && o.metadata.name === 'orders-cluster-copy-restore');
    expect(clusterCopy.spec.target.rules).toEqual([{ targetHosts: [], sourceHost: 'host-0', snapshots: ['2222bbbb'] }]);
    const db = rendered.find((o) => o.kind === 'PerconaXtraDB' && o.metadata.name === 'orders-cluster-copy');
    expect(db.spec).toMatchObject({ replicas: 3, init: { waitForInitialRestore: true }, deletionPolicy: 'WipeOut' });
    // The clone of a dump is a 3-member Galera cluster too, restored through the logical path:
    // no target replicas and no claims, so the addon pipes the dump through the clone's Service.
    const dumpDb = rendered.find((o) => o.kind === 'PerconaXtraDB' && o.metadata.name === 'orders-copy');
    expect(dumpDb.spec).toMatchObject({ replicas: 3, init: { waitForInitialRestore: true } });
    expect([copy.spec.target.replicas, copy.spec.target.volumeClaimTemplates]).toEqual([undefined, undefined]);
    // And KubeDB's webhook (no server here: its checks that need no cluster) admits both as stored.
    for (const name of ['orders-copy', 'orders-cluster-copy']) {
      const stored = JSON.parse(await cluster.kubectl(['get', 'perconaxtradbs.kubedb.com', name, '-n', 'sandbox', '-o', 'json']));
      expect([name, kubedbPerconaXtraDbRefusal(stored)]).toEqual([name, undefined]);
    }
  }, 120_000);

  test('the restore Job\'s RBAC, as the operator grants it, is enough to run the guard in the database\'s pod', async () => {
    // The operator names the Job's ServiceAccount restoresession-<name>-0 (stash-operator-output) and binds it to stash-restore-job.
    const sa = 'restoresession-orders-copy-restore-0';
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'stash-restore-job' }, rules: UPSTREAM_JOB_CLUSTER_ROLES['stash-restore-job'] };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: sa, namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stash-restore-job' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: NS }],
    };
    await cluster.kubectl(['create', '-f', '-'], { input: asList([role, binding]) });
    // What `stash run-hook` does (stashed/stash pkg/cmds/run_hook.go): the AppBinding, the Endpoints of its
    // Service, the pod, then an exec into it (kmodules prober: pods get, pods/exec create).
    const needed: Access[] = [
      { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: 'orders-copy' },
      { verb: 'get', resource: 'endpoints', namespace: NS, name: 'orders-copy' },
      { verb: 'get', resource: 'pods', namespace: NS, name: 'orders-copy-0' },
      { verb: 'create', resource: 'pods', subresource: 'exec', namespace: NS, name: 'orders-copy-0' },
      { verb: 'get', group: 'stash.appscode.com', resource: 'restoresessions', namespace: NS, name: 'orders-copy-restore' },
      { verb: 'patch', group: 'stash.appscode.com', resource: 'restoresessions', subresource: 'status', namespace: NS, name: 'orders-copy-restore' },
    ];
    const subject = serviceAccountUser(NS, sa);
    const answers = await reviewAccess(cluster, subject, needed);
    expect(needed.filter((_, i) => !answers[i]).map(describeAccess)).toEqual([]);
    // Control: the binding is namespaced; the same exec elsewhere is denied.
    const [elsewhere] = await reviewAccess(cluster, subject, [{ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'kube-system', name: 'x' }]);
    expect(elsewhere).toBe(false);
  }, 60_000);

  // ---- what a refusal leaves behind, written as the install's ServiceAccounts would ----
  const REFUSALS = 'refusals';
  /** The operator's ServiceAccount as dist/install.yaml (= the chart's defaults) names it. */
  const OPERATOR = 'system:serviceaccount:stash:stash';
  const as = (user: string, namespace: string): string[] => [`--as=${user}`, '--as-group=system:serviceaccounts', `--as-group=system:serviceaccounts:${namespace}`];
  const jobUser = (rs: string): string => `system:serviceaccount:${REFUSALS}:restoresession-${rs}-0`;

  /** A RestoreSession rendered by the constructs, created in REFUSALS; returns it as stored. */
  const createRestore = async (id: string, props: any): Promise<any> => {
    const chart = new Chart(Testing.app(), 'test', { namespace: REFUSALS });
    new PerconaXtraDbRestore(chart, id, { version: '8.0.36', repository: Repository.fromRepositoryName('orders-repo'), ...props });
    const rs = Testing.synth(chart).find((o: any) => o.kind === 'RestoreSession');
    await cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(rs) });
    return JSON.parse(await cluster.kubectl(['get', 'restoresession', rs.metadata.name, '-n', REFUSALS, '-o', 'json']));
  };

  /** Writes `event` as the events the operator and the status updater create (name <rs>.<hex nanoseconds>), as `user`. */
  const raise = async (event: StashEvent, uid: string, user: string): Promise<void> => {
    const now = new Date();
    const object = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${event.involvedObject.name}.${(BigInt(now.getTime()) * 1_000_000n).toString(16)}`, namespace: REFUSALS },
      involvedObject: { ...event.involvedObject, uid }, reason: event.reason, message: event.message, type: event.type, source: event.source,
      firstTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'), lastTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'), count: 1,
    };
    await cluster.kubectl(['create', '-f', '-', ...as(user, REFUSALS)], { input: JSON.stringify(object) });
  };

  const eventsOf = async (rs: string): Promise<any[]> => JSON.parse(await cluster.kubectl(
    ['get', 'events', '-n', REFUSALS, '--field-selector', `involvedObject.name=${rs}`, '-o', 'json'])).items;

  test('a refused standalone restore: the Job marks the host Failed and its Event on the RestoreSession is what kubectl get events finds', async () => {
    // The install's ServiceAccount and RBAC, and the restore Job's ServiceAccount bound as the operator binds it.
    const install = readYamlFile(requireArtifact(path.join(DIST_DIR, 'install.yaml'), 'dist/install.yaml'))
      .filter((o: any) => ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: asList(install) });
    await cluster.createNamespace(REFUSALS);
    const rs = await createRestore('restore', { name: 'orders-again', database: 'orders' });
    const sa = `restoresession-${rs.metadata.name}-0`;
    await cluster.kubectl(['create', 'serviceaccount', sa, '-n', REFUSALS]);
    await cluster.kubectl(['create', 'rolebinding', sa, '-n', REFUSALS, '--clusterrole=stash-restore-job', `--serviceaccount=${REFUSALS}:${sa}`]);

    const seen = preRestoreHookRefusal({ namespace: REFUSALS, name: rs.metadata.name }, 'host-0', execHookError('command terminated with non-zero exit code: exit status 1'));
    // The status updater's write (the Job's own token): the host's stats and the phase.
    await cluster.kubectl(['patch', 'restoresession', rs.metadata.name, '-n', REFUSALS, '--subresource=status', '--type=merge',
      '-p', JSON.stringify({ status: { phase: seen.phase, totalHosts: 1, stats: seen.stats } }), ...as(jobUser(rs.metadata.name), REFUSALS)]);
    for (const event of seen.jobEvents) await raise(event, rs.metadata.uid, jobUser(rs.metadata.name));

    const stored = JSON.parse(await cluster.kubectl(['get', 'restoresession', rs.metadata.name, '-n', REFUSALS, '-o', 'json']));
    expect(stored.status).toMatchObject({ phase: 'Failed', stats: [{ hostname: 'host-0', phase: 'Failed', error: seen.stats[0].error }] });
    const events = await eventsOf(rs.metadata.name);
    expect(events.map((e) => ({ type: e.type, reason: e.reason, message: e.message, source: e.source, kind: e.involvedObject.kind, uid: e.involvedObject.uid })))
      .toEqual([{ type: 'Warning', reason: 'Host Restore Failed', message: seen.jobEvents[0].message, source: { component: 'Status Updater' }, kind: 'RestoreSession', uid: rs.metadata.uid }]);
    // `kubectl describe` lists the same Event under the RestoreSession.
    const described = await cluster.kubectl(['describe', 'restoresession', rs.metadata.name, '-n', REFUSALS]);
    expect(described).toMatch(/Warning\s+Host Restore Failed/);
  }, 90_000);

  test('a cluster restore: the operator creates the rendered claims where none exist, and is refused (AlreadyExists) where a previous restore left them', async () => {
    const props = { name: 'orders-cluster-restore', database: 'orders-cluster',
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-cluster-${POD_ORDINAL}', storage: Size.gibibytes(1), storageClassName: 'standard' }] } };
    const rs = await createRestore('cluster-restore', props);
    const create = (claim: any) => cluster.kubectlResult(['create', '-f', '-', ...as(OPERATOR, 'stash')], { input: JSON.stringify(claim) });
    // Empty: every ordinal's claim is created by the operator's ServiceAccount, as rendered.
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      for (const claim of claimsForOrdinal(rs, ordinal)) {
        const r = await create(claim);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
        const stored = JSON.parse(await cluster.kubectl(['get', 'pvc', claim.metadata.name, '-n', REFUSALS, '-o', 'json']));
        expect(stored.metadata.name).toBe(`data-orders-cluster-${ordinal}`);
        expect(stored.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } });
      }
    }
    // The same RestoreSession again (a reinstall): the claims of the first restore exist, the Create is
    // refused for the first ordinal, so no claim is touched and no Job is created.
    await cluster.kubectl(['delete', 'restoresession', rs.metadata.name, '-n', REFUSALS]);
    const again = await createRestore('cluster-restore', props);
    const [first] = claimsForOrdinal(again, 0);
    const refused = await create(first);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^Error from server \(AlreadyExists\): /);
    expect(refused.stderr.trim().endsWith(claimExistsError('data-orders-cluster-0'))).toBe(true);
    const event = restoreJobCreationFailedEvent({ namespace: REFUSALS, name: again.metadata.name }, claimExistsError('data-orders-cluster-0'));
    await raise(event, again.metadata.uid, OPERATOR);
    await cluster.kubectl(['patch', 'restoresession', again.metadata.name, '-n', REFUSALS, '--subresource=status', '--type=merge',
      '-p', JSON.stringify({ status: { phase: 'Failed' } }), ...as(OPERATOR, 'stash')]);
    const events = (await eventsOf(again.metadata.name)).filter((e) => e.involvedObject.uid === again.metadata.uid);
    expect(events.map((e) => [e.reason, e.message])).toEqual([['Restore Job Creation Failed',
      'failed to create restore job. Reason: persistentvolumeclaims "data-orders-cluster-0" already exists']]);
  }, 90_000);
});
