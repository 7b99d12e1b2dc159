/**
 * The Percona XtraDB catalog: the backup and restore Functions and Tasks that the Stash operator
 * resolves by name, checked against upstream's objects, plus image settings and prop validation.
 */
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { FUNCTION, openApiSchemaOf, PerconaXtraDbVersion, TASK, UPDATE_STATUS_FUNCTION, validateValue } from '../../src/api';
import { PerconaXtraDbCatalog, PerconaXtraDbCatalogProps } from '../../src/install/perconaxtradb-catalog';
import { manifestProblems } from '../../src/core/validation/crd-check';
import { describeWithReference, readReference, upstreamCrds } from '../support/reference';

/** The manifests a catalog with these props synthesizes (in a chart of that namespace, if any). */
function synth(props?: PerconaXtraDbCatalogProps, namespace?: string): any[] {
  const chart = namespace ? new Chart(Testing.app(), 'Namespaced', { namespace }) : Testing.chart();
  new PerconaXtraDbCatalog(chart, 'Catalog', props);
  return Testing.synth(chart);
}

const named = (docs: any[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

/** The error message that synthesizing a catalog with these props fails with (the constructor does not throw). */
function errorOf(props: PerconaXtraDbCatalogProps): string {
  const chart = Testing.chart();
  new PerconaXtraDbCatalog(chart, 'Catalog', props);
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the props to be rejected');
}

describe('PerconaXtraDbCatalog', () => {
  test('by default installs a backup and restore Function and Task for 5.7, 8.0 and 8.4', () => {
    const docs = synth();

    expect(docs).toHaveLength(12);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'Function/perconaxtradb-backup-5.7', 'Function/perconaxtradb-backup-8.0', 'Function/perconaxtradb-backup-8.4',
      'Function/perconaxtradb-restore-5.7', 'Function/perconaxtradb-restore-8.0', 'Function/perconaxtradb-restore-8.4',
      'Task/perconaxtradb-backup-5.7', 'Task/perconaxtradb-backup-8.0', 'Task/perconaxtradb-backup-8.4',
      'Task/perconaxtradb-restore-5.7', 'Task/perconaxtradb-restore-8.0', 'Task/perconaxtradb-restore-8.4',
    ]);
    for (const doc of docs) expect(doc.apiVersion).toBe('stash.appscode.com/v1beta1');
  });

  test('each Task runs its Function, then the operator\'s update-status, both writing to /stash-tmp/output', () => {
    const task = named(synth(), 'Task', 'perconaxtradb-restore-8.4');

    expect(task.spec.steps).toEqual([
      { name: 'perconaxtradb-restore-8.4', params: [{ name: 'outputDir', value: '/stash-tmp/output' }] },
      { name: 'update-status', params: [{ name: 'outputDir', value: '/stash-tmp/output' }] },
    ]);
  });

  test('does not define update-status: the Stash operator creates that Function itself', () => {
    expect(synth().filter((d) => d.metadata.name === UPDATE_STATUS_FUNCTION)).toEqual([]);
  });

  test('Functions run the upstream addon image of their version', () => {
    const docs = synth();

    expect(named(docs, 'Function', 'perconaxtradb-backup-5.7').spec.image).toBe('ghcr.io/stashed/stash-percona-xtradb:5.7-v26');
    expect(named(docs, 'Function', 'perconaxtradb-restore-8.0').spec.image).toBe('ghcr.io/stashed/stash-percona-xtradb:8.0');
    expect(named(docs, 'Function', 'perconaxtradb-backup-8.4').spec.image).toBe('ghcr.io/stashed/stash-percona-xtradb:8.4');
  });

  test('choosing one version installs only its four objects', () => {
    const chart = Testing.chart();
    const catalog = new PerconaXtraDbCatalog(chart, 'Catalog', { versions: [PerconaXtraDbVersion.V8_0] });

    expect(Testing.synth(chart).map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'Function/perconaxtradb-backup-8.0', 'Function/perconaxtradb-restore-8.0',
      'Task/perconaxtradb-backup-8.0', 'Task/perconaxtradb-restore-8.0',
    ]);
    expect(catalog.backupTaskOf(PerconaXtraDbVersion.V8_0).name).toBe('perconaxtradb-backup-8.0');
    expect(() => catalog.restoreTaskOf(PerconaXtraDbVersion.V5_7)).toThrow(/no objects for Percona XtraDB 5\.7; add it to versions/);
  });

  test('exposes its objects for the chart code, oldest version first whatever the order given', () => {
    const catalog = new PerconaXtraDbCatalog(Testing.chart(), 'Catalog', {
      versions: [PerconaXtraDbVersion.V8_4, PerconaXtraDbVersion.V5_7],
    });

    expect(catalog.versions.map((v) => v.line)).toEqual(['5.7', '8.4']);
    expect(catalog.backupTasks.map((t) => t.name)).toEqual(['perconaxtradb-backup-5.7', 'perconaxtradb-backup-8.4']);
    expect(catalog.restoreFunctions.map((f) => f.name)).toEqual(['perconaxtradb-restore-5.7', 'perconaxtradb-restore-8.4']);
    expect(catalog.functions).toHaveLength(4);
    expect(catalog.tasks).toHaveLength(4);
    expect(catalog.imageOf(PerconaXtraDbVersion.V5_7)).toBe('ghcr.io/stashed/stash-percona-xtradb:5.7-v26');
  });

  test('a mirror registry, repository and tag show up in the image', () => {
    const docs = synth({
      image: { registry: 'registry.example.com:5000', repository: 'mirror/stash-percona-xtradb', tags: { '8.0': '8.0-patched' } },
    });

    expect(named(docs, 'Function', 'perconaxtradb-backup-8.0').spec.image).toBe('registry.example.com:5000/mirror/stash-percona-xtradb:8.0-patched');
    expect(named(docs, 'Function', 'perconaxtradb-restore-8.0').spec.image).toBe('registry.example.com:5000/mirror/stash-percona-xtradb:8.0-patched');
    expect(named(docs, 'Function', 'perconaxtradb-backup-5.7').spec.image).toBe('registry.example.com:5000/mirror/stash-percona-xtradb:5.7-v26');
  });

  test('keeps Helm template expressions verbatim for the chart generator', () => {
    const docs = synth({
      image: {
        registry: '{{ .Values.catalog.image.registry }}',
        repository: '{{ .Values.catalog.image.repository }}',
        tags: { '8.4': '{{ .Values.catalog.image.tags.v84 | default "8.4" }}' },
      },
      labels: { 'app.kubernetes.io/instance': '{{ .Release.Name }}' },
    });
    const fn = named(docs, 'Function', 'perconaxtradb-backup-8.4');

    expect(fn.spec.image).toBe('{{ .Values.catalog.image.registry }}/{{ .Values.catalog.image.repository }}:{{ .Values.catalog.image.tags.v84 | default "8.4" }}');
    expect(fn.metadata.labels).toEqual({ 'app.kubernetes.io/instance': '{{ .Release.Name }}' });
  });

  test('labels every object, by default as part of stash-pxc', () => {
    for (const doc of synth()) {
      expect(doc.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'stash-catalog', 'app.kubernetes.io/part-of': 'stash-pxc' });
    }
    for (const doc of synth({ labels: { team: 'db' } })) expect(doc.metadata.labels).toEqual({ team: 'db' });
  });

  test('every object is valid against our own Function and Task CRDs', () => {
    const specSchema = { Function: openApiSchemaOf(FUNCTION).properties!.spec, Task: openApiSchemaOf(TASK).properties!.spec } as any;
    for (const doc of synth()) {
      expect({ object: doc.metadata.name, findings: validateValue(specSchema[doc.kind], doc.spec, 'spec') })
        .toEqual({ object: doc.metadata.name, findings: [] });
    }
  });

  test('stays cluster-scoped inside a namespaced chart', () => {
    const docs = synth({}, 'stash');

    expect(docs).toHaveLength(12);
    for (const doc of docs) expect(doc.metadata.namespace).toBeUndefined();
  });

  describe('rejects invalid props, naming the construct, the field and the fix', () => {
    test.each<[string, PerconaXtraDbCatalogProps, RegExp]>([
      ['an empty version list', { versions: [] }, /versions: is empty\. Fix: list at least one of 5\.7, 8\.0, 8\.4, or leave versions out/],
      ['a repeated version', { versions: [PerconaXtraDbVersion.V8_0, PerconaXtraDbVersion.V8_0] }, /versions\[1\]: repeats 8\.0\. Fix: list each version once/],
      ['a version that is a plain string', { versions: ['8.0' as any] }, /versions\[0\]: "8\.0" is not a PerconaXtraDbVersion\. Fix: use .*PerconaXtraDbVersion\.of\('8\.0'\)/],
      ['a registry with a scheme', { image: { registry: 'https://ghcr.io/' } }, /image\.registry: "https:\/\/ghcr\.io\/" starts with a scheme\. Fix: write only the host, e\.g\. "ghcr\.io"/],
      ['a registry with a path', { image: { registry: 'ghcr.io/stashed' } }, /image\.registry: "ghcr\.io\/stashed" has a path\. Fix: .*move the path into image\.repository/],
      ['an empty registry', { image: { registry: '' } }, /image\.registry: is empty\. Fix: give a registry host/],
      ['a registry with spaces', { image: { registry: 'my registry' } }, /image\.registry: "my registry" is not a registry host\[:port\]/],
      ['a half-written Helm expression', { image: { registry: '{{ .Values.registry' } }, /image\.registry: "\{\{ \.Values\.registry" is not a registry host\[:port\]\. Fix: .*whole "\{\{ \.\.\. \}\}" block/],
      ['an empty Helm expression', { image: { registry: '{{ }}' } }, /image\.registry: "\{\{ \}\}" is not a registry host/],
      ['a scheme before a Helm expression', { image: { registry: 'https://{{ .Values.host }}' } }, /image\.registry: .* starts with a scheme/],
      ['a repository with a tag', { image: { repository: 'stashed/stash-percona-xtradb:8.0' } }, /image\.repository: .* holds a tag or digest\. Fix: drop it and set the tag per version in image\.tags/],
      ['an uppercase repository', { image: { repository: 'Stashed/XtraDB' } }, /image\.repository: "Stashed\/XtraDB" has uppercase letters\. Fix: use "stashed\/xtradb"/],
      ['a tag for an unknown version line', { image: { tags: { '8.1': '8.1' } } }, /image\.tags\["8\.1"\]: "8\.1" is no supported version line\. Fix: key the tags by 5\.7, 8\.0, 8\.4/],
      ['an invalid tag', { image: { tags: { '8.0': ':8.0' } } }, /image\.tags\["8\.0"\]: ":8\.0" is not an image tag/],
      ['an invalid label key', { labels: { 'bad key': 'x' } }, /labels\["bad key"\]: has a key that is no label key/],
      ['an invalid label value', { labels: { team: 'not valid!' } }, /labels\["team"\]: "not valid!" is not a label value/],
    ])('%s', (_what, props, message) => {
      const error = errorOf(props);
      expect(error).toMatch(/^Validation failed with the following errors:\n {2}\[test\/Catalog\] /);
      expect(error).toMatch(message);
    });

    test('lists every problem at once', () => {
      const error = errorOf({ versions: [], image: { registry: 'http://x', repository: 'A' } });

      expect(error.split('\n').filter((line) => line.startsWith('  [test/Catalog] '))).toHaveLength(3);
    });
  });
});

