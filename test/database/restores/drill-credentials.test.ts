/**
 * drill-credentials.sh, run for real with bash on this host, against a fake `kubectl` on PATH
 * that records its arguments and standard input: the first step of a drill run gives the
 * throwaway server a fresh random password in the Secret `<drill>-auth`, owned by the run's Job.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drillScriptsDir } from '../../../src/database/restores/perconaxtradb-restore-drill';

const SCRIPT = path.join(drillScriptsDir(), 'drill-credentials.sh');

interface Run {
  code: number | null;
  stderr: string;
  /** Each kubectl call: its arguments and what it read on stdin. */
  calls: Array<{ args: string[]; input: string }>;
}

function run(env: { [name: string]: string }, failCreate = false): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-credentials-'));
  try {
    const log = path.join(dir, 'calls');
    fs.mkdirSync(log);
    // The fake kubectl: one file per call (arguments, then stdin), exit 1 on create when asked.
    fs.writeFileSync(path.join(dir, 'kubectl'), `#!/usr/bin/env bash
n=$(ls "${log}" | wc -l)
{ printf '%s\\n' "$@"; printf -- '--stdin--\\n'; if [ "$1" = create ]; then cat; fi; } > "${log}/$n"
if [ "$1" = create ] && [ "${failCreate ? 1 : 0}" = 1 ]; then echo 'Error from server (AlreadyExists)' >&2; exit 1; fi
exit 0
`, { mode: 0o755 });
    const result = spawnSync('bash', [SCRIPT], {
      env: { PATH: `${dir}:${process.env.PATH}`, ...env },
      encoding: 'utf8',
    });
    const calls = fs.readdirSync(log).sort((a, b) => Number(a) - Number(b)).map((f) => {
      const [args, input] = fs.readFileSync(path.join(log, f), 'utf8').split('--stdin--\n');
      return { args: args.trim().split('\n'), input };
    });
    return { code: result.status, stderr: result.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ENV = {
  DRILL_AUTH_SECRET: 'orders-drill-auth',
  DRILL_NAMESPACE: 'shop',
  DRILL_JOB_NAME: 'orders-drill-29012345',
  DRILL_JOB_UID: '0b5c2d3e-1111-4222-8333-444455556666',
  DRILL_DRILL_LABEL: 'stash-pxc/drill=orders-drill',
};

describe('drill-credentials.sh', () => {
  test('deletes an earlier run\'s Secret, then creates one owned by this Job with a random 32-character password', () => {
    const r = run(ENV);
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.args.slice(0, 3))).toEqual([['delete', 'secret', 'orders-drill-auth'], ['create', '--namespace', 'shop']]);
    const secret = JSON.parse(r.calls[1].input);
    expect(secret.metadata).toEqual({
      name: 'orders-drill-auth', namespace: 'shop', labels: { 'stash-pxc/drill': 'orders-drill' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-29012345', uid: ENV.DRILL_JOB_UID }],
    });
    expect(Buffer.from(secret.data.username, 'base64').toString()).toBe('root');
    const password = Buffer.from(secret.data.password, 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    // Never printed.
    expect(r.stderr).not.toContain(password);
  });

  test('two runs get different passwords', () => {
    const passwords = [run(ENV), run(ENV)].map((r) => JSON.parse(r.calls[1].input).data.password);
    expect(passwords[0]).not.toBe(passwords[1]);
  });

  test('a failed create fails the step (the server would have no password)', () => {
    expect(run(ENV, true).code).not.toBe(0);
  });

  test.each(Object.keys(ENV).filter((k) => k !== 'DRILL_DRILL_LABEL'))('refuses to run without %s', (name) => {
    const env: { [k: string]: string } = { ...ENV };
    delete env[name];
    const r = run(env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${name} is not set`);
    expect(r.calls).toEqual([]);
  });
});
