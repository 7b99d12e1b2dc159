/**
 * The synth-time checks behind every construct: cron expressions, Kubernetes names, bucket
 * names and prefixes, durations and sizes, schedules and retention policies.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import {
  Backend, cronViolation, manifestProblems, nameProblems, NameRule, nameViolation, PerconaXtraDbRestore, Repository, RetentionPolicy, Schedule,
  suggestName, validateTree, Weekday,
} from '../../src';
import { goDuration, goDurationProblem, quantity } from '../../src/core/validation/quantities';
import {
  azureContainerProblems, b2BucketProblems, gcsBucketProblems, prefixProblems, s3BucketProblems, swiftContainerProblems, urlProblems,
} from '../../src/core/validation/storage-names';

describe('cron expressions', () => {
  test.each([
    '*/5 * * * *',
    '0 0 * * *',
    '30 2 * * MON-FRI',
    '0 0 1 JAN *',
    '0 0 1 jan,jul *',
    '0 */6 * * *',
    '5/15 * * * *',
    '0 0 ? * SUN',
    '0 22 * * 1-5',
    '0 0 29 2 *',
    '0-30/10 8-18 * * *',
    '@daily', '@midnight', '@hourly', '@weekly', '@monthly', '@yearly', '@annually',
    '@every 1h30m', '@every 90s',
  ])('accepts %s', (expr) => {
    expect(cronViolation(expr)).toBeUndefined();
  });

  test.each([
    ['', /is empty/],
    ['* * * *', /has 4 fields.*exactly 5/],
    ['0 * * * * *', /has 6 fields.*seconds field is not supported/],
    ['61 * * * *', /minute field: 61 is out of range 0-59/],
    ['0 24 * * *', /hour field: 24 is out of range 0-23/],
    ['0 0 0 * *', /day-of-month field: 0 is out of range 1-31/],
    ['0 0 * 13 *', /month field: 13 is out of range 1-12/],
    ['0 0 * * 7', /day-of-week field: 7 is out of range 0-6/],
    ['*/0 * * * *', /minute field: step 0 .* out of range 1-60/],
    ['*/61 * * * *', /minute field: step 61 .* out of range 1-60/],
    ['0 0 * * MON-FOO', /day-of-week field: "FOO" is not a number or a name \(SUN, MON/],
    ['0 0 * FOO *', /month field: "FOO" is not a number or a name \(JAN/],
    ['0 0 * * */x', /day-of-week field: step "x"/],
    ['5-1 * * * *', /range "5-1" starts after it ends/],
    ['1,,2 * * * *', /empty list item/],
    ['1-2-3 * * * *', /more than one "-"/],
    ['1/2/3 * * * *', /more than one "\/"/],
    ['@fortnightly', /not a known macro/],
    ['@every', /needs a duration/],
    ['@every 5x', /not a Go duration/],
    ['TZ=UTC 0 0 * * *', /time zone/],
    ['0 0 31 2 *', /never fires: no chosen month has day 31/],
    ['0 0 31 4,6,9 *', /never fires/],
  ])('refuses %j', (expr, message) => {
    expect(cronViolation(expr)).toMatch(message);
  });

  test('a restricted day-of-week makes day-of-month values that never occur harmless', () => {
    // cron ORs day-of-month and day-of-week when both are restricted
    expect(cronViolation('0 0 31 2 MON')).toBeUndefined();
  });
});

