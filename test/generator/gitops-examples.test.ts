/**
 * The GitOps examples in examples/gitops/: every Argo CD Application and Flux HelmRelease points
 * at a chart of this repository, and its inline values render with Helm (the backup chart's also
 * equal to what the constructs build from them).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { byKey, constructRender, helmRender, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm, KUBE_VERSION, runHelm } from '../support/helm';
import { REPO_ROOT } from '../support/reference';

const DIR = path.join(REPO_ROOT, 'examples', 'gitops');

/** [file, release, chart path in the repository, namespace, values] of every example release. */
function releases(): Array<[string, string, string, string, any]> {
  const out: Array<[string, string, string, string, any]> = [];
  for (const file of ['argocd/applications.yaml', 'flux/helmreleases.yaml']) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(DIR, file), 'utf8')).map((d) => d.toJSON())) {
      if (doc.kind === 'Application') out.push([file, doc.spec.source.helm.releaseName, doc.spec.source.path, doc.spec.destination.namespace, doc.spec.source.helm.valuesObject]);
      if (doc.kind === 'HelmRelease') out.push([file, doc.metadata.name, doc.spec.chart.spec.chart.replace(/^\.\//, ''), doc.metadata.namespace, doc.spec.values]);
    }
  }
  return out;
}

describe('examples/gitops', () => {
  const chart = writeTempBackupChart();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-gitops-'));
  afterAll(() => {
    chart.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('both tools install both charts', () => {
    const charts = releases().map(([file, , chartPath]) => `${file.split('/')[0]} ${chartPath}`).sort();
    expect(charts).toEqual(['argocd charts/stash-pxc', 'argocd charts/stash-pxc-backup', 'flux charts/stash-pxc', 'flux charts/stash-pxc-backup']);
  });

  test('the operator is installed with a certificate mode that survives rendering without a cluster', () => {
    // Argo CD renders with `helm template`: the helm mode would make a new CA and key on every sync.
    const modes = releases().filter(([, , chartPath]) => chartPath === 'charts/stash-pxc')
      .map(([file, , , , values]) => [file, values?.certificates?.mode]);
    expect(modes).toEqual([['argocd/applications.yaml', 'certManager'], ['flux/helmreleases.yaml', 'certManager']]);
    expect(fs.readFileSync(path.join(DIR, 'README.md'), 'utf8')).toMatch(/certificates\.mode: certManager[\s\S]*helm template[\s\S]*certificates\.mode: provided/);
  });

  test.each(releases())('%s %s renders', async (_file, release, chartPath, namespace, values) => {
    const valuesFile = writeValuesFile(tmp, `${release}-${namespace}.yaml`, values);
    if (chartPath === 'charts/stash-pxc-backup') {
      const helmSide = await helmRender(findHelm(4), chart.dir, valuesFile, { name: release, namespace });
      const constructSide = constructRender(valuesFile, { name: release, namespace });
      expect(helmSide.error).toBeUndefined();
      expect(byKey(helmSide.objects!)).toEqual(byKey(constructSide.objects!));
      expect(helmSide.objects!.some((o) => o.kind === 'RestoreSession')).toBe(true);
    } else {
      const r = await runHelm(findHelm(4), ['template', release, path.join(REPO_ROOT, chartPath), '--namespace', namespace, '--kube-version', KUBE_VERSION, '--values', valuesFile]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    }
  }, 60000);
});
