/**
 * The per-database chart refuses, at install, a Job that its namespace's Pod Security admission
 * would refuse (a cluster restore where "restricted" is enforced), worded as the constructs word it
 * when the app holds the Namespace. `lookup` finds nothing under `helm template`, so the check is a
 * named template that takes the Namespace: a probe hands it stand-ins (the cluster suite,
 * test/cluster/backup-chart-pod-security.test.ts, installs against a real API server).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PerconaXtraDbBackup, PerconaXtraDbRestore, POD_ORDINAL, Repository, RetentionPolicy, Schedule } from '../../src';
import { writeTempBackupChart } from '../support/backup-chart';
import { describeWithHelm, findHelm, helmTemplate } from '../support/helm';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const CLUSTER = { replicas: 3, volumeClaimTemplates: [{ name: `data-restored-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] };

/** A Namespace as `lookup` returns it. */
const namespace = (labels: { [k: string]: string }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels } });

/** The constructs' problem (text after the field) for a Job in a namespace of the app that enforces `level`. */
function constructProblem(level: string, job: 'backup' | 'restore' | 'cluster-restore', runtimeSettings: any, defaults: boolean): string {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'demo', labels: { [ENFORCE]: level } } });
  const repository = Repository.fromRepositoryName('repo');
  const common = { version: '8.0.36', repository, runtimeSettings, defaultSecurityContext: defaults };
  if (job === 'backup') {
    new PerconaXtraDbBackup(chart, 'j', { ...common, database: 'db', schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(3) });
  } else {
    new PerconaXtraDbRestore(chart, 'j', { ...common, database: 'restored', ...(job === 'cluster-restore' ? { cluster: CLUSTER } : {}) });
  }
  try {
    Testing.synth(chart);
  } catch (e) {
    const m = /\[test\/j\] runtimeSettings: (.*)/.exec(String(e));
    return m ? m[1] : `other problem: ${String(e)}`;
  }
  return '';
}

