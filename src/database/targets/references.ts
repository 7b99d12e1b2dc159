/**
 * References between the per-database objects: a backup or restore names its Repository and
 * its target AppBinding; an InstantBackup names its BackupConfiguration. Each reference is a
 * construct of ours or an object that exists already (`Repository.fromRepositoryName()`).
 */
import { IStashObjectRef } from '../../core/stash-object';
import { IConstruct } from 'constructs';
import { unmatchedReferenceProblems } from '../../core/validation/app-checks';
import { problem } from '../../core/validation/problems';

/** apiVersion of the AppBinding that database backups and restores target. */
export const APP_BINDING_API_VERSION = 'appcatalog.appscode.com/v1alpha1';
/** Kind of the AppBinding that database backups and restores target. */
export const APP_BINDING_KIND = 'AppBinding';

/** A Repository that Stash objects can reference: a `Repository` or `Repository.fromRepositoryName()`. */
export interface IRepositoryRef extends IStashObjectRef {}

/** A BackupConfiguration that an InstantBackup can trigger: a `PerconaXtraDbBackup` or `PerconaXtraDbBackup.fromBackupConfigurationName()`. */
export interface IBackupConfigurationRef extends IStashObjectRef {}

/** An AppBinding that backups and restores target: a `PerconaXtraDbAppBinding` or `PerconaXtraDbAppBinding.fromAppBindingName()`. */
export interface IAppBindingRef extends IStashObjectRef {}

/**
 * Problems of a reference whose kind must be `kind` (a construct of another kind passed by mistake).
 * @internal
 */
export function referenceKindProblems(field: string, ref: IStashObjectRef | undefined, kind: string): string[] {
  if (ref === undefined || ref === null) return [problem(field, 'is missing', `pass a ${kind}`)];
  if (ref.kind !== kind) return [problem(field, `is a ${ref.kind} ("${ref.name}"), not a ${kind}`, `pass a ${kind}`)];
  return [];
}

/**
 * The `target.ref` of a database backup or restore.
 * @internal
 */
export function appBindingTargetRef(name: string, namespace?: string): { apiVersion: string; kind: string; name: string; namespace?: string } {
  return {
    apiVersion: APP_BINDING_API_VERSION,
    kind: APP_BINDING_KIND,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

/**
 * Names that Stash gives the Repositories and BackupConfigurations it creates from a
 * BackupBlueprint (`app-<database>`, or `<namespace>-app-<database>` with a repository or backup
 * namespace): an app cannot declare them, so references to them are not checked.
 */
const BLUEPRINT_MADE = /^([a-z0-9-]+-)?app-[a-z0-9]/;

/**
 * Problems of a reference by name (not a construct of ours) to a `kind` object in `namespace`
 * that the app should declare: see `unmatchedReferenceProblems`.
 * @internal
 */
export function namedReferenceProblems(scope: IConstruct, field: string, ref: IStashObjectRef, namespace: string | undefined, consequence: string, instead: string): string[] {
  if (ref.declaredElsewhere === true || typeof ref.name !== 'string' || BLUEPRINT_MADE.test(ref.name)) return [];
  return unmatchedReferenceProblems(scope, field, { kind: ref.kind, name: ref.name, namespace: ref.namespace ?? namespace, consequence, instead });
}