describe('Schedule', () => {
  const target = { namespace: 'demo', name: 'sample-xtradb' };

  test('factories render five-field cron expressions', () => {
    expect(Schedule.cron('*/5 * * * *').expressionFor(target)).toBe('*/5 * * * *');
    expect(Schedule.everyMinutes(15).expressionFor(target)).toBe('*/15 * * * *');
    expect(Schedule.hourly({ minute: 7 }).expressionFor(target)).toBe('7 * * * *');
    expect(Schedule.daily({ hour: 2, minute: 30 }).expressionFor(target)).toBe('30 2 * * *');
    expect(Schedule.weekly({ weekday: Weekday.SATURDAY, hour: 4 }).expressionFor(target)).toBe('0 4 * * 6');
    expect(Schedule.monthly({ day: 15, hour: 1 }).expressionFor(target)).toBe('0 1 15 * *');
  });

  test('valid schedules have no problems', () => {
    for (const s of [Schedule.cron('@daily'), Schedule.daily({ hour: 23, minute: 59 }), Schedule.monthly({ day: 28 })]) {
      expect(s.problems('schedule', target)).toEqual([]);
    }
  });

  test('a bad cron names the field, the problem and the fix', () => {
    const [message] = Schedule.cron('*/5 * * *').problems('schedule', target);
    expect(message).toMatch(/^schedule: "\*\/5 \* \* \*" has 4 fields.*Fix: write five fields/);
  });

  test('out-of-range factory options are refused with the option name', () => {
    expect(Schedule.daily({ hour: 24 }).problems('schedule', target)).toEqual([
      'schedule: Schedule.daily(): hour 24 is not a whole number between 0 and 23. Fix: set hour between 0 and 23.',
    ]);
    expect(Schedule.hourly({ minute: 1.5 }).problems('schedule', target)[0]).toMatch(/minute 1.5 is not a whole number/);
    expect(Schedule.everyMinutes(0).problems('schedule', target)[0]).toMatch(/minutes 0/);
    expect(Schedule.monthly({ day: 31 }).problems('schedule', target)[0]).toMatch(/day 31 is not a whole number between 1 and 28/);
  });
});

describe('RetentionPolicy', () => {
  test('keepLast(5) is the seed policy: keep-last-5 with prune', () => {
    expect(RetentionPolicy.keepLast(5).toJson()).toEqual({ name: 'keep-last-5', keepLast: 5, prune: true });
  });

  test('of() combines rules and derives the name', () => {
    const policy = RetentionPolicy.of({ keepDaily: 7, keepWeekly: 4, keepTags: ['release'], prune: false, dryRun: true });
    expect(policy.toJson()).toEqual({
      name: 'keep-daily-7-weekly-4-tags', keepDaily: 7, keepWeekly: 4, keepTags: ['release'], prune: false, dryRun: true,
    });
    expect(RetentionPolicy.keepDaily(3, { name: 'three-days' }).name).toBe('three-days');
  });

  test('a policy without keep rule is refused', () => {
    expect(RetentionPolicy.of({ prune: true }).problems('retentionPolicy')).toEqual([
      expect.stringMatching(/^retentionPolicy: has no keep rule.*Fix: add at least one rule, e\.g\. RetentionPolicy\.keepLast\(5\)/),
    ]);
  });

  test('counts must be positive whole numbers, tags without spaces', () => {
    expect(RetentionPolicy.keepLast(0).problems('r')).toEqual([expect.stringMatching(/^r\.keepLast: 0 is not a whole number of 1 or more/)]);
    expect(RetentionPolicy.of({ keepHourly: 2.5 }).problems('r')[0]).toMatch(/^r\.keepHourly/);
    expect(RetentionPolicy.of({ keepTags: ['a b'] }).problems('r')[0]).toMatch(/^r\.keepTags: "a b" is not a restic tag/);
  });
});

describe('Kubernetes names', () => {
  test('DNS-1123 labels', () => {
    expect(nameViolation('sample-xtradb', NameRule.DNS_LABEL)).toBeUndefined();
    expect(nameViolation('Sample', NameRule.DNS_LABEL)).toMatch(/upper-case/);
    expect(nameViolation('a.b', NameRule.DNS_LABEL)).toMatch(/dot/);
    expect(nameViolation('-a', NameRule.DNS_LABEL)).toMatch(/characters other than/);
    expect(nameViolation('a'.repeat(64), NameRule.DNS_LABEL)).toMatch(/64 characters long, more than the 63/);
    expect(nameViolation('', NameRule.DNS_LABEL)).toBe('is empty');
  });

  test('DNS-1123 subdomains and DNS-1035 labels', () => {
    expect(nameViolation('gcs-secret.v1', NameRule.DNS_SUBDOMAIN)).toBeUndefined();
    expect(nameViolation('a..b', NameRule.DNS_SUBDOMAIN)).toBeDefined();
    expect(nameViolation('a'.repeat(254), NameRule.DNS_SUBDOMAIN)).toMatch(/253/);
    expect(nameViolation('1db', NameRule.DNS_1035_LABEL)).toMatch(/start with a lower-case letter/);
    expect(nameViolation('db1', NameRule.DNS_1035_LABEL)).toBeUndefined();
  });

  test('messages suggest a valid name', () => {
    expect(nameProblems('name', 'My_DB', NameRule.DNS_LABEL)).toEqual([
      expect.stringMatching(/^name: "My_DB" has upper-case letters; it must be a DNS-1123 label\. Fix: use a name like "my-db"\.$/),
    ]);
    expect(suggestName('__X__', NameRule.DNS_LABEL)).toBe('x');
    expect(suggestName('1-db', NameRule.DNS_1035_LABEL)).toBe('x1-db');
    expect(nameViolation(suggestName('A'.repeat(80), NameRule.DNS_LABEL), NameRule.DNS_LABEL)).toBeUndefined();
  });
});

