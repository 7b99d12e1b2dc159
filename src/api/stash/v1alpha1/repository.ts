/** stash.appscode.com/v1alpha1 Repository: where restic keeps the snapshots of a backup. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import { backend, typedObjectReference, usagePolicy } from '../common';

export const repositorySpec = t.object({
  backend: backend.doc('The storage (bucket or volume) that holds the restic repository.'),
  usagePolicy: usagePolicy.doc('Which namespaces may back up into or restore from this Repository.'),
  wipeOut: t.boolean().doc('Delete the backed-up data from the backend when the Repository is deleted.'),
}).doc('Where the repository lives and who may use it.');
export type RepositorySpec = Infer<typeof repositorySpec>;

export const repositoryStatus = t.object({
  firstBackupTime: t.dateTime().doc('When the first snapshot was taken.'),
  integrity: t.boolean().doc('Whether the last integrity check (restic check) passed.'),
  lastBackupTime: t.dateTime().doc('When the last successful snapshot was taken.'),
  observedGeneration: t.int64().doc('The .metadata.generation this status was computed for.'),
  references: t.array(typedObjectReference).doc('The BackupConfigurations and RestoreSessions that use this Repository.'),
  snapshotCount: t.int64().doc('How many snapshots the Repository holds.'),
  snapshotsRemovedOnLastCleanup: t.int64().doc('How many snapshots the retention policy removed last time.'),
  totalSize: t.string().doc('Size of the repository on the backend, e.g. 1.2 GiB.'),
}).doc('What Stash last observed in the repository.');
export type RepositoryStatus = Infer<typeof repositoryStatus>;

export const REPOSITORY: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1alpha1',
  kind: 'Repository',
  plural: 'repositories',
  singular: 'repository',
  listKind: 'RepositoryList',
  shortNames: ['repo'],
  categories: ['stash', 'appscode'],
  scope: 'Namespaced',
  description: 'Repository is a restic repository on a storage backend, where Stash keeps the snapshots of backups.',
  spec: repositorySpec,
  status: repositoryStatus,
  printerColumns: [
    { name: 'Integrity', type: 'boolean', jsonPath: '.status.integrity' },
    { name: 'Size', type: 'string', jsonPath: '.status.totalSize' },
    { name: 'Snapshot-Count', type: 'integer', jsonPath: '.status.snapshotCount' },
    { name: 'Last-Successful-Backup', type: 'date', format: 'date-time', jsonPath: '.status.lastBackupTime' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
