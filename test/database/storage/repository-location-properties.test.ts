/**
 * Property: two Repositories of an app (standalone, from a plan or from a fleet, in any order,
 * among others that do not collide) whose locations collide are never accepted: equal after
 * normalising slashes (leading, trailing, doubled), one without a prefix (the bucket root)
 * beside one with, or one prefix the parent of the other. The refusal names both construct
 * paths. And the control: the same apps with sibling prefixes are accepted by this check. A
 * BackupBlueprint whose prefix pattern can expand onto, into or around a Repository of the app
 * is never accepted either.
 *
 * Seeded and replayable: PROPERTY_SEED=<seed> PROPERTY_RUNS=<n> npx jest lib/test/database/storage/repository-location-properties.test.js
 */
import { App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Backend, LocalVolume, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan, Repository, RetentionPolicy, Schedule, ScheduleWindow,
} from '../../../src';
import { assertSeeded, judgeOutcome, label, PropertyStats, synthesizeBuilt } from '../../support/properties';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 600);

type Provider = 'gcs' | 's3' | 'azure' | 'pvc' | 'nfs';
type How = 'slashes' | 'empty' | 'parent' | 'sibling';
interface Case {
  provider: Provider;
  base: string[];
  extra: string;
  how: How;
  /** How the two colliding Repositories are made, and which comes first. */
  makers: ['repository' | 'plan' | 'fleet', 'repository' | 'plan' | 'fleet'];
  swap: boolean;
  /** Unrelated Repositories in other directories of the same bucket. */
  others: string[];
}

const segment = label.filter((s) => s.length >= 2);
const caseArb: fc.Arbitrary<Case> = fc.record({
  provider: fc.constantFrom<Provider>('gcs', 's3', 'azure', 'pvc', 'nfs'),
  base: fc.array(segment, { minLength: 1, maxLength: 3 }),
  extra: segment,
  how: fc.constantFrom<How>('slashes', 'empty', 'parent', 'sibling'),
  makers: fc.tuple(fc.constantFrom('repository', 'plan', 'fleet'), fc.constantFrom('repository', 'plan', 'fleet')) as fc.Arbitrary<Case['makers']>,
  swap: fc.boolean(),
  others: fc.uniqueArray(segment, { maxLength: 4 }),
});

/** A slash-variant of the same path: leading, trailing or doubled slashes. */
function slashed(segments: string[], variant: number): string {
  const path = segments.join('/');
  return [`/${path}`, `${path}/`, `/${path}//`, segments.join('//')][variant % 4];
}

function backendFor(provider: Provider, prefix: string | undefined, bucket = 'shared-backups'): Backend {
  switch (provider) {
    case 's3': return Backend.s3({ bucket, prefix });
    case 'azure': return Backend.azure({ container: bucket, prefix });
    case 'pvc': return Backend.local({ volume: LocalVolume.persistentVolumeClaim(bucket), subPath: prefix });
    case 'nfs': return Backend.local({ volume: LocalVolume.nfs({ server: `${bucket}.storage.svc`, path: '/exports' }), subPath: prefix });
    default: return Backend.gcs({ bucket, prefix });
  }
}

/** The two prefixes of a case: colliding ones, or siblings for 'sibling'. */
function prefixesOf(c: Case): [string | undefined, string | undefined] {
  const path = c.base.join('/');
  switch (c.how) {
    case 'slashes': return [path, slashed(c.base, c.extra.length)];
    case 'empty': return [undefined, path];
    case 'parent': return [path, `${path}/${c.extra}`];
    default: return [`${path}/${c.extra}`, `${path}/${c.extra}-2`];
  }
}

/** The construct path of the Repository that `maker` creates for database `db`. */
function make(chart: Chart, maker: Case['makers'][number], db: string, backend: Backend): string {
  const common = { version: '8.0.36', storageSecretName: 'storage-secret', retentionPolicy: RetentionPolicy.keepLast(5) };
  if (maker === 'repository') {
    new Repository(chart, db, { name: `${db}-repo`, backend, storageSecretName: 'storage-secret' });
    return `app/${db}`;
  }
  if (maker === 'plan') {
    new PerconaXtraDbBackupPlan(chart, db, { ...common, database: db, backend, schedule: Schedule.cron('0 1 * * *') });
    return `app/${db}/Repository`;
  }
  new PerconaXtraDbBackupFleet(chart, db, { ...common, window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), databases: [{ name: db, namespace: 'demo', version: '8.0.36', backend }] });
  return `app/${db}/demo.${db}/Repository`;
}

