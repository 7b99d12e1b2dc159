/**
 * The docs: `docs/api.md` is what `npm run docs` generates now; every public declaration of the
 * per-database constructs has a doc comment (and a `@default` on optional props); the guide's
 * code uses real exports, its Secret-key table matches the backends, and it covers every example.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES } from '../../generator/chart/examples';
import * as api from '../../src';
import { findUndocumented, generateApiDocs } from '../../scripts/gen-api-docs';
import { REPO_ROOT } from '../support/reference';

const GUIDE = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'guide.md'), 'utf8');

/** Every hand-written file of the shipped library's construct rooms. */
const OWN_FILES = ['core', 'install', 'database'].flatMap((room) => listTs(path.join('src', room)));

function listTs(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? listTs(rel) : e.name.endsWith('.ts') ? [rel] : [];
  });
}

function codeBlocks(lang: string): string[] {
  return [...GUIDE.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe('API reference', () => {
  test('docs/api.md is fresh (run `npm run docs` after changing doc comments)', () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
    expect(committed === generateApiDocs(REPO_ROOT) ? 'fresh' : 'stale: run `npm run docs`').toBe('fresh');
  });

  test('every public declaration of the library is documented, with @default on optional props', () => {
    expect(findUndocumented(OWN_FILES, REPO_ROOT)).toEqual([]);
  });

  test('covers every per-database construct', () => {
    const reference = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
    for (const name of ['Repository', 'Backend', 'StorageSecret', 'RetentionPolicy', 'Schedule', 'PerconaXtraDbBackup', 'InstantBackup',
      'PerconaXtraDbBackupBlueprint', 'PerconaXtraDbRestore', 'PerconaXtraDbClone', 'PerconaXtraDbAppBinding', 'PerconaXtraDbBackupPlan', 'PerconaXtraDbBackupProps']) {
      expect(reference).toContain(`\n### ${name}\n`);
    }
  });
});

describe('guide', () => {
  test('the TypeScript snippets use real exports and static factories', () => {
    const exported = api as unknown as { [name: string]: any };
    const known = new Set(['App', 'Chart', 'Duration', 'Size', 'Cpu', 'Date']);
    const missing: string[] = [];
    for (const block of codeBlocks('ts')) {
      for (const m of block.matchAll(/new ([A-Z]\w+)\(/g)) {
        if (!known.has(m[1]) && typeof exported[m[1]] !== 'function') missing.push(`new ${m[1]}`);
      }
      for (const m of block.matchAll(/\b([A-Z]\w+)\.(\w+)\(/g)) {
        if (known.has(m[1])) continue;
        if (typeof exported[m[1]]?.[m[2]] !== 'function') missing.push(`${m[1]}.${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('the table of Secret keys matches what each backend requires', () => {
    const defaults: { [factory: string]: api.Backend } = {
      's3': api.Backend.s3({ bucket: 'b' }),
      'gcs': api.Backend.gcs({ bucket: 'b' }),
      'azure': api.Backend.azure({ container: 'b' }),
      'swift': api.Backend.swift({ container: 'b' }),
      'b2': api.Backend.b2({ bucket: 'b' }),
      'rest': api.Backend.rest({ url: 'https://r/' }),
      'local': api.Backend.local({ volume: api.LocalVolume.hostPath('/x') }),
    };
    const rows = [...GUIDE.matchAll(/^\| [^|]+ \| `Backend\.(\w+)\(\)` \| (.+) \|$/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(defaults).sort());
    for (const [, factory, keys] of rows) {
      const required = keys.replace(/\(\+[^)]*\)/g, '').match(/`([A-Z0-9_]+)`/g)!.map((k) => k.replace(/`/g, ''));
      expect({ factory, keys: required }).toEqual({ factory, keys: defaults[factory].requiredSecretKeys });
    }
    // The optional keys named in the table are the ones the options add.
    expect(api.Backend.s3({ bucket: 'b', customCaCertificate: true }).requiredSecretKeys).toContain('CA_CERT_DATA');
    expect(api.Backend.rest({ url: 'https://r/', basicAuth: true }).requiredSecretKeys).toEqual(['RESTIC_PASSWORD', 'REST_SERVER_USERNAME', 'REST_SERVER_PASSWORD']);
  });

  test('the auto-backup annotations are the ones the constructs write', () => {
    for (const key of [api.BACKUP_BLUEPRINT_ANNOTATION, api.SCHEDULE_ANNOTATION, `${api.PARAMS_ANNOTATION_PREFIX}<param>`]) {
      expect(GUIDE).toContain(`| \`${key}\` |`);
    }
  });

  test('every example is linked', () => {
    for (const name of Object.keys(EXAMPLES)) expect(GUIDE).toContain(`(../examples/${name}.ts)`);
  });

  test('the sample validation output is what the constructs print', () => {
    const problems = [
      ...api.Schedule.cron('*/5 * * *').problems('schedule', { name: 'x' }),
      ...api.RetentionPolicy.of({}).problems('retentionPolicy'),
    ];
    for (const p of problems) expect(GUIDE).toContain(`[backups/backup] ${p}`);
  });
});
