/** The Stash API as stash-pxc models it: every kind, its schema and its CRD metadata. */
import { APP_BINDING } from './appcatalog/v1alpha1/appbinding';
import type { ResourceDefinition } from './crd';
import { REPOSITORY } from './stash/v1alpha1/repository';
import { BACKUP_BLUEPRINT } from './stash/v1beta1/backupblueprint';
import { BACKUP_CONFIGURATION } from './stash/v1beta1/backupconfiguration';
import { BACKUP_SESSION } from './stash/v1beta1/backupsession';
import { FUNCTION } from './stash/v1beta1/function';
import { RESTORE_SESSION } from './stash/v1beta1/restoresession';
import { TASK } from './stash/v1beta1/task';

export * from './crd';
export * from './json-schema';
export * from './schema';
export * from './structural';
export * from './stash/common';
export * from './stash/operator';
export * from './stash/v1alpha1/repository';
export * from './stash/v1beta1/backupconfiguration';
export * from './stash/v1beta1/backupsession';
export * from './stash/v1beta1/restoresession';
export * from './stash/v1beta1/task';
export * from './stash/v1beta1/function';
export * from './stash/v1beta1/backupblueprint';
export * from './appcatalog/v1alpha1/appbinding';

/** Every kind whose CRD stash-pxc generates, Stash first, AppBinding last. */
export const STASH_RESOURCES: readonly ResourceDefinition[] = [
  REPOSITORY,
  BACKUP_CONFIGURATION,
  BACKUP_SESSION,
  RESTORE_SESSION,
  TASK,
  FUNCTION,
  BACKUP_BLUEPRINT,
  APP_BINDING,
];
export * from './perconaxtradb';
