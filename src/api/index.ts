/** The Stash API as stash-pxc models it: every kind, its schema and its CRD metadata. */
import type { ResourceDefinition } from './crd';
import { BACKUP_SESSION } from './stash/v1beta1/backupsession';

export * from './crd';
export * from './schema';
export * from './structural';
export * from './stash/common';
export * from './stash/v1beta1/backupsession';

/** Every kind whose CRD stash-pxc generates, Stash first, AppBinding last. */
export const STASH_RESOURCES: readonly ResourceDefinition[] = [
  BACKUP_SESSION,
];
export * from './perconaxtradb';
