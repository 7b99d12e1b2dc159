/**
 * `helm lint --strict` of the generated chart with Helm 3 and Helm 4: clean for the default values
 * and for every values file under test/values/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeHelmChart } from '../../generator/chart/helm-chart';
import { describeWithHelm, findHelm, HelmBinary, HelmResult, runHelm } from '../support/helm';
import { REPO_ROOT } from '../support/reference';

const VALUES_DIR = path.join(REPO_ROOT, 'test', 'values');
const CASES = ['(default values)', ...fs.readdirSync(VALUES_DIR).filter((f) => f.endsWith('.yaml')).sort()];
const MAJORS = [3, 4] as const;

describeWithHelm('helm lint --strict', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-lint-'));
  const chartDir = path.join(tmp, 'stash-pxc');
  const results = new Map<string, HelmResult>();
  const helms = new Map<number, HelmBinary>();

  beforeAll(async () => {
    for (const major of MAJORS) helms.set(major, findHelm(major));
    writeHelmChart(chartDir);
    await Promise.all(MAJORS.flatMap((major) => CASES.map(async (file) => {
      const args = ['lint', '--strict', chartDir];
      if (file.endsWith('.yaml')) args.push('--values', path.join(VALUES_DIR, file));
      results.set(`${major}:${file}`, await runHelm(helms.get(major)!, args));
    })));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('covers every certificate mode and the switched options', () => {
    expect(CASES).toEqual(expect.arrayContaining([
      'cert-helm.yaml', 'cert-manager.yaml', 'cert-provided.yaml', 'webhooks-off.yaml', 'external-pushgateway.yaml', 'monitoring.yaml', 'catalog-one-version.yaml', 'pushgateway-persistence.yaml', 'pushgateway-existing-claim.yaml',
    ]));
  });

  describe.each(MAJORS.map((m) => [`Helm ${m}`, m] as const))('%s', (_label, major) => {
    test.each(CASES)('%s', (file) => {
      const result = results.get(`${major}:${file}`)!;
      const findings = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => /\[(WARNING|ERROR)\]|Error/.test(l));
      expect({ code: result.code, findings }).toEqual({ code: 0, findings: [] });
    });
  });
});