describe('buckets, containers and prefixes', () => {
  test('S3 bucket names', () => {
    expect(s3BucketProblems('bucket', 'stash-backups')).toEqual([]);
    expect(s3BucketProblems('bucket', 'ab')[0]).toMatch(/3 to 63 characters/);
    expect(s3BucketProblems('bucket', 'My_Bucket')[0]).toMatch(/not a valid S3 bucket name/);
    expect(s3BucketProblems('bucket', 'a..b')[0]).toMatch(/adjacent/);
    expect(s3BucketProblems('bucket', '192.168.1.1')[0]).toMatch(/IP address/);
  });

  test('GCS bucket names', () => {
    expect(gcsBucketProblems('bucket', 'my_backups.example.com')).toEqual([]);
    expect(gcsBucketProblems('bucket', 'google-backups')[0]).toMatch(/goog/);
    expect(gcsBucketProblems('bucket', '-x-')[0]).toMatch(/not a valid GCS bucket name/);
  });

  test('Azure, B2 and Swift names', () => {
    expect(azureContainerProblems('container', 'backups')).toEqual([]);
    expect(azureContainerProblems('container', 'a--b')[0]).toMatch(/consecutive "-"/);
    expect(b2BucketProblems('bucket', 'Stash-Backups')).toEqual([]);
    expect(b2BucketProblems('bucket', 'short')[0]).toMatch(/6 to 50/);
    expect(b2BucketProblems('bucket', 'b2-backups')[0]).toMatch(/reserves/);
    expect(swiftContainerProblems('container', 'a/b')[0]).toMatch(/contains "\/"/);
  });

  test('prefixes', () => {
    expect(prefixProblems('prefix', '/demo/xtradb/sample-xtradb', false)).toEqual([]);
    expect(prefixProblems('prefix', 'demo/../x', false)[0]).toMatch(/"\.\." path segment/);
    expect(prefixProblems('prefix', 'demo//x', false)[0]).toMatch(/"\/\/"/);
    expect(prefixProblems('prefix', ' demo', false)[0]).toMatch(/whitespace/);
    expect(prefixProblems('prefix', 'stash/${TARGET_NAME}', false)[0]).toMatch(/only in a BackupBlueprint/);
    expect(prefixProblems('prefix', 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}', true)).toEqual([]);
    expect(prefixProblems('prefix', 'stash/${DB_NAME}', true)[0]).toMatch(/unknown variables \$\{DB_NAME\}/);
  });

  test('endpoints and URLs', () => {
    expect(urlProblems('endpoint', 's3.amazonaws.com', 'S3 endpoint', false)).toEqual([]);
    expect(urlProblems('endpoint', 'https://minio.storage.svc:9000', 'S3 endpoint', false)).toEqual([]);
    expect(urlProblems('endpoint', 'ftp://x', 'S3 endpoint', false)[0]).toMatch(/must be http or https/);
    expect(urlProblems('url', 'https://user:pw@rest:8000/', 'REST server URL', true)[0]).toMatch(/embeds credentials/);
    expect(urlProblems('url', 'not a url', 'REST server URL', true)[0]).toMatch(/not a valid REST server URL/);
  });
});

describe('durations and sizes', () => {
  test('Go durations', () => {
    expect(goDuration(Duration.minutes(90))).toBe('1h30m');
    expect(goDuration(Duration.seconds(45))).toBe('45s');
    expect(goDuration(Duration.hours(2))).toBe('2h');
    expect(goDurationProblem('1h30m')).toBeUndefined();
    expect(goDurationProblem('0s')).toMatch(/not positive/);
    expect(goDurationProblem('1d')).toMatch(/not a Go duration/);
  });

  test('quantities use the largest exact binary unit', () => {
    expect(quantity(Size.gibibytes(1))).toBe('1Gi');
    expect(quantity(Size.mebibytes(1536))).toBe('1536Mi');
    expect(quantity(Size.tebibytes(2))).toBe('2Ti');
    expect(quantity(Size.kibibytes(3))).toBe('3Ki');
  });
});

describe('validateTree and manifestProblems', () => {
  test('validateTree reports every problem under the construct path, as cdk8s does', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'demo' });
    new PerconaXtraDbRestore(chart, 'r', { database: 'DB', version: '1.0', repository: Repository.fromRepositoryName('repo') });
    expect(() => validateTree(app)).toThrow(/\[c\/r\] database: "DB" has upper-case letters[\s\S]*\[c\/r\] version: "1\.0"/);
  });

  test('manifestProblems reports unknown kinds and fields the API server would prune', () => {
    const crd = {
      spec: {
        group: 'stash.appscode.com', names: { kind: 'Thing' },
        versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } } }],
      },
    };
    expect(manifestProblems({ apiVersion: 'stash.appscode.com/v1', kind: 'Thing', metadata: { name: 'x' }, spec: { a: 'b' } }, [crd])).toEqual([]);
    expect(manifestProblems({ apiVersion: 'stash.appscode.com/v1', kind: 'Thing', spec: { b: 1 } }, [crd])).toEqual([
      { path: 'spec.b', message: 'is unknown to the schema: the API server would prune it' },
    ]);
    expect(manifestProblems({ apiVersion: 'x/v1', kind: 'Other' }, [crd])[0].message).toMatch(/no CRD defines x\/v1 Other/);
  });
});

