/**
 * stash-pxc: cdk8s constructs to back up and restore Percona XtraDB with Stash.
 *
 * Named exports only, by room. The Stash API's wire types (and the schema DSL our CRDs come
 * from) are the `api` namespace, so their names never clash with the constructs'.
 */

// The Stash and AppCatalog API as stash-pxc models it.
export * as api from './api';

// The core every construct stands on.
export { ExistingObjectOptions, IStashObjectRef, StashObject, StashObjectIdentity, StashObjectOptions } from './core/stash-object';
export { manifestProblems, schemaFor } from './core/validation/crd-check';
export { cronViolation, ParsedCron, parseCron } from './core/validation/cron';
export { annotationProblems, labelProblems } from './core/validation/metadata';
export { NameCheckOptions, nameProblems, NameRule, nameViolation, suggestName } from './core/validation/names';
export { problem, validateTree, within } from './core/validation/problems';
export { warningsOf } from './core/validation/warnings';
export {
  restrictedContainerProblems, restrictedContainerSecurityContext, restrictedPodProblems, restrictedPodSecurityContext,
} from './core/security-context';

// The per-database objects.
export {
  AzureBackendProps, B2BackendProps, Backend, BackendCheckOptions, BackendProvider, BucketBackendOptions, GcsBackendProps,
  HostPathType, HostPathVolumeOptions, LocalBackendProps, LocalVolume, LocalVolumeOptions, LocalVolumeType, NfsVolumeProps,
  RestBackendProps, S3BackendProps, StorageSecretKey, SwiftAuth, SwiftBackendProps,
} from './database/storage/backend';
export {
  BackupNetworkPolicy, BackupNetworkPolicyProps, EXTERNAL_PUSHGATEWAY_PORT, GALERA_PORT, INVOKER_LABEL, JobNetworkPolicyOptions, PushgatewayPeer, SST_PORT,
  STASH_BACKUP_COMPONENT, STASH_MANAGED_BY, STASH_RESTORE_COMPONENT,
} from './database/jobs/backup-network-policy';
export {
  BackupAlert, BackupAlertOptions, BlueprintAlertDatabase, BlueprintAlertOptions, DRILL_INTERVAL_SERIES, DRILL_METRIC_PREFIX, DRILL_OPT_OUT_SERIES, IRestoreDrill,
  LAST_SUCCESS_SERIES, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupAlertsProps, promDuration, RestoreDrillAlert, RestoreDrillAlertOptions, RPO_SERIES,
} from './database/observability/backup-alerts';
export { BackupRetryOptions, PerconaXtraDbBackupOptions } from './database/backups/backup-options';
export { Hook, HookExecutionPolicy, HookOptions, HttpHookOptions, HttpPostHookOptions, HttpScheme, TcpHookOptions } from './database/jobs/hook';
export { InstantBackup, InstantBackupProps } from './database/backups/instant-backup';
export {
  CLUSTER_RESTORE_CAPABILITIES, clusterRestoreJobContainerSecurityContext, clusterRestoreJobPodSecurityContext, JOB_RUN_AS_USER,
  POD_SECURITY_ENFORCE_LABEL, PodSecurityLevel, restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext,
} from './database/jobs/job-security';
export {
  BackupUserGrantOptions, GaleraClusterOptions, GARBD_CONFIG_API_VERSION, GARBD_CONFIG_KIND, PerconaXtraDbAppBinding, PerconaXtraDbAppBindingProps,
  SecretTransform, SstMethod, STASH_ADDON_API_VERSION, STASH_ADDON_KIND, StatefulSetPeersOptions,
} from './database/targets/perconaxtradb-app-binding';
export { PerconaXtraDbBackup, PerconaXtraDbBackupProps } from './database/backups/perconaxtradb-backup';
export { BackupCopiesOptions, BackupCopy, DEFAULT_COPY_GAP, PerconaXtraDbBackupCopy, PerconaXtraDbBackupCopyProps } from './database/backups/perconaxtradb-backup-copy';
export {
  DEFAULT_DRILL_PUSHGATEWAY_URL, DRILL_KUBECTL_IMAGE, DRILL_SCRIPTS, DRILL_LABEL, DRILL_SERVER_IMAGES, DRILL_SERVER_LABEL, DrillImage, MAX_DRILL_NAME, PERCONA_MYSQL_USER,
  PerconaXtraDbRestoreDrill, PerconaXtraDbRestoreDrillProps, RestoreDrillOptions, RowCountCondition, RowCountOperator, RowCountRule,
} from './database/restores/perconaxtradb-restore-drill';
export { DrillServer, DrillServerKind, KubeDbDrillServerProps } from './database/restores/drill-server';
export { KUBEDB_MAX_DATABASE_NAME, KUBEDB_MIN_REPLICAS, KUBEDB_PERCONAXTRADB_LINES } from './database/restores/drill-kubedb';
export {
  AutoBackupAnnotationOptions, BACKUP_BLUEPRINT_ANNOTATION, PARAMS_ANNOTATION_PREFIX, PerconaXtraDbBackupBlueprint,
  PerconaXtraDbBackupBlueprintProps, SCHEDULE_ANNOTATION,
} from './database/backups/perconaxtradb-backup-blueprint';
export { FleetDatabase, FleetDrillOptions, PerconaXtraDbBackupFleet, PerconaXtraDbBackupFleetProps } from './database/backups/perconaxtradb-backup-fleet';
export { PerconaXtraDbBackupPlan, PerconaXtraDbBackupPlanProps } from './database/backups/perconaxtradb-backup-plan';
export {
  ClusterRestoreOptions, MYSQL_DATA_DIR, PerconaXtraDbRestore, PerconaXtraDbRestoreOptions, PerconaXtraDbRestoreProps, POD_ORDINAL,
  RestoreRule, Snapshot, SnapshotInfo, VolumeAccessMode, VolumeClaimTemplate,
} from './database/restores/perconaxtradb-restore';
export { CloneDeletionPolicy, CloneMode, PerconaXtraDbClone, PerconaXtraDbCloneProps } from './database/restores/perconaxtradb-clone';
export { recoveryPointObjective } from './database/observability/recovery-point';
export { APP_BINDING_API_VERSION, APP_BINDING_KIND, IAppBindingRef, IBackupConfigurationRef, IRepositoryRef } from './database/targets/references';
export { Repository, RepositoryProps, UsagePolicy } from './database/storage/repository';
export { RetentionOptions, RetentionPolicy, RetentionPolicyProps } from './database/storage/retention-policy';
export {
  ContainerRuntimeSettings, IoNice, IoNiceClass, PodRuntimeSettings, RuntimeSettings, SecretKeyRef, TempDir, TempDirMedium,
} from './database/jobs/runtime-settings';
export { DailyScheduleOptions, HourlyScheduleOptions, MonthlyScheduleOptions, Schedule, ScheduleTarget, WeeklyScheduleOptions } from './database/backups/schedule';
export { DailyWindowOptions, ScheduleWindow, Weekday, WeeklyWindowOptions } from './database/backups/schedule-window';
export { StorageSecret, StorageSecretProps } from './database/storage/storage-secret';

