/**
 * Copies in the per-database chart, beyond the differential test: what a copy takes from its
 * database and what it does not (rendered by real Helm), and the constructs' copy warnings, which
 * the chart can only print in its NOTES: the same lines as the values model's `warningsOf`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fromValues } from '../../generator/backup-chart/values-model';
import { helmRender, RELEASE, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { describeWithHelm, findHelm, HelmBinary } from '../support/helm';

const OFFSITE = { name: 'offsite', backend: { provider: 's3', s3: { bucket: 'acme-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite' };

/** A database backed up at 01:30 for about an hour, with a copy that starts during it and keeps less. */
const WARNED = {
  defaults: {
    version: '8.0.36',
    backend: { provider: 'gcs', gcs: { bucket: 'acme-backups' } },
    storageSecretName: 'gcs-secret',
    schedule: { cron: '30 1 * * *' },
    retentionPolicy: { keepDaily: 7, keepWeekly: 4 },
    expectedDuration: '1h',
    copies: [{ ...OFFSITE, schedule: { cron: '0 2 * * *' }, retentionPolicy: { keepDaily: 3, keepMonthly: 2 } }],
  },
  databases: [
    { name: 'orders' },
    // A copy with a window of its own that meets its primary's start (placed with the release's backups).
    { name: 'billing', schedule: { window: { start: '01:00', end: '02:00' } }, copies: [{ ...OFFSITE, name: 'late', schedule: { window: { start: '01:30', end: '01:40' } } }] },
    // Placed after the primary (the default): no warning.
    { name: 'ledger', copies: [OFFSITE] },
  ],
};

