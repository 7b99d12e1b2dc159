/**
 * The operator rewrites a RestoreSession's labels: for an AppBinding that KubeDB manages it copies
 * the AppBinding's app.kubernetes.io/instance, name and managed-by onto the RestoreSession
 * (EnsureKubeDBIntegration), and the restore Jobs' pods inherit them. The chart's NOTES must
 * still find the restores and their pods afterwards. The rewrite is the one the real operator did
 * to this chart's objects, as captured in the reference (stash-operator-output/).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { helmRender, RELEASE, writeTempBackupChart } from '../support/backup-chart';
import { describeWithHelm, findHelm, helmTemplate } from '../support/helm';
import { describeWithReference, readReference, REFERENCE_DIR, REPO_ROOT } from '../support/reference';

/** The labels the operator rewrites (meta.InstanceLabelKey, NameLabelKey, ManagedByLabelKey). */
const REWRITTEN = ['app.kubernetes.io/instance', 'app.kubernetes.io/name', 'app.kubernetes.io/managed-by'];

type Labels = { [key: string]: string };

/** Whether a `kubectl -l` equality selector (`a=b,c=d`) matches `labels`. */
function matches(selector: string, labels: Labels): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels[key] === value;
  });
}

/** The `kubectl get` lines of the NOTES for `kinds`, as { namespace, selector }. */
function selectors(notes: string, kinds: RegExp): Array<{ namespace?: string; selector: string }> {
  return notes.split('\n').filter((l) => /^\s*kubectl get /.test(l) && kinds.test(l)).map((l) => ({
    namespace: / -n (\S+)/.exec(l)?.[1],
    selector: / -l (\S+)/.exec(l)![1],
  }));
}