// The once-per-cluster install: the CRDs, the Percona XtraDB catalog, the Stash operator and its
// parts (RBAC, certificates, webhooks, API services, Pushgateway, license, monitoring).
export {
  AdmissionWebhooks, AdmissionWebhooksOptions, AdmissionWebhooksProps, WebhookDefinition, WebhookFailurePolicy,
} from './install/admission-webhooks';
export {
  BACKUP_DASHBOARD_UID, BackupDashboard, BackupDashboardProps, backupDashboardJson, backupDashboardModel, GRAFANA_DASHBOARD_LABEL,
} from './install/backup-dashboard';
export { OperatorAlert, OperatorAlerts, OperatorAlertsProps } from './install/operator-alerts';
export { OperatorApiServices, OperatorApiServicesProps } from './install/operator-api-services';
export { OperatorIdentity } from './install/operator-identity';
export { OperatorLicense } from './install/operator-license';
export { OperatorRbac, OperatorRbacProps } from './install/operator-rbac';
export { OperatorMonitoringOptions, OperatorServiceMonitors, OperatorServiceMonitorsProps } from './install/operator-service-monitors';
export { OperatorTaskQueue, OperatorTaskQueueProps, TaskQueueOptions } from './install/operator-task-queue';
export { PerconaXtraDbAddonImage, PerconaXtraDbCatalog, PerconaXtraDbCatalogProps } from './install/perconaxtradb-catalog';
export { HealthProbesOptions, ProbeOptions } from './install/health-probes';
export { ImageReference, Pushgateway, PushgatewaySidecarOptions } from './install/pushgateway';
export { DEFAULT_PUSHGATEWAY_CLAIM_SIZE, PushgatewayClaimOptions, PushgatewayPersistence } from './install/pushgateway-persistence';
export {
  CertManagerIssuerReference, CertManagerServingCertificatesOptions, ProvidedServingCertificatesOptions, ServingCertificates,
  ServingCertificatesBinding, ServingCertificatesBindOptions,
} from './install/serving-certificates';
export { StashCrds, StashCrdsProps } from './install/stash-crds';
export { StashOperator, StashOperatorProps } from './install/stash-operator';
