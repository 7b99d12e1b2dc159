/**
 * `helm lint --strict` of the per-database chart with Helm 3 and Helm 4: clean for the default
 * values, every values file under test/values/backup/ and every chart-testing file in ci/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeTempBackupChart } from '../support/backup-chart';
import { findHelm, HelmResult, KUBE_VERSION, runHelm } from '../support/helm';
import { REPO_ROOT } from '../support/reference';

const VALUES_DIR = path.join(REPO_ROOT, 'test', 'values', 'backup');
const CI_DIR = path.join(REPO_ROOT, 'charts', 'stash-pxc-backup', 'ci');

describe('stash-pxc-backup: helm lint --strict', () => {
  const chart = writeTempBackupChart();
  const cases: Array<[string, string | undefined]> = [
    ['(default values)', undefined],
    ...fs.readdirSync(VALUES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => [`test/values/backup/${f}`, path.join(VALUES_DIR, f)] as [string, string]),
    ...fs.readdirSync(path.join(chart.dir, 'ci')).sort().map((f) => [`ci/${f}`, path.join(chart.dir, 'ci', f)] as [string, string]),
  ];
  afterAll(() => chart.cleanup());

  test('the committed ci/ files are the generated ones, at least the four the issue names', () => {
    const committed = fs.readdirSync(CI_DIR).sort();
    expect(committed).toEqual(fs.readdirSync(path.join(chart.dir, 'ci')).sort());
    expect(committed).toEqual(expect.arrayContaining(['standalone-gcs-values.yaml', 'minio-custom-ca-values.yaml', 'cluster-restore-values.yaml', 'fleet-50-spread-values.yaml']));
  });

  describe.each([3, 4] as const)('Helm %d', (major) => {
    test.each(cases)('%s', async (_name, file) => {
      const args = ['lint', '--strict', chart.dir, '--kube-version', KUBE_VERSION];
      if (file) args.push('--values', file);
      const result: HelmResult = await runHelm(findHelm(major), args);
      const findings = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => /\[(WARNING|ERROR)\]|Error/.test(l));
      expect({ code: result.code, findings }).toEqual({ code: 0, findings: [] });
    }, 60000);
  });
});
