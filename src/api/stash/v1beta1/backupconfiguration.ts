/** stash.appscode.com/v1beta1 BackupConfiguration: what to back up, where to, and how often. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import {
  backupHooks, backupTarget, condition, driver, emptyDirSettings, objectReference,
  persistentVolumeClaimTemplate, retentionPolicy, retryConfig, runtimeSettings, taskRef,
} from '../common';

export const backupConfigurationSpec = t.object({
  backupHistoryLimit: t.int32().doc('How many finished BackupSessions to keep.'),
  driver: driver,
  hooks: backupHooks.doc('Actions run before and after each backup.'),
  interimVolumeTemplate: persistentVolumeClaimTemplate
    .doc('A PersistentVolumeClaim where the dump is staged before restic uploads it.'),
  paused: t.boolean().doc('Stop scheduling new backups (running sessions finish).'),
  repository: objectReference.doc('The Repository to back up into.'),
  retentionPolicy: retentionPolicy.doc('Which old snapshots to keep after each backup.'),
  retryConfig: retryConfig.doc('How a failed backup session is retried.'),
  runtimeSettings: runtimeSettings.doc('Container and pod settings of the backup job (or sidecar).'),
  schedule: t.string().doc('Cron expression of when backups run, e.g. "0 */6 * * *".'),
  target: backupTarget.doc('What to back up.'),
  task: taskRef.doc('The Task that takes the backup, with parameter overrides.'),
  tempDir: emptyDirSettings.doc('Scratch directory of the backup job (restic cache and temporary files).'),
  timeOut: t.string().doc('Give up a backup session after this long, as a Go duration (e.g. 2h).'),
}, { required: ['retentionPolicy'] }).doc('What to back up, where to, when, and how.');
export type BackupConfigurationSpec = Infer<typeof backupConfigurationSpec>;

export const backupConfigurationPhase = t.enum(['Invalid', 'Ready', 'NotReady']);

export const backupConfigurationStatus = t.object({
  conditions: t.array(condition).doc('Observations of the configuration (repository found, backend secret found, CronJob created, ...).'),
  observedGeneration: t.int64().doc('The .metadata.generation this status was computed for.'),
  phase: backupConfigurationPhase.doc('Whether the configuration is ready to take backups.'),
}).doc('Whether the backup is set up.');
export type BackupConfigurationStatus = Infer<typeof backupConfigurationStatus>;

export const BACKUP_CONFIGURATION: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'BackupConfiguration',
  plural: 'backupconfigurations',
  singular: 'backupconfiguration',
  listKind: 'BackupConfigurationList',
  shortNames: ['bc'],
  categories: ['stash', 'appscode', 'all'],
  scope: 'Namespaced',
  description: 'BackupConfiguration schedules backups of one target into a Repository.',
  spec: backupConfigurationSpec,
  status: backupConfigurationStatus,
  printerColumns: [
    { name: 'Task', type: 'string', jsonPath: '.spec.task.name' },
    { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
