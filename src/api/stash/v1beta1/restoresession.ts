/** stash.appscode.com/v1beta1 RestoreSession: one restore from a Repository into a target. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import {
  condition, driver, emptyDirSettings, objectReference, persistentVolumeClaimTemplate,
  restoreHooks, restoreRule, restoreTarget, runtimeSettings, taskRef,
} from '../common';

export const restoreSessionSpec = t.object({
  driver: driver,
  hooks: restoreHooks.doc('Actions run before and after the restore.'),
  interimVolumeTemplate: persistentVolumeClaimTemplate
    .doc('A PersistentVolumeClaim where restic stages the data before it is loaded into the target.'),
  repository: objectReference.doc('The Repository to restore from.'),
  rules: t.array(restoreRule).doc('Deprecated: use target.rules.'),
  runtimeSettings: runtimeSettings.doc('Container and pod settings of the restore job (or init container).'),
  target: restoreTarget.doc('What to restore into.'),
  task: taskRef.doc('The Task that does the restore, with parameter overrides.'),
  tempDir: emptyDirSettings.doc('Scratch directory of the restore job (restic cache and temporary files).'),
  timeOut: t.string().doc('Give up the restore after this long, as a Go duration (e.g. 2h).'),
}).doc('What to restore, from where, and how.');
export type RestoreSessionSpec = Infer<typeof restoreSessionSpec>;

export const restoreSessionPhase = t.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', 'Invalid']);

export const hostRestoreStats = t.object({
  duration: t.string().doc('How long the restore of this host took.'),
  error: t.string().doc('Why the restore of this host failed.'),
  hostname: t.string().doc('Name of the host (or the alias of the target).'),
  phase: t.enum(['Succeeded', 'Failed', 'Running', 'Unknown']).doc('State of the restore of this host.'),
});
export type HostRestoreStats = Infer<typeof hostRestoreStats>;

export const restoreSessionStatus = t.object({
  conditions: t.array(condition).doc('Observations of the restore (repository found, job created, ...).'),
  phase: restoreSessionPhase.doc('State of the restore as a whole.'),
  sessionDeadline: t.dateTime().doc('When the restore times out (from spec.timeOut).'),
  sessionDuration: t.string().doc('How long the restore took.'),
  stats: t.array(hostRestoreStats).doc('State of the restore per host.'),
  totalHosts: t.int32().doc('How many hosts are restored.'),
}).doc('Progress and outcome of the restore.');
export type RestoreSessionStatus = Infer<typeof restoreSessionStatus>;

export const RESTORE_SESSION: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'RestoreSession',
  plural: 'restoresessions',
  singular: 'restoresession',
  listKind: 'RestoreSessionList',
  shortNames: ['restore'],
  categories: ['stash', 'appscode', 'all'],
  scope: 'Namespaced',
  description: 'RestoreSession restores snapshots from a Repository into a target.',
  spec: restoreSessionSpec,
  status: restoreSessionStatus,
  printerColumns: [
    { name: 'Repository', type: 'string', jsonPath: '.spec.repository.name' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Duration', type: 'string', jsonPath: '.status.sessionDuration' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
