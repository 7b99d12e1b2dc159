/**
 * The examples in `examples/`: each synthesizes (its validations pass), every object conforms
 * strictly to the upstream CRDs, no credential reaches the YAML, and they cover the seed's flows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { EXAMPLES, synthExample, writeExamples } from '../../generator/chart/examples';
import { manifestProblems } from '../../src';
import { validateWithModels } from '../support/kubernetes-models';
import { describeWithReference, REPO_ROOT, upstreamCrds } from '../support/reference';

const NAMES = Object.keys(EXAMPLES);

function allObjects(): any[] {
  return NAMES.flatMap((name) => synthExample(name));
}

describe('examples', () => {
  test('every file in examples/ is registered, and every registered example has a file', () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(files).toEqual([...NAMES].sort());
  });

  test.each(NAMES)('%s synthesizes with explicit, unique names', (name) => {
    const objects = synthExample(name);
    expect(objects.length).toBeGreaterThan(0);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of objects) expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
  });

  test('no Secret and no credential value in any example', () => {
    const objects = allObjects();
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = JSON.stringify(objects);
    for (const key of ['RESTIC_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'GOOGLE_SERVICE_ACCOUNT_JSON_KEY', 'password":', 'stringData']) {
      expect(text).not.toContain(key);
    }
  });

  test('cover the seed: GCS and S3/MinIO backups every five minutes keeping five, instant backup, cluster restore, blueprint', () => {
    const objects = allObjects();
    const backups = objects.filter((o) => o.kind === 'BackupConfiguration');
    const repoOf = (bc: any) => objects.find((o) => o.kind === 'Repository' && o.metadata.name === bc.spec.repository.name);
    const seedLike = backups.filter((bc) => bc.spec.schedule === '*/5 * * * *' && bc.spec.retentionPolicy.keepLast === 5 && bc.spec.retentionPolicy.prune === true);
    expect(seedLike.map((bc) => Object.keys(repoOf(bc).spec.backend).filter((k) => k !== 'storageSecretName')[0]).sort()).toEqual(['gcs', 'gcs', 's3']);
    expect(objects.filter((o) => o.kind === 'BackupSession')).toHaveLength(1);
    const clusterRestore = objects.find((o) => o.kind === 'RestoreSession' && o.spec.target.replicas === 3);
    expect(clusterRestore.spec.target.volumeMounts).toEqual([{ name: 'data-restored-xtradb-cluster', mountPath: '/var/lib/mysql' }]);
    expect(clusterRestore.spec.target.volumeClaimTemplates[0].metadata.name).toBe('data-restored-xtradb-cluster-${POD_ORDINAL}');
    expect(objects.filter((o) => o.kind === 'RestoreSession' && o.spec.target.replicas === undefined)).toHaveLength(1);
    const blueprint = objects.find((o) => o.kind === 'BackupBlueprint');
    const optedIn = objects.filter((o) => o.metadata.annotations?.['stash.appscode.com/backup-blueprint'] === blueprint.metadata.name);
    expect(optedIn.map((o) => o.kind)).toEqual(['AppBinding']);
    const galera = objects.find((o) => o.kind === 'AppBinding' && o.spec.parameters?.kind === 'GaleraArbitratorConfiguration');
    expect(galera.spec.parameters.address).toMatch(/^gcomm:\/\//);
  });

  test('writeExamples writes one YAML file per example, parseable and equal to the synth', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-examples-'));
    try {
      writeExamples(dist);
      const written = fs.readdirSync(path.join(dist, 'examples')).sort();
      expect(written).toEqual(NAMES.map((n) => `${n}.yaml`).sort());
      for (const name of NAMES) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(dist, 'examples', `${name}.yaml`), 'utf8')).map((d) => d.toJSON());
        expect(docs).toEqual(synthExample(name));
      }
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});

/** Kubernetes' own kinds (e.g. NetworkPolicy): no CRD; the cluster suite checks them on a real API server. */
function builtIn(object: { apiVersion: string }): boolean {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'policy', 'autoscaling'].includes(group);
}

/** Objects of the Prometheus Operator (the alerts' PrometheusRule): its schema, not Stash's CRDs, judges them. */
const isPrometheusOperator = (o: any) => o.apiVersion.startsWith('monitoring.coreos.com/');

test('Prometheus Operator objects of the examples conform to its schema', async () => {
  const objects = NAMES.flatMap((name) => synthExample(name)).filter(isPrometheusOperator);
  expect(objects.map((o) => o.kind)).toContain('PrometheusRule');
  const results = await validateWithModels(objects);
  expect(results.map((r) => ({ model: r.model !== null, errors: r.errors }))).toEqual(objects.map(() => ({ model: true, errors: [] })));
});

describeWithReference('examples conform strictly to the upstream CRDs', () => {
  const crds = [...upstreamCrds().values()];
  test.each(NAMES)('%s', (name) => {
    for (const object of synthExample(name).filter((o) => !builtIn(o) && !isPrometheusOperator(o))) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problems: manifestProblems(object, crds) })
        .toEqual({ object: `${object.kind}/${object.metadata.name}`, problems: [] });
    }
  });
});