describeWithHelm('stash-pxc-backup: copies', () => {
  const chart = writeTempBackupChart();
  const dir = path.dirname(chart.dir);
  // `helm template` leaves NOTES.txt out; a probe template includes it into a ConfigMap.
  fs.writeFileSync(path.join(chart.dir, 'templates', 'zz-notes-probe.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n');
  afterAll(() => chart.cleanup());
  const helms: HelmBinary[] = [findHelm(3), findHelm(4)];

  async function render(helm: HelmBinary, name: string, values: unknown): Promise<{ objects: any[]; notes: string }> {
    const { objects, error } = await helmRender(helm, chart.dir, writeValuesFile(dir, name, values));
    if (error) throw new Error(error);
    const probe = objects!.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes');
    return { objects: objects!.filter((o) => o !== probe), notes: probe.data.notes };
  }

  /** The warning lines of the NOTES (under their heading). */
  function notesWarnings(notes: string): string[] {
    const lines = notes.split('\n');
    const at = lines.indexOf('Warnings (the backups work, but probably not as meant):');
    if (at < 0) return [];
    const out: string[] = [];
    for (const line of lines.slice(at + 1)) {
      if (!line.startsWith('  ')) break;
      out.push(line.trim());
    }
    return out;
  }

  test.each(helms.map((h) => [h.label, h] as const))('%s: the NOTES warn as the constructs do: a copy that can start while its primary runs, a copy that keeps less', async (_label, helm) => {
    const expected = fromValues(WARNED, RELEASE).warnings;
    expect(expected).toEqual([
      expect.stringMatching(/^shop\/orders: defaults\.copies\[0\]\.schedule: "0 2 \* \* \*" can start at 02:00 while the primary \(started at 01:30, expected to run 60m\) is running; .* Fix: start the copy at least 60m after each primary start \(e\.g\. "30 2 \* \* \*"\)/),
      'shop/orders: defaults.copies[0].retentionPolicy: keeps less than the primary\'s (keepDaily 3 < 7, keepWeekly none < 4), so the copy cannot replace it when the primary\'s bucket is lost. Fix: keep at least as many snapshots as the primary (keep-daily-7-weekly-4), or leave retentionPolicy out to take the primary\'s.',
      expect.stringMatching(/^shop\/billing: databases\[1\]\.copies\[0\]\.schedule: "\d+ 1 \* \* \*" can start at 01:3\d while the primary/),
    ]);
    const { notes } = await render(helm, `warned-${helm.label}.yaml`, WARNED);
    expect(notesWarnings(notes)).toEqual(expected);
  }, 60000);

  test('without expectedDuration the overlap is not judged, and a copy keeping as much says nothing', async () => {
    const quiet = JSON.parse(JSON.stringify(WARNED));
    delete quiet.defaults.expectedDuration;
    quiet.defaults.copies[0].retentionPolicy = { keepDaily: 7, keepWeekly: 4, keepMonthly: 12 };
    expect(fromValues(quiet, RELEASE).warnings).toEqual([]);
    const { notes } = await render(findHelm(4), 'quiet.yaml', quiet);
    expect(notes).not.toContain('Warnings');
  }, 60000);

  test('a copy takes its database\'s labels, Job settings, security defaults and paused; not its hooks; and its own retention', async () => {
    const values = {
      networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'] },
      defaults: {
        version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-backups' } }, storageSecretName: 'gcs-secret',
        schedule: { cron: '0 1 * * *' }, retentionPolicy: { keepLast: 5 }, paused: true, timeout: '2h',
        runtimeSettings: { container: { nice: 10 } }, preBackupHook: { exec: { command: ['/bin/sync'] } },
      },
      databases: [{ name: 'orders', copies: [{ ...OFFSITE, retentionPolicy: { keepLast: 10 }, postBackupHook: { exec: { command: ['/bin/true'] } } }] }],
    };
    const { objects } = await render(findHelm(4), 'inherit.yaml', values);
    const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    const primary = get('BackupConfiguration', 'orders-backup');
    const copy = get('BackupConfiguration', 'orders-copy-offsite-backup');
    const repo = get('Repository', 'orders-copy-offsite-repo');
    expect(repo.spec.backend).toEqual({ s3: { bucket: 'acme-offsite', endpoint: 's3.amazonaws.com', prefix: 'stash/shop/orders', region: 'eu-central-1' }, storageSecretName: 's3-offsite' });
    expect(repo.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(copy.spec.repository).toEqual({ name: 'orders-copy-offsite-repo' });
    expect(copy.spec.target).toEqual(primary.spec.target);
    for (const key of ['runtimeSettings', 'task', 'timeOut', 'paused']) expect({ key, value: copy.spec[key] }).toEqual({ key, value: primary.spec[key] });
    expect(copy.spec.runtimeSettings.container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(copy.spec.hooks).toEqual({ postBackup: { exec: { command: ['/bin/true'] } } });
    expect(primary.spec.hooks.preBackup).toBeDefined();
    expect(copy.spec.retentionPolicy).toEqual({ name: 'keep-last-10', keepLast: 10, prune: true });
    // Daily, an hour (the default gap) after the primary's 01:00.
    expect(copy.spec.schedule).toBe('0 2 * * *');
    const { 'stash-pxc/invoker': invoker, ...labels } = copy.metadata.labels;
    const { 'stash-pxc/invoker': _primaryInvoker, ...primaryLabels } = primary.metadata.labels;
    expect(labels).toEqual(primaryLabels);
    expect(invoker).toBe('orders-copy-offsite-backup');
    // Its Jobs get their own NetworkPolicy, selected by the copy's invoker label.
    expect(get('NetworkPolicy', 'orders-copy-offsite-backup-jobs').spec.podSelector.matchLabels).toMatchObject({ 'stash-pxc/invoker': 'orders-copy-offsite-backup' });
  }, 60000);

  test('a database\'s copies replace the defaults\' list; an empty list means none', async () => {
    const values = {
      defaults: { ...WARNED.defaults, copies: [OFFSITE], expectedDuration: undefined },
      databases: [{ name: 'orders' }, { name: 'billing', copies: [{ ...OFFSITE, name: 'nas', backend: { provider: 'local', local: { nfs: { server: 'nas', path: '/exports' } } } }] }, { name: 'scratch', copies: [] }],
    };
    const { objects } = await render(findHelm(4), 'replace.yaml', JSON.parse(JSON.stringify(values)));
    const names = objects.filter((o) => o.kind === 'BackupConfiguration').map((o) => o.metadata.name).sort();
    expect(names).toEqual(['billing-backup', 'billing-copy-nas-backup', 'orders-backup', 'orders-copy-offsite-backup', 'scratch-backup']);
  }, 60000);

  // The chart words these copy errors as the constructs do (the fix may name a values key instead of a prop).
  const BASE = { defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-backups' } }, storageSecretName: 'gcs-secret', schedule: { cron: '0 1 * * *' }, retentionPolicy: { keepLast: 5 } } };
  const OTHER = { ...OFFSITE, backend: { provider: 's3', s3: { bucket: 'acme-offsite-2' } } };
  const SAME_WORDS: Array<[string, object, string]> = [
    ['two copies with one name', { ...BASE, databases: [{ name: 'orders', copies: [OFFSITE, OTHER] }] }, 'databases[0].copies[1].name'],
    ['a copy name too long', { ...BASE, databases: [{ name: 'orders-of-the-european-webshop', copies: [{ ...OFFSITE, name: 'offsite-frankfurt-region' }] }] }, 'databases[0].copies[0].name'],
    ['trigger CronJobs shortened to one name', { ...BASE, databases: [{ name: 'orders', copies: [{ ...OFFSITE, backupName: 'orders-copy-aaaa-offsite-backup-0123456789' }, { ...OTHER, name: 'second', backupName: 'orders-copy-bbbb-offsite-backup-0123456789' }] }] }, 'databases[0].copies[1].backupName'],
    ['a restore from a copy the database does not have', { ...BASE, databases: [{ name: 'orders', copies: [OFFSITE] }], restores: [{ name: 'r', database: 'orders-restored', from: 'orders', fromCopy: 'ofsite' }] }, 'restores[0].fromCopy'],
  ];

  test.each(SAME_WORDS)('%s: Helm says what the constructs say', async (name, values, at) => {
    let modelError = '';
    try {
      fromValues(values, RELEASE);
    } catch (e) {
      modelError = (e as Error).message;
    }
    const what = (text: string) => text.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${at}: `))?.replace(/ Fix: .*$/, '');
    expect(what(modelError)).toBeDefined();
    const { error } = await helmRender(findHelm(4), chart.dir, writeValuesFile(dir, `${name.replace(/\W+/g, '-')}.yaml`, values));
    expect(what(error ?? '')).toBe(what(modelError));
  }, 60000);

  test('a restore from a copy reads the copy\'s Repository; from another namespace, under the copy\'s usage policy', async () => {
    const values = {
      defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-backups' } }, storageSecretName: 'gcs-secret', schedule: { cron: '0 1 * * *' }, retentionPolicy: { keepLast: 5 } },
      databases: [{ name: 'orders', copies: [{ ...OFFSITE, usagePolicy: { allNamespaces: true } }] }],
      restores: [{ name: 'orders-dr', namespace: 'dr', database: 'orders-restored', from: 'orders', fromNamespace: 'shop', fromCopy: 'offsite' }],
    };
    const { objects } = await render(findHelm(4), 'restore.yaml', values);
    expect(objects.find((o) => o.kind === 'RestoreSession').spec.repository).toEqual({ name: 'orders-copy-offsite-repo', namespace: 'shop' });
    // The primary's Repository (same namespace only) would not allow it.
    const primaryOnly = { ...values, restores: [{ ...values.restores[0], fromCopy: undefined }] };
    const refused = await helmRender(findHelm(4), chart.dir, writeValuesFile(dir, 'restore-primary.yaml', JSON.parse(JSON.stringify(primaryOnly))));
    expect(refused.error).toContain('restores[0].from: Repository "orders-repo" is in namespace "shop" and its usage policy does not allow namespace "dr"');
  }, 60000);
});
