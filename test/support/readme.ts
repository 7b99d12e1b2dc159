/**
 * The README's TypeScript examples as a user would write them into `main.ts`: "Back up a
 * database" and "Restore" are whole files; "Monitor" is added to the restore example before
 * `app.synth()`, with its class imported from `stash-pxc`, as the README says.
 */

/** The first ```ts block after `## <heading>`. */
export function readmeBlock(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" in README.md`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match) throw new Error(`no ts block after "## ${heading}" in README.md`);
  return match[1];
}

/** The examples by name, each a complete `main.ts`. */
export function readmeExamples(readme: string): { backup: string; restore: string; monitor: string } {
  const backup = readmeBlock(readme, 'Back up a database');
  const restore = readmeBlock(readme, 'Restore');
  const monitorLines = readmeBlock(readme, 'Monitor');
  if (!restore.includes('app.synth();') || !/import \{ [^}]*\} from 'stash-pxc';/.test(restore)) {
    throw new Error('the README\'s restore example no longer ends with app.synth() or imports from stash-pxc');
  }
  const monitor = restore
    .replace(/import \{ ([^}]*) \} from 'stash-pxc';/, (_all, names: string) => `import { ${names}, PerconaXtraDbBackupAlerts } from 'stash-pxc';`)
    .replace('app.synth();', `${monitorLines}app.synth();`);
  return { backup, restore, monitor };
}
