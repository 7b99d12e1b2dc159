/** stash-pxc: cdk8s constructs to back up and restore Percona XtraDB with Stash. */
export * from './api';
export * from './database/backend';
export * from './database/backup-alerts';
export * from './database/backup-options';
export * from './core/metadata';
export * from './database/hook';
export * from './database/instant-backup';
export * from './database/perconaxtradb-app-binding';
export * from './database/perconaxtradb-backup';
export * from './database/perconaxtradb-backup-blueprint';
export * from './database/perconaxtradb-backup-plan';
export * from './database/perconaxtradb-backup-fleet';
export * from './database/perconaxtradb-restore';
export * from './database/recovery-point';
export * from './database/repository';
export * from './database/retention-policy';
export * from './database/runtime-settings';
export * from './database/schedule';
export * from './database/schedule-window';
export * from './database/storage-secret';
export * from './core/validation';

// The constructs' names win over the same names of the wire types in './api' (which stay
// reachable as `api.Backend`, `api.RetentionPolicy`, ...).
export * as api from './api';
export { Backend } from './database/backend';
export { SecretTransform } from './database/perconaxtradb-app-binding';
export { RestoreRule } from './database/perconaxtradb-restore';
export { UsagePolicy } from './database/repository';
export { RetentionPolicy } from './database/retention-policy';
export { ContainerRuntimeSettings, PodRuntimeSettings, RuntimeSettings } from './database/runtime-settings';

// The system install: the CRDs, the Percona XtraDB catalog, the Stash operator and its parts
// (RBAC, certificates, webhooks, monitoring).
export * from './install/stash-crds';
export * from './install/perconaxtradb-catalog';
export * from './install/stash-operator';
export * from './install/admission-webhooks';
export * from './install/operator-api-services';
export { OperatorIdentity } from './install/operator-identity';
export * from './install/operator-license';
export * from './install/operator-rbac';
export * from './install/operator-service-monitors';
export * from './install/operator-alerts';
export * from './install/backup-dashboard';
export * from './install/operator-task-queue';
export * from './install/pushgateway';
export * from './install/serving-certificates';
