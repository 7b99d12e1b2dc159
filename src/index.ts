/** stash-pxc: cdk8s constructs to back up and restore Percona XtraDB with Stash. */
export * from './api';
export * from './constructs/backend';
export * from './constructs/backup-options';
export * from './constructs/common';
export * from './constructs/hook';
export * from './constructs/instant-backup';
export * from './constructs/perconaxtradb-app-binding';
export * from './constructs/perconaxtradb-backup';
export * from './constructs/perconaxtradb-backup-blueprint';
export * from './constructs/perconaxtradb-backup-plan';
export * from './constructs/perconaxtradb-backup-fleet';
export * from './constructs/perconaxtradb-restore';
export * from './constructs/repository';
export * from './constructs/retention-policy';
export * from './constructs/runtime-settings';
export * from './constructs/schedule';
export * from './constructs/schedule-window';
export * from './constructs/storage-secret';
export * from './constructs/validation';

// The constructs' names win over the same names of the wire types in './api' (which stay
// reachable as `api.Backend`, `api.RetentionPolicy`, ...).
export * as api from './api';
export { Backend } from './constructs/backend';
export { SecretTransform } from './constructs/perconaxtradb-app-binding';
export { RestoreRule } from './constructs/perconaxtradb-restore';
export { UsagePolicy } from './constructs/repository';
export { RetentionPolicy } from './constructs/retention-policy';
export { ContainerRuntimeSettings, PodRuntimeSettings, RuntimeSettings } from './constructs/runtime-settings';

// The system install: the CRDs, the Percona XtraDB catalog, the Stash operator and its parts
// (RBAC, certificates, webhooks, monitoring).
export * from './constructs/stash-crds';
export * from './constructs/perconaxtradb-catalog';
export * from './constructs/stash-operator';
export * from './constructs/admission-webhooks';
export * from './constructs/operator-api-services';
export { OperatorIdentity } from './constructs/operator-identity';
export * from './constructs/operator-license';
export * from './constructs/operator-rbac';
export * from './constructs/operator-service-monitors';
export * from './constructs/operator-task-queue';
export * from './constructs/pushgateway';
export * from './constructs/serving-certificates';
