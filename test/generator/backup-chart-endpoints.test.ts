/**
 * The chart's hand-written URL and storage-name checks against the constructs' (`urlProblems`,
 * the bucket and container rules of storage-names.ts): for S3 endpoints (a host or a URL) and
 * REST server URLs, valid and broken (other schemes, embedded credentials, spaces, bad ports,
 * IPv6 hosts, upper case, paths with "@"), Helm 3 and Helm 4 refuse exactly the ones the
 * constructs refuse, naming the values path; the same for generated bucket and container names.
 */
import * as fc from 'fast-check';
import * as path from 'path';
import { constructRender, helmRender, normalizeHelmPaths, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm } from '../support/helm';

const S3_ENDPOINTS = [
  'minio.storage.svc:9000', 's3.amazonaws.com', '10.0.0.1:9000', 'http://[::1]:9000', 'HTTPS://Minio:9000/path', 'https://host/a@b',
  'https://:@host', 'https://host:', 'ftp://minio:9000', 'https://admin:secret@minio', 'admin@minio:9000', 'minio server',
  'https://host:99999', 'https://host:abc', 'https://', 'https://user@', 'https://[zz]:9000',
];
const REST_URLS = [
  'https://rest.storage.svc:8000/${DATABASE_NAME}', 'http://rest:8000/', 'HTTPS://rest:8000/', 'ftp://rest:8000/', 'https://u:p@rest:8000/', 'https://u@rest/', 'https://rest host/',
];

const CASES: Array<[string, object, string]> = [
  ...S3_ENDPOINTS.map((endpoint): [string, object, string] => [`s3 ${endpoint}`, { provider: 's3', s3: { bucket: 'backups', endpoint } }, 'defaults.backend.s3.endpoint']),
  ...REST_URLS.map((url): [string, object, string] => [`rest ${url}`, { provider: 'rest', rest: { url } }, 'defaults.backend.rest.url']),
];

describe('stash-pxc-backup: the chart refuses the endpoint URLs the constructs refuse', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());

  test('the cases hold both valid and invalid URLs', () => {
    const dir = path.dirname(chart.dir);
    const refused = CASES.filter(([, backend], i) => constructRender(writeValuesFile(dir, `count-${i}.yaml`, values(backend))).error !== undefined).length;
    expect(refused).toBeGreaterThan(8);
    expect(CASES.length - refused).toBeGreaterThan(8);
  });

  test.each(CASES)('%s', async (_name, backend, field) => {
    const file = writeValuesFile(path.dirname(chart.dir), `url-${CASES.findIndex((c) => c[1] === backend)}.yaml`, values(backend));
    const constructs = constructRender(file);
    for (const version of [3, 4] as const) {
      const helm = await helmRender(findHelm(version), chart.dir, file);
      expect({ version, helmRefuses: helm.error !== undefined }).toEqual({ version, helmRefuses: constructs.error !== undefined });
      if (helm.error) expect(normalizeHelmPaths(helm.error)).toContain(field);
      if (constructs.error) expect(constructs.error).toContain(field);
    }
  }, 30000);
});

function values(backend: object): object {
  return {
    defaults: { version: '8.0.36', backend, storageSecretName: 's', schedule: { cron: '0 2 * * *' }, retentionPolicy: { keepLast: 1 } },
    databases: [{ name: 'db' }],
  };
}

// Names built from pieces that each storage service treats specially; a fixed seed.
const PIECE = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('acme', 'db', 'backups', '01', '7') },
  { weight: 4, arbitrary: fc.constantFrom('.', '-', '_', 'A', 'goog', 'google', 'b2-', '..', '.-', '-.', '--', '/', ' ', '192.168.1.1', 'x'.repeat(30), 'y'.repeat(61)) },
);
const NAMES = fc.sample(fc.tuple(fc.constantFrom('s3', 'gcs', 'azure', 'b2', 'swift'), fc.array(PIECE, { minLength: 1, maxLength: 4 }).map((a) => a.join(''))), { numRuns: 80, seed: 3 });

describe('stash-pxc-backup: the chart refuses the bucket and container names the constructs refuse', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());
  const valuesOf = ([provider, name]: [string, string]) => values({ provider, [provider]: { [provider === 'azure' || provider === 'swift' ? 'container' : 'bucket']: name } });

  test('the samples hold both valid and invalid names', () => {
    const dir = path.dirname(chart.dir);
    const refused = NAMES.filter((n, i) => constructRender(writeValuesFile(dir, `name-count-${i}.yaml`, valuesOf(n))).error !== undefined).length;
    expect(refused).toBeGreaterThan(15);
    expect(NAMES.length - refused).toBeGreaterThan(15);
  });

  test.each(NAMES)('%s %j', async (provider, name) => {
    const file = writeValuesFile(path.dirname(chart.dir), `name-${NAMES.findIndex((n) => n[0] === provider && n[1] === name)}.yaml`, valuesOf([provider, name]));
    const constructs = constructRender(file);
    const helm = await helmRender(findHelm(4), chart.dir, file);
    expect({ provider, name, helmRefuses: helm.error !== undefined }).toEqual({ provider, name, helmRefuses: constructs.error !== undefined });
    if (helm.error) expect(normalizeHelmPaths(helm.error)).toContain(`defaults.backend.${provider}`);
  }, 30000);
});
