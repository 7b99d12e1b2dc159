/**
 * The default of every construct that makes Stash run a Job (BackupConfiguration,
 * BackupBlueprint, RestoreSession, and the plan and fleet helpers), synthesized in memory, with
 * or without stash-pxc's default security context: what the Job pod tests judge.
 */
import { App, Chart, Size, Testing } from 'cdk8s';
import {
  Backend, PerconaXtraDbBackup, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan,
  PerconaXtraDbCatalog, PerconaXtraDbRestore, POD_ORDINAL, Repository, RetentionPolicy, Schedule, ScheduleWindow,
} from '../../src';
import { Catalog, catalogOf } from './stash-job-pod';

/** Kinds of object the operator turns into Jobs. */
export const INVOKER_KINDS = ['BackupConfiguration', 'BackupBlueprint', 'RestoreSession'];

/** One construct's Job-making objects. */
export interface ConstructDefault {
  /** Which construct, for test names. */
  readonly construct: string;
  /** Its BackupConfigurations, BackupBlueprints and RestoreSessions. */
  readonly invokers: any[];
}

/** Every construct with only its required props; `defaultSecurityContext` as given (undefined: the default). */
export function constructDefaults(defaultSecurityContext?: boolean): ConstructDefault[] {
  const s = defaultSecurityContext === undefined ? {} : { defaultSecurityContext };
  const common = { schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5), ...s };
  const repository = Repository.fromRepositoryName('repo');
  const backend = Backend.gcs({ bucket: 'backups', prefix: 'p' });
  const builders: Array<[string, (chart: Chart) => void]> = [
    ['PerconaXtraDbBackup', (c) => new PerconaXtraDbBackup(c, 'x', { database: 'db', version: '8.0.36', repository, ...common })],
    ['PerconaXtraDbBackupBlueprint', (c) => new PerconaXtraDbBackupBlueprint(c, 'x', {
      name: 'bp', backend: Backend.gcs({ bucket: 'backups', prefix: '${TARGET_NAMESPACE}/${TARGET_NAME}' }), storageSecretName: 's', ...common,
    })],
    ['PerconaXtraDbBackupPlan', (c) => new PerconaXtraDbBackupPlan(c, 'x', {
      database: 'db', version: '8.0.36', backend, storageSecretName: 's', ...common, restore: { database: 'db2' },
    })],
    ['PerconaXtraDbBackupFleet', (c) => new PerconaXtraDbBackupFleet(c, 'x', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), retentionPolicy: RetentionPolicy.keepLast(5), storageSecretName: 's', ...s,
      databases: [{ name: 'db', namespace: 'demo', version: '5.7.44', backend }],
    })],
    ['PerconaXtraDbRestore', (c) => new PerconaXtraDbRestore(c, 'x', { database: 'db', version: '8.0.36', repository, ...s })],
    ['PerconaXtraDbRestore (cluster)', (c) => new PerconaXtraDbRestore(c, 'x', {
      database: 'db', version: '5.7.44', repository, ...s,
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-db-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] },
    })],
  ];
  return builders.map(([construct, build]) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    build(chart);
    return { construct, invokers: Testing.synth(chart).filter((o: any) => INVOKER_KINDS.includes(o.kind)) };
  });
}

/** Whether an invoker is a cluster restore (its Job needs root). */
export function isClusterRestore(invoker: any): boolean {
  return invoker.kind === 'RestoreSession' && (invoker.spec.target?.volumeClaimTemplates ?? []).length > 0;
}

/** The catalog every supported version's Jobs are built from. */
export function defaultCatalog(): Catalog {
  const app = new App();
  const chart = new Chart(app, 'catalog');
  new PerconaXtraDbCatalog(chart, 'catalog');
  return catalogOf(Testing.synth(chart));
}
