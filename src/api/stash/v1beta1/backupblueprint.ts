/**
 * stash.appscode.com/v1beta1 BackupBlueprint: a template from which Stash creates the Repository
 * and BackupConfiguration of every annotated target (auto-backup).
 */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import {
  backend, backupHooks, emptyDirSettings, persistentVolumeClaimTemplate, retentionPolicy,
  retryConfig, runtimeSettings, taskRef, usagePolicy,
} from '../common';

export const backupBlueprintSpec = t.object({
  backend: backend.doc('Storage of the Repositories created from this blueprint; ${TARGET_*} variables may be used in prefixes.'),
  backupHistoryLimit: t.int32().doc('How many finished BackupSessions to keep.'),
  backupNamespace: t.string().doc('Namespace to create the BackupConfigurations in; defaults to the target\'s.'),
  hooks: backupHooks.doc('Actions run before and after each backup.'),
  interimVolumeTemplate: persistentVolumeClaimTemplate
    .doc('A PersistentVolumeClaim where the dump is staged before restic uploads it.'),
  repoNamespace: t.string().doc('Namespace to create the Repositories in; defaults to the target\'s.'),
  retentionPolicy: retentionPolicy.doc('Which old snapshots to keep after each backup.'),
  retryConfig: retryConfig.doc('How a failed backup session is retried.'),
  runtimeSettings: runtimeSettings.doc('Container and pod settings of the backup job (or sidecar).'),
  schedule: t.string().doc('Cron expression of when backups run, e.g. "0 */6 * * *".'),
  task: taskRef.doc('The Task that takes the backup, with parameter overrides.'),
  tempDir: emptyDirSettings.doc('Scratch directory of the backup job (restic cache and temporary files).'),
  timeOut: t.string().doc('Give up a backup session after this long, as a Go duration (e.g. 2h).'),
  usagePolicy: usagePolicy.doc('Which namespaces may use the Repositories created from this blueprint.'),
  wipeOut: t.boolean().doc('Delete the backed-up data when a created Repository is deleted.'),
}, { required: ['retentionPolicy'] }).doc('The Repository and BackupConfiguration settings applied to each auto-backup target.');
export type BackupBlueprintSpec = Infer<typeof backupBlueprintSpec>;

export const BACKUP_BLUEPRINT: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'BackupBlueprint',
  plural: 'backupblueprints',
  singular: 'backupblueprint',
  listKind: 'BackupBlueprintList',
  shortNames: ['bb'],
  categories: ['stash', 'appscode'],
  scope: 'Cluster',
  description: 'BackupBlueprint is the template of the Repository and BackupConfiguration that Stash creates for each target that asks for auto-backup.',
  spec: backupBlueprintSpec,
  printerColumns: [
    { name: 'Task', type: 'string', jsonPath: '.spec.task.name' },
    { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
