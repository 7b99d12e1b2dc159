/**
 * The transform from synthesized objects to Helm templates (helm-template.ts): expressions in
 * strings, value expressions, guards, splices, literal escaping and edits that must hit
 * something; and the generated NOTES.txt rendered by Helm.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeHelmChart } from '../src/chart/helm-chart';
import { formatScalar, HelmValue, named, ObjectEdits, renderTemplateFile, startsWith } from '../src/chart/helm-template';
import { findHelm, helmTemplate } from './support/helm';

describe('helm-template', () => {
  test('strings with expressions become quoted scalars with the actions inside', () => {
    expect(formatScalar('{{ .Release.Name }}-x "y"')).toBe('"{{ .Release.Name }}-x \\"y\\""');
    expect(formatScalar('plain')).toBe('plain');
    expect(formatScalar('true')).toBe('"true"');
    expect(formatScalar('a\nb')).toBe('"a\\nb"');
    expect(formatScalar(292)).toBe('292');
  });

  test('literal documents escape `{{` so Helm prints it', () => {
    expect(formatScalar('use {{ x }}', true)).toBe('"use {{ "{{" }} x }}"');
  });

  test('edits guard entries and list items, set values and splice maps', () => {
    const object = { metadata: { name: 'n', labels: { a: 'b' } }, spec: { args: ['--a=1', '--b=2'], containers: [{ name: 'x' }, { name: 'y' }], replicas: 1 } };
    new ObjectEdits(object, 'test')
      .when(['spec', 'args', startsWith('--b=')], '.Values.b')
      .when(['spec', 'containers', named('y')], 'not .Values.noY')
      .set(['spec', 'replicas'], HelmValue.raw('.Values.replicas'))
      .set(['spec', 'tolerations'], HelmValue.yamlWith('.Values.tolerations'))
      .splice(['metadata', 'labels'], '.Values.labels');
    const text = renderTemplateFile([{ object, condition: '.Values.enabled' }]);
    expect(text).toContain('{{- if .Values.enabled }}\n---\nmetadata:');
    expect(text).toContain('    {{- if .Values.b }}\n    - --b=2\n    {{- end }}');
    expect(text).toContain('    {{- if not .Values.noY }}\n    - name: y\n    {{- end }}');
    expect(text).toContain('  replicas: {{ .Values.replicas }}');
    expect(text).toContain('  {{- with .Values.tolerations }}\n  tolerations:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}');
    expect(text).toContain('    a: b\n    {{- with .Values.labels }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}');
    expect(text.trimEnd().endsWith('{{- end }}')).toBe(true);
  });

  test('an edit that matches nothing is an error, not a silent miss', () => {
    expect(() => new ObjectEdits({ spec: {} }, 'Deployment').when(['spec', 'replicas'], 'x')).toThrow(/template edit of Deployment: nothing at \.spec\.replicas/);
    expect(() => new ObjectEdits({ spec: { args: [] } }, 'D').when(['spec', 'args', startsWith('--x=')], 'x')).toThrow(/nothing at \.spec\.args\[\?\]/);
  });
});

describe('NOTES.txt rendered by Helm', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-notes-'));
  const chartDir = path.join(tmp, 'stash-pxc');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each([3, 4] as const)('Helm %s', async (major) => {
    const helm = findHelm(major);
    writeHelmChart(chartDir);
    // `helm template` leaves NOTES.txt out; a probe template includes it into a ConfigMap.
    fs.writeFileSync(path.join(chartDir, 'templates', 'zz-notes-probe.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n');
    const render = async (set: string[]) => (await helmTemplate(helm, chartDir, { release: 'stash', namespace: 'backup', set }))
      .find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes').data.notes as string;
    const [plain, options] = await Promise.all([
      render([]),
      render(['certificates.mode=certManager', 'taskQueue.enabled=true', 'license.secretName=lic', 'pushgateway.externalUrl=http://pg:9091']),
    ]);
    expect(plain).toContain('"stash-stash-pxc" in namespace backup');
    expect(plain).toContain('kubectl get deployment --namespace backup -l "app.kubernetes.io/instance=stash"');
    expect(plain).toContain('No license was given');
    expect(plain).not.toContain('cert-manager');
    expect(options).toContain('Certificate stash-stash-pxc-apiserver-cert');
    expect(options).toContain('oci://ghcr.io/appscode-charts/taskqueue');
    expect(options).toContain('Backup metrics go to http://pg:9091.');
    expect(options).not.toContain('No license was given');
  });
});
