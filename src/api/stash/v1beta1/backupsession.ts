/** stash.appscode.com/v1beta1 BackupSession: one run of a backup. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import { condition } from '../common';

export const backupSessionSpec = t.object({
  invoker: t.object({
    apiGroup: t.string().doc('API group of the invoker (stash.appscode.com).'),
    kind: t.string().doc('Kind of the invoker: BackupConfiguration or BackupBatch.'),
    name: t.string().doc('Name of the invoker.'),
  }, { required: ['kind', 'name'] }).doc('The object that triggered this session.'),
  retryLeft: t.int32().doc('How many more times a failed session is retried.'),
}).doc('Which BackupConfiguration this session runs for.');
export type BackupSessionSpec = Infer<typeof backupSessionSpec>;

export const backupSessionPhase = t.enum(['Pending', 'Skipped', 'Running', 'Succeeded', 'Failed', 'Unknown']);

const hostBackupStats = t.object({
  duration: t.string().doc('How long the backup of this host took.'),
  error: t.string().doc('Why the backup of this host failed.'),
  hostname: t.string().doc('Name of the host (or the alias of the target).'),
  phase: t.enum(['Succeeded', 'Failed']).doc('Outcome of the backup of this host.'),
  snapshots: t.array(t.object({
    fileStats: t.object({
      modifiedFiles: t.int64().doc('Files changed since the previous snapshot.'),
      newFiles: t.int64().doc('Files added since the previous snapshot.'),
      totalFiles: t.int64().doc('Files in the snapshot.'),
      unmodifiedFiles: t.int64().doc('Files unchanged since the previous snapshot.'),
    }).doc('How many files the snapshot holds and how they changed.'),
    name: t.string().doc('ID of the snapshot.'),
    path: t.string().doc('The path that this snapshot holds.'),
    processingTime: t.string().doc('How long restic took for this snapshot.'),
    totalSize: t.string().doc('Size of the backed-up data.'),
    uploaded: t.string().doc('How much new data was uploaded to the backend.'),
  })).doc('The snapshots taken of this host.'),
});

export const backupSessionStatus = t.object({
  conditions: t.array(condition).doc('Observations of the session (hooks run, backup job created, ...).'),
  nextRetry: t.dateTime().doc('When the next retry of a failed session starts.'),
  phase: backupSessionPhase.doc('State of the session as a whole.'),
  retried: t.boolean().doc('Whether a retry session was already created for this one.'),
  sessionDeadline: t.dateTime().doc('When the session times out (from the timeOut of the invoker).'),
  sessionDuration: t.string().doc('How long the session took.'),
  targets: t.array(t.object({
    conditions: t.array(condition).doc('Observations of the backup of this target.'),
    phase: t.enum(['Pending', 'Succeeded', 'Running', 'Failed']).doc('State of the backup of this target.'),
    postBackupActions: t.array(t.string()).doc('Actions run after the backup of this target (e.g. InitializeBackendRepository).'),
    preBackupActions: t.array(t.string()).doc('Actions run before the backup of this target.'),
    ref: t.object({
      apiVersion: t.string().doc('API version of the target.'),
      kind: t.string().doc('Kind of the target.'),
      name: t.string().doc('Name of the target.'),
      namespace: t.string().doc('Namespace of the target.'),
    }).doc('The target this entry reports on.'),
    stats: t.array(hostBackupStats).doc('Outcome of the backup per host of this target.'),
    totalHosts: t.int32().doc('How many hosts of this target are backed up.'),
  })).doc('State of the backup per target.'),
}).doc('Progress and outcome of the backup, per target and host.');
export type BackupSessionStatus = Infer<typeof backupSessionStatus>;

export const BACKUP_SESSION: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'BackupSession',
  plural: 'backupsessions',
  singular: 'backupsession',
  listKind: 'BackupSessionList',
  categories: ['stash', 'appscode', 'all'],
  scope: 'Namespaced',
  description: 'BackupSession is one run of the backup that a BackupConfiguration describes.',
  spec: backupSessionSpec,
  status: backupSessionStatus,
  printerColumns: [
    { name: 'Invoker-Type', type: 'string', jsonPath: '.spec.invoker.kind' },
    { name: 'Invoker-Name', type: 'string', jsonPath: '.spec.invoker.name' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Duration', type: 'string', jsonPath: '.status.sessionDuration' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
