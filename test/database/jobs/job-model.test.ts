/**
 * The model of the operator's Jobs (test/support/stash-job-pod.ts) against the Jobs the real
 * operator built: the reference's input values go through the per-database chart's values model
 * (the constructs the chart is tested equal to), its AppBindings stand beside them, and every
 * captured `job-*.yaml` of `../shared/reference/stash-operator-output/` is compared, field by
 * field, with the model's Job for the same invoker: names, labels, ServiceAccount, volumes and
 * mounts, containers (names, images, args, env, securityContexts), the pod securityContext.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { fromValues } from '../../../generator/backup-chart/values-model';
import { defaultCatalog } from '../../support/job-invokers';
import { describeWithReference, readReference, REFERENCE_DIR } from '../../support/reference';
import { DEFAULT_OPERATOR_SETTINGS, jobOf, jobServiceAccountName, reconciledInvokerLabels } from '../../support/stash-job-pod';

const OUTPUT = 'stash-operator-output';
/** The release the reference installed the per-database chart as. */
const RELEASE = { name: 'demo-backups', namespace: 'demo' };

/** The fields of a Job the project's tests and policies rely on. */
function judged(job: any): any {
  const pod = job.spec.template.spec;
  const container = (c: any) => ({
    name: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    args: c.args,
    env: c.env ?? [],
    resources: c.resources ?? {},
    securityContext: c.securityContext,
    volumeMounts: c.volumeMounts,
  });
  const { 'controller-uid': _a, 'batch.kubernetes.io/controller-uid': _b, ...podLabels } = job.spec.template.metadata.labels;
  return {
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    labels: job.metadata.labels,
    backoffLimit: job.spec.backoffLimit,
    podLabels,
    serviceAccountName: pod.serviceAccountName,
    restartPolicy: pod.restartPolicy,
    securityContext: pod.securityContext,
    volumes: pod.volumes,
    initContainers: (pod.initContainers ?? []).map(container),
    containers: pod.containers.map(container),
  };
}