describe('object metadata, checked on every object', () => {
  const backend = Backend.gcs({ bucket: 'ok-bucket' });

  test.each([
    ['a label value with a space', { labels: { team: 'has space' } }, /labels\.team: "has space" must be letters, digits/],
    ['a label key with two slashes', { labels: { 'a/b/c': 'x' } }, /labels: key "a\/b\/c" has more than one "\/"/],
    ['a label key with a bad prefix', { labels: { 'Example.com/team': 'x' } }, /labels: key "Example.com\/team": the prefix "Example.com" has upper-case letters/],
    ['a label value of 64 characters', { labels: { team: 'x'.repeat(64) } }, /labels\.team: ".*" is 64 characters long, more than 63/],
    ['an annotation key with a space', { annotations: { 'bad name': 'x' } }, /annotations: key "bad name": the name part must be/],
  ])('%s is refused with the field named', (_name, extra, message) => {
    const chart = new Chart(new App(), 'c', { namespace: 'demo' });
    new Repository(chart, 'repo', { name: 'repo', backend, storageSecretName: 's', ...extra });
    expect(() => validateTree(chart)).toThrow(message);
  });

  test('valid labels and annotations pass, empty label values included', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'demo' });
    new Repository(chart, 'repo', {
      name: 'repo', backend, storageSecretName: 's',
      labels: { 'app.kubernetes.io/part-of': 'shop', 'empty': '' }, annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'note': 'any text: allowed' },
    });
    expect(() => validateTree(chart)).not.toThrow();
  });

  test("the chart's namespace is checked where the object lands in it", () => {
    const chart = new Chart(new App(), 'c', { namespace: 'my_ns' });
    new Repository(chart, 'repo', { name: 'repo', backend, storageSecretName: 's' });
    expect(() => validateTree(chart)).toThrow(/\[c\/repo\] namespace: "my_ns" has characters other than .* \(the chart's namespace\)\. Fix: use a name like "my-ns"/);
  });

  test("a referenced namespace is checked too", () => {
    const chart = new Chart(new App(), 'c', { namespace: 'demo' });
    new PerconaXtraDbRestore(chart, 'r', { database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('repo', 'Other_NS') });
    expect(() => validateTree(chart)).toThrow(/repository\.namespace: "Other_NS" has upper-case letters/);
  });
});