describeWithReference('PerconaXtraDbCatalog matches the upstream Stash catalog', () => {
  const docs = synth();

  describe.each(PerconaXtraDbVersion.all().map((v) => [v.line, v] as const))('Percona XtraDB %s', (line) => {
    test.each(['backup-function', 'restore-function', 'backup-task', 'restore-task'])('%s: same name, image, args, steps and params', (file) => {
      const [upstream] = readReference(path.join('stash-catalog', 'perconaxtradb', line, `perconaxtradb-${file}.yaml`));
      const ours = named(docs, upstream.kind, upstream.metadata.name);

      expect(ours).toBeDefined();
      expect({ apiVersion: ours.apiVersion, kind: ours.kind, name: ours.metadata.name, spec: ours.spec })
        .toEqual({ apiVersion: upstream.apiVersion, kind: upstream.kind, name: upstream.metadata.name, spec: upstream.spec });
    });
  });

  test('every object is valid against the upstream Function and Task CRDs (nothing the API server would prune)', () => {
    const crds = upstreamCrds();
    for (const doc of docs) {
      const crd = crds.get(`${doc.kind.toLowerCase()}s.stash.appscode.com`);
      expect({ object: doc.metadata.name, scope: crd.spec.scope, findings: manifestProblems(doc, [...crds.values()]) })
        .toEqual({ object: doc.metadata.name, scope: 'Cluster', findings: [] });
    }
  });

  test('the catalog holds exactly upstream\'s objects for every version', () => {
    const upstream = PerconaXtraDbVersion.all().flatMap((v) =>
      ['backup-function', 'restore-function', 'backup-task', 'restore-task'].flatMap((file) =>
        readReference(path.join('stash-catalog', 'perconaxtradb', v.line, `perconaxtradb-${file}.yaml`))));

    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort())
      .toEqual(upstream.map((d) => `${d.kind}/${d.metadata.name}`).sort());
  });
});
