/**
 * What Stash does with a refused restore, modelled from its code (the facts: names, reasons,
 * message formats; the code is ours). Two refusals exist:
 *
 * 1. A standalone restore's preRestore exec hook exits non-zero (the restore guard):
 *    - the exec runner (`kmodules.xyz/prober`, as stashed/stash vendors it: `probe/exec/exec.go`
 *      captures stdout and stderr into buffers of its own and drops them, `client-go/tools/exec`
 *      `ExecIntoPod` returns "" and `could not execute: <stream error>`, `probe/prober.go`
 *      `handleProbeFailure`) fails with `failed to execute "exec" probe. Error: <that>. Response: `:
 *      the command's output is not in it;
 *    - `stash run-hook` (`pkg/cmds/run_hook.go`, `handlePreTaskHookFailure`) marks the host
 *      `Failed` with that error and fails its container, so the restore step never runs;
 *    - the status updater (`pkg/status`, `UpdatePostRestoreStatus`), running as the restore Job's
 *      ServiceAccount, raises a Warning Event on the RestoreSession per host: reason
 *      `Host Restore Failed`, source `Status Updater`, message `restore failed for host "<host>".
 *      Reason: <error>` (`pkg/eventer`, `invoker.RestoreSessionInvoker.CreateEvent`);
 *    - the phase: `Failed` (a failed host). The operator's controller before the invoker rewrite
 *      (`pkg/controller/restore_session.go`, `getRestoreSessionPhase` and
 *      `setRestoreSessionFailed`) then raised its own Warning Event, reason `RestoreSession Failed`,
 *      message `Restore session failed to complete. Reason: restore failed for host: <host>.
 *      Reason: <error>`; the invoker-based operator computes the phase while the Job writes the
 *      status and skips a RestoreSession that is already `Failed`, so it raises none.
 * 2. A cluster restore whose claim exists: `CreateBatchPVC` creates each claim with a plain Create;
 *    the API server's AlreadyExists fails `ensureRestoreJob`, and
 *    `handleRestoreJobCreationFailure` raises a Warning Event, reason `Restore Job Creation
 *    Failed`, message `failed to create restore job. Reason: <error>`, as the operator's
 *    ServiceAccount, before any restore Job exists.
 *
 * Every Event names the RestoreSession as its involvedObject and is named
 * `<restoresession>.<unix nanoseconds in hex>` in its namespace.
 */

/** The Event reason the status updater gives a failed host (stashed/stash `pkg/eventer`). */
export const HOST_RESTORE_FAILED = 'Host Restore Failed';
/** The Event source of the status updater. */
export const STATUS_UPDATER = 'Status Updater';
/** The Event reason of the pre-invoker operator's failed RestoreSession. */
export const RESTORE_SESSION_FAILED = 'RestoreSession Failed';
/** The Event reason of a restore Job the operator could not create (its claims included). */
export const RESTORE_JOB_CREATION_FAILED = 'Restore Job Creation Failed';
/** The Event source of the operator's RestoreSession controller. */
export const RESTORE_SESSION_CONTROLLER = 'RestoreSession Controller';

/** The parts of a core/v1 Event the operator and the status updater set. */
export interface StashEvent {
  readonly type: 'Warning' | 'Normal';
  readonly reason: string;
  readonly message: string;
  readonly source: { readonly component: string };
  readonly involvedObject: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
}

/** A RestoreSession, as far as its events need it. */
export interface RestoreSessionRef {
  readonly namespace: string;
  readonly name: string;
}

function eventOn(rs: RestoreSessionRef, reason: string, component: string, message: string): StashEvent {
  return {
    type: 'Warning', reason, message, source: { component },
    involvedObject: { apiVersion: 'stash.appscode.com/v1beta1', kind: 'RestoreSession', namespace: rs.namespace, name: rs.name },
  };
}

/** The error of an exec hook that exited non-zero: the runner keeps no output (`Response:` is empty). */
export function execHookError(streamError: string): string {
  return `failed to execute "exec" probe. Error: could not execute: ${streamError}. Response: `;
}

/** What a user can read of a failed preRestore hook: the host's stats, the phase and the Events. */
export interface HookRefusal {
  readonly phase: 'Failed';
  readonly stats: ReadonlyArray<{ readonly hostname: string; readonly phase: 'Failed'; readonly error: string }>;
  /** Raised by the restore Job's status updater (every version with `handlePreTaskHookFailure`). */
  readonly jobEvents: readonly StashEvent[];
  /** Raised by the operator: the pre-invoker controller only; the invoker-based one raises none. */
  readonly legacyOperatorEvents: readonly StashEvent[];
}

/** The preRestore hook of `rs` failed on `hostname` (`host-0` for a standalone restore) with `hookError`. */
export function preRestoreHookRefusal(rs: RestoreSessionRef, hostname: string, hookError: string): HookRefusal {
  return {
    phase: 'Failed',
    stats: [{ hostname, phase: 'Failed', error: hookError }],
    jobEvents: [eventOn(rs, HOST_RESTORE_FAILED, STATUS_UPDATER, `restore failed for host "${hostname}". Reason: ${hookError}`)],
    legacyOperatorEvents: [eventOn(rs, RESTORE_SESSION_FAILED, RESTORE_SESSION_CONTROLLER,
      `Restore session failed to complete. Reason: restore failed for host: ${hostname}. Reason: ${hookError}`)],
  };
}

/** The Event the operator raises when it cannot create a restore Job (e.g. a claim that exists). */
export function restoreJobCreationFailedEvent(rs: RestoreSessionRef, error: string): StashEvent {
  return eventOn(rs, RESTORE_JOB_CREATION_FAILED, RESTORE_SESSION_CONTROLLER, `failed to create restore job. Reason: ${error}`);
}

/** The API server's message when a claim of that name exists (the AlreadyExists status). */
export function claimExistsError(claim: string): string {
  return `persistentvolumeclaims "${claim}" already exists`;
}

/**
 * The claims the operator creates for ordinal `ordinal` of a cluster restore, as
 * `resolve.GetPVCFromVolumeClaimTemplates` builds them: each template converted to a core
 * PersistentVolumeClaim (name, labels, annotations, spec) and `${POD_ORDINAL}` replaced by the
 * ordinal everywhere in it (an envsubst of its JSON with that one variable). Assumes what our
 * constructs render: no other `${...}` variable, no namespace in the template (the operator
 * creates the claim in the RestoreSession's namespace) and no owner (the claims outlive the
 * RestoreSession).
 */
export function claimsForOrdinal(restoreSession: any, ordinal: number): any[] {
  const templates: any[] = restoreSession.spec?.target?.volumeClaimTemplates ?? [];
  return templates.map((t) => {
    const claim = {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: t.metadata.name, namespace: restoreSession.metadata.namespace,
        ...(t.metadata.labels ? { labels: t.metadata.labels } : {}), ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}) },
      spec: t.spec,
    };
    return JSON.parse(JSON.stringify(claim).split('${POD_ORDINAL}').join(String(ordinal)));
  });
}