function build(c: Case): { chart: Chart; paths: string[] } {
  const chart = new Chart(new App(), 'app', { namespace: 'demo' });
  // Unrelated Repositories under a directory no colliding prefix uses (in another bucket beside a
  // bucket root, which contains every directory of its own bucket).
  c.others.forEach((o, i) => new Repository(chart, `other-${i}`, {
    name: `other-${i}`, backend: backendFor(c.provider, `elsewhere/${o}`, c.how === 'empty' ? 'other-backups' : undefined), storageSecretName: 'storage-secret',
  }));
  const [a, b] = prefixesOf(c);
  const order: Array<[string, string | undefined, Case['makers'][number]]> = [['first', a, c.makers[0]], ['second', b, c.makers[1]]];
  if (c.swap) order.reverse();
  const paths = order.map(([db, prefix, maker]) => make(chart, maker, db, backendFor(c.provider, prefix)));
  return { chart, paths };
}

const stats: PropertyStats = { cases: 0, accepted: 0, refused: 0, objects: 0, ms: 0 };
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`repository location properties: ${stats.cases} cases (${stats.refused} refused, ${stats.accepted} accepted) in ${(stats.ms / 1000).toFixed(1)} s, seed ${SEED}`);
});

test('colliding locations are never accepted, and the refusal names both Repositories', () => {
  const colliding = caseArb.filter((c) => c.how !== 'sibling');
  assertSeeded(colliding, (c) => {
    let paths: string[] = [];
    const outcome = synthesizeBuilt(() => {
      const built = build(c);
      paths = built.paths;
      return built.chart;
    });
    judgeOutcome(outcome, stats, () => []);
    expect(outcome.kind).toBe('refused');
    const problems = outcome.kind === 'refused' ? outcome.problems.filter((p) => /repository location/.test(p)) : [];
    expect(problems).toHaveLength(1);
    // Reported on the later one, naming the earlier one.
    expect(problems[0].startsWith(`[${paths[1]}] backend.`)).toBe(true);
    expect(problems[0]).toContain(` ${paths[0]} (`);
  }, { seed: SEED, chunk: 0, numRuns: RUNS, runs: RUNS }, stats);
}, 300000);

test('sibling locations pass the check', () => {
  assertSeeded(caseArb.map((c) => ({ ...c, how: 'sibling' as How })), (c) => {
    const outcome = synthesizeBuilt(() => build(c).chart);
    judgeOutcome(outcome, stats, () => []);
    expect(outcome.kind === 'refused' ? outcome.problems : []).toEqual([]);
  }, { seed: SEED + 1, chunk: 1, numRuns: Math.ceil(RUNS / 3), runs: RUNS }, stats);
}, 300000);

test('a blueprint whose prefix pattern can expand onto, into or around a Repository of the app is never accepted', () => {
  const arb = fc.record({
    provider: fc.constantFrom<Provider>('gcs', 's3', 'azure'),
    base: fc.array(segment, { minLength: 1, maxLength: 2 }),
    namespace: segment,
    database: segment,
    // Where the Repository sits relative to the blueprint's expansion for (namespace, database).
    depth: fc.constantFrom('equal', 'inside', 'around', 'root'),
    maker: fc.constantFrom<Case['makers'][number]>('repository', 'plan', 'fleet'),
    before: fc.boolean(),
  });
  assertSeeded(arb, (c) => {
    const path = [...c.base, c.namespace, c.database];
    const prefix = { equal: path, inside: [...path, 'more'], around: path.slice(0, -1), root: [] as string[] }[c.depth].join('/') || undefined;
    const outcome = synthesizeBuilt(() => {
      const chart = new Chart(new App(), 'app', { namespace: 'demo' });
      const blueprint = () => new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
        name: 'pxc', backend: backendFor(c.provider, `${c.base.join('/')}/\${TARGET_NAMESPACE}/\${TARGET_NAME}`), storageSecretName: 'storage-secret',
        schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
      });
      if (c.before) blueprint();
      make(chart, c.maker, 'db', backendFor(c.provider, prefix));
      if (!c.before) blueprint();
      return chart;
    });
    judgeOutcome(outcome, stats, () => []);
    expect(outcome.kind === 'refused' ? outcome.problems.filter((p) => p.startsWith('[app/blueprint] ') && /can expand to the repository location of app\/db/.test(p)) : []).toHaveLength(1);
  }, { seed: SEED + 2, chunk: 2, numRuns: Math.ceil(RUNS / 3), runs: RUNS }, stats);
}, 300000);