describeWithHelm('stash-pxc-backup: restores after the operator rewrote their labels', () => {
  describe('the markers on every object of every values file (test/values/backup/, ci/)', () => {
    const chart = writeTempBackupChart();
    afterAll(() => chart.cleanup());
    const files = [
      ...fs.readdirSync(path.join(REPO_ROOT, 'test', 'values', 'backup')).map((f) => path.join(REPO_ROOT, 'test', 'values', 'backup', f)),
      ...fs.readdirSync(path.join(chart.dir, 'ci')).map((f) => path.join(chart.dir, 'ci', f)),
    ].filter((f) => f.endsWith('.yaml')).sort();

    test.each(files.map((f) => [path.relative(REPO_ROOT, f).replace(/^.*stash-pxc-backup-[^/]*\//, ''), f]))('%s: stash-pxc/release on every object, stash-pxc/invoker on every RestoreSession', async (_name, file) => {
      const { objects, error } = await helmRender(findHelm(4), chart.dir, file);
      expect(error).toBeUndefined();
      for (const o of objects!) {
        expect({ object: `${o.kind}/${o.metadata.name}`, release: o.metadata.labels?.['stash-pxc/release'] }).toEqual({ object: `${o.kind}/${o.metadata.name}`, release: RELEASE.name });
        if (o.kind === 'RestoreSession') expect(o.metadata.labels['stash-pxc/invoker']).toBe(o.metadata.name);
      }
    }, 60000);

    test('at least one values file has restores', async () => {
      const kinds = await Promise.all(files.map(async (f) => (await helmRender(findHelm(4), chart.dir, f)).objects!.map((o) => o.kind)));
      expect(kinds.flat().filter((k) => k === 'RestoreSession').length).toBeGreaterThan(1);
    }, 60000);
  });

  describeWithReference('on the reference run (release demo-backups in namespace demo)', () => {
    const chart = writeTempBackupChart();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-relabel-'));
    const probeDir = path.join(tmp, 'stash-pxc-backup');
    let objects: any[] = [];
    let notes = '';
    beforeAll(async () => {
      fs.cpSync(chart.dir, probeDir, { recursive: true });
      // `helm template` leaves NOTES.txt out; a probe template includes it into a ConfigMap.
      fs.writeFileSync(path.join(probeDir, 'templates', 'zz-notes-probe.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n');
      objects = await helmTemplate(findHelm(4), probeDir, {
        release: 'demo-backups', namespace: 'demo', valuesFiles: [path.join(REFERENCE_DIR, 'stash-operator-output', 'input-values.yaml')],
      });
      notes = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes').data.notes;
    });
    afterAll(() => {
      chart.cleanup();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const stored = ['restoresession-sample-xtradb-restore.yaml', 'restoresession-sample-xtradb-cluster-restore.yaml']
      .map((f) => readReference(path.join('stash-operator-output', f))[0]);
    const restoreJobs = fs.readdirSync(path.join(REFERENCE_DIR, 'stash-operator-output')).filter((f) => f.startsWith('job-stash-restore-'))
      .map((f) => readReference(path.join('stash-operator-output', f))[0]);

    /** Our RestoreSession's labels as the operator leaves them: the stored object's values for the rewritten keys. */
    const afterRewrite = (rendered: any, seen: any): Labels => ({
      ...rendered.metadata.labels,
      ...Object.fromEntries(REWRITTEN.map((k) => [k, seen.metadata.labels[k]])),
    });

    test.each(stored.map((s) => [s.metadata.name, s]))('%s: the operator changed only instance, name and managed-by, and the NOTES still find it', (name, seen) => {
      const rendered = objects.find((o) => o.kind === 'RestoreSession' && o.metadata.name === name);
      // The reference shows the rewrite: those three differ from what the chart rendered, the rest is kept.
      expect(REWRITTEN.filter((k) => seen.metadata.labels[k] !== rendered.metadata.labels[k])).toEqual(REWRITTEN);
      const changed = Object.keys(seen.metadata.labels).filter((k) => seen.metadata.labels[k] !== rendered.metadata.labels[k] && !REWRITTEN.includes(k));
      expect(changed).toEqual([]);

      const labels = afterRewrite(rendered, seen);
      expect(labels['stash-pxc/release']).toBe('demo-backups');
      expect(labels['stash-pxc/invoker']).toBe(name);
      const listed = selectors(notes, /restoresessions/);
      expect(listed).toHaveLength(1);
      expect(matches(listed[0].selector, labels)).toBe(true);
      // What the NOTES selected by before: it no longer matches.
      expect(matches('app.kubernetes.io/instance=demo-backups', labels)).toBe(false);
    });

    test.each(stored.map((s) => [s.metadata.name, s]))('%s: its restore pods, labelled as the operator labels them, are found by the NOTES', (name, seen) => {
      const rendered = objects.find((o) => o.kind === 'RestoreSession' && o.metadata.name === name);
      const jobs = restoreJobs.filter((j) => j.metadata.ownerReferences?.some((r: any) => r.kind === 'RestoreSession' && r.name === name));
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        // How the operator labels a restore pod: the RestoreSession's labels (as stored), its own
        // managed-by and component, and the Job's name. Checked on the reference, then applied to ours.
        const podLabels = job.spec.template.metadata.labels as Labels;
        const fromInvoker = Object.keys(seen.metadata.labels).filter((k) => k !== 'app.kubernetes.io/managed-by');
        expect(fromInvoker.filter((k) => podLabels[k] !== seen.metadata.labels[k])).toEqual([]);
        const ours: Labels = { ...afterRewrite(rendered, seen), ...podLabels };
        for (const k of Object.keys(rendered.metadata.labels).filter((key) => key.startsWith('stash-pxc/'))) ours[k] = rendered.metadata.labels[k];
        const lines = selectors(notes, /jobs,pods/).filter((s) => s.selector.includes(`=${name}`) && !s.selector.includes(`=${name}-`));
        expect(lines).toEqual([{ namespace: job.metadata.namespace, selector: `stash-pxc/invoker=${name}` }]);
        expect(matches(lines[0].selector, ours)).toBe(true);
        expect(matches('app.kubernetes.io/instance=demo-backups', ours)).toBe(false);
      }
    });

    test('the NOTES say why they select by the stash-pxc labels', () => {
      expect(notes).toContain('the\noperator rewrites a RestoreSession\'s app.kubernetes.io/instance, name and managed-by labels');
      expect(notes).not.toMatch(/-l app\.kubernetes\.io\/instance/);
    });
  });
});