describeWithReference('the Job model against the Jobs the real operator built', () => {
  const values = parse(fs.readFileSync(path.join(REFERENCE_DIR, OUTPUT, 'input-values.yaml'), 'utf8'));
  const objects = fromValues(values, RELEASE).manifests;
  const appBindings = readReference(path.join(OUTPUT, 'input-objects.yaml')).filter((o) => o.kind === 'AppBinding');
  const captured = fs.readdirSync(path.join(REFERENCE_DIR, OUTPUT)).filter((f) => /^job-.*\.yaml$/.test(f)).sort()
    .map((f) => ({ file: f, job: readReference(path.join(OUTPUT, f))[0] }));
  const catalog = defaultCatalog();
  const find = (kind: string, name: string) => objects.find((o: any) => o.kind === kind && o.metadata.name === name);

  /**
   * An invoker as rendered when the reference was captured: the labels of stash-pxc's own prefix
   * that the chart added since (`stash-pxc/release`, `stash-pxc/invoker`) are not on the stored
   * invoker, so not on its Jobs; the chart and restore tests judge them.
   */
  function asCaptured(invoker: any): any {
    const file = `${invoker.kind.toLowerCase()}-${invoker.metadata.name}.yaml`;
    const stored = readReference(path.join(OUTPUT, file))[0];
    const labels = Object.fromEntries(Object.entries(invoker.metadata.labels ?? {})
      .filter(([k]) => !k.startsWith('stash-pxc/') || k in (stored.metadata.labels ?? {})));
    return { ...invoker, metadata: { ...invoker.metadata, labels } };
  }

  /** The invoker of a captured Job, and the model's options for it (from its owner, as the operator had them). */
  function modelFor(job: any): any {
    const owner = job.metadata.ownerReferences[0];
    const backup = owner.kind === 'BackupSession';
    const found = backup ? find('BackupConfiguration', owner.name.replace(/-\d+$/, '')) : find('RestoreSession', owner.name);
    expect(found).toBeDefined();
    const invoker = asCaptured(found);
    const repository = find('Repository', invoker.spec.repository.name);
    const ordinal = /-0-(\d+)$/.exec(job.metadata.name);
    return jobOf(invoker, catalog, {
      namespace: RELEASE.namespace,
      backupSession: backup ? owner.name : undefined,
      ordinal: ordinal && !backup ? Number(ordinal[1]) : undefined,
      repository,
      appBindings,
      operator: DEFAULT_OPERATOR_SETTINGS,
    });
  }

  test('the reference holds the backup Jobs of both databases and the restore Jobs, 3 for the cluster restore', () => {
    expect(captured.map((c) => c.file)).toEqual([
      expect.stringMatching(/^job-stash-backup-sample-xtradb-backup-\d+-0\.yaml$/),
      expect.stringMatching(/^job-stash-backup-sample-xtradb-cluster-backup-\d+-0\.yaml$/),
      'job-stash-restore-sample-xtradb-cluster-restore-0-0.yaml',
      'job-stash-restore-sample-xtradb-cluster-restore-0-1.yaml',
      'job-stash-restore-sample-xtradb-cluster-restore-0-2.yaml',
      'job-stash-restore-sample-xtradb-restore-0.yaml',
    ]);
  });

  test.each(captured.map((c) => [c.file, c.job]))('%s: every judged field equals the model\'s', (_file, job) => {
    expect(judged(modelFor(job))).toEqual(judged(job));
  });

  test('ServiceAccounts: backupconfiguration-<name>-0, restoresession-<name>-0, one for all members of a cluster restore', () => {
    const accounts = new Set(captured.filter((c) => c.file.includes('cluster-restore')).map((c) => c.job.spec.template.spec.serviceAccountName));
    expect([...accounts]).toEqual(['restoresession-sample-xtradb-cluster-restore-0']);
    expect(jobServiceAccountName(find('BackupConfiguration', 'sample-xtradb-backup'))).toBe('backupconfiguration-sample-xtradb-backup-0');
  });

  test('restore pods carry the AppBinding\'s instance, name and managed-by, not the release\'s', () => {
    const restore = find('RestoreSession', 'sample-xtradb-restore');
    expect(restore.metadata.labels['app.kubernetes.io/instance']).toBe(RELEASE.name);
    expect(reconciledInvokerLabels(restore, appBindings)).toMatchObject({
      'app.kubernetes.io/instance': 'restored-xtradb', 'app.kubernetes.io/name': 'perconaxtradbs.kubedb.com', 'app.kubernetes.io/managed-by': 'kubedb.com',
    });
    // The stored RestoreSession shows the same rewrite.
    const stored = readReference(path.join(OUTPUT, 'restoresession-sample-xtradb-restore.yaml'))[0];
    expect(reconciledInvokerLabels(asCaptured(restore), appBindings)).toEqual(stored.metadata.labels);
  });

  test('control: an AppBinding not managed by KubeDB leaves the restore\'s labels alone', () => {
    const restore = find('RestoreSession', 'sample-xtradb-restore');
    const unmanaged = appBindings.map((b: any) => ({ ...b, metadata: { ...b.metadata, labels: { ...b.metadata.labels, 'app.kubernetes.io/managed-by': 'someone' } } }));
    expect(reconciledInvokerLabels(restore, unmanaged)).toEqual(restore.metadata.labels);
  });

  test('control: the comparison sees a wrong scratch volume, ServiceAccount or label', () => {
    const job = captured[0].job;
    const model = modelFor(job);
    for (const spoil of [
      (m: any) => { m.spec.template.spec.volumes[0].name = 'tmp-dir'; },
      (m: any) => { m.spec.template.spec.serviceAccountName = m.metadata.name; },
      (m: any) => { m.spec.template.metadata.labels['app.kubernetes.io/instance'] = 'other'; },
    ]) {
      const spoiled = structuredClone(model);
      spoil(spoiled);
      expect(judged(spoiled)).not.toEqual(judged(job));
    }
  });
});