describeWithHelm('stash-pxc-backup: the Pod Security check at install, on stand-in namespaces', () => {
  const chart = writeTempBackupChart();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-psa-'));
  let probes = 0;
  afterAll(() => {
    chart.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The chart's check of a Job with these values runtimeSettings in `ns`: '' when allowed, else the text after the path. */
  const chartProblem = async (ns: unknown, kind: string, runtimeSettings: unknown, defaults: boolean): Promise<string> => {
    const dir = path.join(tmp, `probe-${probes++}`, 'stash-pxc-backup');
    fs.cpSync(chart.dir, dir, { recursive: true });
    const json = (v: unknown) => `(fromJson ${JSON.stringify(JSON.stringify(v))})`;
    fs.writeFileSync(path.join(dir, 'templates', 'zz-probe.yaml'), [
      `{{- $rs := include "stash-pxc-backup.runtimeSettings" (dict "r" ${json(runtimeSettings)} "path" "x" "kind" "${kind}" "defaults" ${defaults}) | fromJson -}}`,
      `{{- include "stash-pxc-backup.checkPodSecurity" (dict "namespace" ${json(ns)} "ns" "demo" "path" "restores[0].runtimeSettings" "kind" "${kind}" "rs" $rs) -}}`,
      '',
    ].join('\n'));
    try {
      await helmTemplate(findHelm(4), dir, { release: 'r', namespace: 'demo' });
      return '';
    } catch (e) {
      const m = /restores\[0\]\.runtimeSettings: (.*)/.exec((e as Error).message);
      return m ? m[1] : `other failure: ${(e as Error).message}`;
    }
  };

  test('a cluster restore: refused where "restricted" is enforced, with the constructs\' reason and fix; allowed under baseline, privileged, no label, and when lookup finds nothing', async () => {
    const [restricted, baseline, privileged, unlabelled, nothing] = await Promise.all([
      chartProblem(namespace({ [ENFORCE]: 'restricted' }), 'cluster-restore', {}, true),
      chartProblem(namespace({ [ENFORCE]: 'baseline' }), 'cluster-restore', {}, true),
      chartProblem(namespace({ [ENFORCE]: 'privileged' }), 'cluster-restore', {}, true),
      chartProblem(namespace({ 'kubernetes.io/metadata.name': 'demo' }), 'cluster-restore', {}, true),
      chartProblem({}, 'cluster-restore', {}, true),
    ]);
    expect(restricted).toBe('the cluster restore Job\'s pod would be refused in namespace "demo", which enforces Pod Security "restricted" (runAsNonRoot is not true; runs as user 0; adds capabilities CHOWN, DAC_OVERRIDE, FOWNER). '
      + 'Fix: a cluster restore runs the addon\'s restore script as root: restore in a namespace that enforces "baseline" at most (label it pod-security.kubernetes.io/enforce=baseline for the restore), then move to "restricted".');
    expect(restricted).toBe(constructProblem('restricted', 'cluster-restore', undefined, true));
    expect([baseline, privileged, unlabelled, nothing]).toEqual(['', '', '', '']);
  }, 60000);

  test.each([
    ['a standalone restore without the default security context, under restricted', 'restricted', 'restore', undefined, false],
    ['a backup without the default security context, under restricted', 'restricted', 'backup', undefined, false],
    ['a cluster restore adding NET_RAW, under baseline', 'baseline', 'cluster-restore', { container: { securityContext: { capabilities: { add: ['NET_RAW'] } } } }, true],
    ['a backup with a privileged-less Unconfined seccomp profile, under baseline', 'baseline', 'backup', { pod: { securityContext: { seccompProfile: { type: 'Unconfined' } } } }, true],
    ['a standalone restore with the defaults, under restricted (allowed)', 'restricted', 'restore', undefined, true],
    ['a backup with the defaults, under restricted (allowed)', 'restricted', 'backup', undefined, true],
  ] as Array<[string, string, 'backup' | 'restore' | 'cluster-restore', any, boolean]>)('%s: the chart says what the constructs say', async (_what, level, kind, runtimeSettings, defaults) => {
    const fromChart = await chartProblem(namespace({ [ENFORCE]: level }), kind, runtimeSettings ?? {}, defaults);
    expect(fromChart).toBe(constructProblem(level, kind, runtimeSettings, defaults));
  }, 60000);

  test('the enforce-version picks the rules of that version: a root cluster restore is refused by every version of "restricted"', async () => {
    const [v121, v122, v123, latest] = await Promise.all(['v1.21', 'v1.22', 'v1.23', 'latest'].map((v) =>
      chartProblem(namespace({ [ENFORCE]: 'restricted', [`${ENFORCE}-version`]: v }), 'cluster-restore', {}, true)));
    // runAsNonRoot is in every version; capabilities came in v1.22, the non-root user in v1.23.
    expect(v121).toMatch(/"restricted" \(runAsNonRoot is not true\)\. Fix:/);
    expect(v122).toMatch(/"restricted" \(runAsNonRoot is not true; adds capabilities CHOWN, DAC_OVERRIDE, FOWNER\)\. Fix:/);
    expect(v123).toMatch(/"restricted" \(runAsNonRoot is not true; runs as user 0; adds capabilities CHOWN, DAC_OVERRIDE, FOWNER\)\. Fix:/);
    expect(latest).toBe(v123);
  }, 60000);

  test('every restore still to be created and every database is checked against its namespace as lookup finds it', () => {
    const templates = path.join(chart.dir, 'templates');
    expect(fs.readFileSync(path.join(templates, 'restores.yaml'), 'utf8'))
      .toContain('{{- if not (lookup "stash.appscode.com/v1beta1" "RestoreSession" $ns $r.name) }}{{ $restoreNamespace = lookup "v1" "Namespace" "" $ns }}{{ end -}}\n'
        + '{{- include "stash-pxc-backup.checkPodSecurity" (dict "namespace" $restoreNamespace "ns" $ns "path" (printf "%s.runtimeSettings" $at) "kind" $kind "rs" $rs) -}}');
    expect(fs.readFileSync(path.join(templates, 'backups.yaml'), 'utf8'))
      .toContain('{{- include "stash-pxc-backup.checkPodSecurity" (dict "namespace" (lookup "v1" "Namespace" "" $db.namespace) "ns" $db.namespace "path" (printf "%s.runtimeSettings" $src.runtimeSettings) "kind" "backup" "rs" $rs) -}}');
  });

  test('without a cluster to ask, the NOTES say the level of a cluster restore\'s namespace is unknown and how to check it', async () => {
    const dir = path.join(tmp, 'notes', 'stash-pxc-backup');
    fs.cpSync(chart.dir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'templates', 'zz-notes-probe.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n');
    const values = path.join(tmp, 'values.yaml');
    fs.writeFileSync(values, JSON.stringify({
      defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-backups' } }, storageSecretName: 'gcs-secret', schedule: { cron: '0 1 * * *' }, retentionPolicy: { keepLast: 3 } },
      databases: [{ name: 'orders' }],
      restores: [
        { name: 'r1', database: 'orders-copy', from: 'orders' },
        { name: 'r2', database: 'orders-cluster', from: 'orders', cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-cluster-${POD_ORDINAL}', storage: '1Gi' }] } },
      ],
    }));
    const notesOf = async (valuesFiles: string[]) => (await helmTemplate(findHelm(4), dir, { release: 'shop-backups', namespace: 'shop', valuesFiles }))
      .find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes').data.notes as string;
    const notes = await notesOf([values]);
    expect(notes).toContain('The chart could not read the Pod Security level of namespace(s) shop (no cluster\nconnection');
    expect(notes).toContain('  kubectl get namespace shop -L pod-security.kubernetes.io/enforce,pod-security.kubernetes.io/enforce-version');
    // No cluster restore, nothing to say.
    const standalone = path.join(tmp, 'standalone.yaml');
    const v = JSON.parse(fs.readFileSync(values, 'utf8'));
    fs.writeFileSync(standalone, JSON.stringify({ ...v, restores: [v.restores[0]] }));
    expect(await notesOf([standalone])).not.toContain('Pod Security');
  }, 60000);
});
