/**
 * What every per-database construct shares: metadata props, namespace resolution, and the
 * references (AppBinding, Repository) that Stash objects point at.
 */
import { ApiObjectMetadata, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** apiVersion of the AppBinding that database backups and restores target. */
export const APP_BINDING_API_VERSION = 'appcatalog.appscode.com/v1alpha1';
/** Kind of the AppBinding that database backups and restores target. */
export const APP_BINDING_KIND = 'AppBinding';

/** Metadata props of every construct that emits one Stash object. */
export interface StashObjectOptions {
  /**
   * Namespace of the object.
   * @default - the chart's namespace (none for a chart without one: kubectl's context decides)
   */
  readonly namespace?: string;
  /**
   * Extra labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations (for example Argo CD sync waves).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * The namespace an object of `scope` lands in: the explicit one, else the chart's.
 * @internal
 */
export function namespaceOf(scope: IConstruct, explicit?: string): string | undefined {
  return explicit ?? Chart.of(scope).namespace;
}

/**
 * cdk8s metadata from our options.
 * @internal
 */
export function metadataOf(name: string, options: StashObjectOptions): ApiObjectMetadata {
  return {
    name,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.labels ? { labels: { ...options.labels } } : {}),
    ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
  };
}

/** A Repository that Stash objects can reference: one of ours or an existing one. */
export interface IRepositoryRef {
  /** Name of the Repository. */
  readonly repositoryName: string;
  /**
   * Namespace of the Repository.
   * @default - the referencing object's namespace
   */
  readonly repositoryNamespace?: string;
}

/** A BackupConfiguration that an InstantBackup can trigger. */
export interface IBackupConfigurationRef {
  /** Name of the BackupConfiguration. */
  readonly backupConfigurationName: string;
  /**
   * Namespace of the BackupConfiguration.
   * @default - the chart's namespace
   */
  readonly backupConfigurationNamespace?: string;
}

/** An AppBinding that backups and restores target. */
export interface IAppBindingRef {
  /** Name of the AppBinding (for KubeDB databases, the database's name). */
  readonly appBindingName: string;
  /**
   * Namespace of the AppBinding.
   * @default - the referencing object's namespace
   */
  readonly appBindingNamespace?: string;
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
 * A map without its undefined entries (cdk8s keeps `key: undefined` out of YAML, tests compare).
 * @internal
 */
export function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
