import * as fs from 'fs';
import * as path from 'path';
import { Hook, HookExecutionPolicy } from '../jobs/hook';

/**
 * Container of a KubeDB PerconaXtraDB pod that runs the server (and has its client and its root
 * credentials in MYSQL_ROOT_USERNAME / MYSQL_ROOT_PASSWORD): where the guard's hooks run.
 */
export const KUBEDB_PERCONAXTRADB_CONTAINER = 'perconaxtradb';

/** Where `guard/standalone.sh` lives: beside the compiled module when copied there, else in the package's `src/`. */
function guardScriptPath(name: string): string {
  const candidates = [
    path.join(__dirname, 'guard', name),
    // lib/src/database/restores -> <package>/src/database/restores (tsc does not copy .sh files)
    path.join(__dirname, '..', '..', '..', '..', 'src', 'database', 'restores', 'guard', name),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`stash-pxc is installed without ${name}; looked in ${candidates.join(', ')}`);
  return found;
}

let standaloneScript: string | undefined;

/** The standalone guard's shell script, as the hooks carry it. */
export function standaloneGuardScript(): string {
  standaloneScript ??= fs.readFileSync(guardScriptPath('standalone.sh'), 'utf8');
  return standaloneScript;
}

/** The name the guard records and looks for: `<namespace>/<restoresession>`. */
export function guardKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

/**
 * The guard's command, `sh -c <script> stash-pxc-guard <mode> <namespace/name>`: the script goes
 * in whole so the RestoreSession alone says what runs (no ConfigMap to keep in step).
 */
export function guardCommand(mode: 'check' | 'mark', key: string): string[] {
  return ['sh', '-c', standaloneGuardScript(), 'stash-pxc-guard', mode, key];
}

/**
 * The pre-restore hook that refuses a standalone restore into a database that holds data or
 * that this RestoreSession already restored. Stash runs a RestoreSession's preRestore hook as the
 * restore Job's first step; for an AppBinding target it execs into a pod behind the AppBinding's
 * Service (stashed/stash `pkg/cmds/run_hook.go`, `getAppPodName`), and a failure marks the host
 * `Failed` and stops the Job before the addon restores (`handlePreTaskHookFailure`). The host's
 * error and the Job's Event say only that the hook failed (Stash's exec runner drops the command's
 * output), so the script also copies a refusal into the server container's log.
 */
export function guardCheckHook(key: string, containerName: string): Hook {
  return Hook.exec(guardCommand('check', key), { containerName });
}

/** The post-restore hook that records a successful restore, so that the same RestoreSession created again is refused. */
export function guardMarkHook(key: string, containerName: string): Hook {
  return Hook.exec(guardCommand('mark', key), { containerName, executionPolicy: HookExecutionPolicy.ON_SUCCESS });
}
