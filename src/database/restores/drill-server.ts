import { Size } from 'cdk8s';

/** Props of `DrillServer.kubedb()`: the throwaway database KubeDB runs for each drill run. */
export interface KubeDbDrillServerProps {
  /**
   * KubeDB's PerconaXtraDBVersion (`spec.version`): a version of the same addon line as the
   * database's, so that the drill restores with the same Task.
   * @default - the drill's `version`
   */
  readonly version?: string;
  /**
   * Members of the throwaway cluster. KubeDB runs a PerconaXtraDB as a Galera cluster and refuses
   * fewer than 3.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Size of each member's data claim (`storageType: Durable`): at least the size of the restored
   * data. Without it the data lives in an emptyDir (`storageType: Ephemeral`), gone with the pod.
   * @default - Ephemeral storage
   */
  readonly storage?: Size;
  /**
   * StorageClass of the data claims (only with `storage`).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Who runs the throwaway database of a drill. */
export enum DrillServerKind {
  /** A Percona XtraDB server in the drill's own pod (a native sidecar on an emptyDir). */
  SIDECAR = 'Sidecar',
  /** A KubeDB `PerconaXtraDB` the drill creates for each run and deletes after it. */
  KUBEDB = 'KubeDB',
}

/**
 * The throwaway database a drill restores into: a server in the drill's own pod (the default,
 * no operator needed), or a KubeDB `PerconaXtraDB` (where KubeDB is installed: the restore runs
 * against a database exactly as KubeDB runs the real ones).
 *
 * ```ts
 * new PerconaXtraDbRestoreDrill(chart, 'drill', {
 *   database: 'orders', version: '8.0.36', repository: plan.repository,
 *   throwaway: DrillServer.kubedb({ storage: Size.gibibytes(20) }),
 * });
 * ```
 */
export class DrillServer {
  /** A Percona XtraDB server in the drill's pod, as a native sidecar on an emptyDir (the default). */
  public static sidecar(): DrillServer {
    return new DrillServer(DrillServerKind.SIDECAR, undefined);
  }

  /**
   * A KubeDB `PerconaXtraDB` named after the drill, created by each run with
   * `spec.init.waitForInitialRestore: true` and `deletionPolicy: WipeOut`, owned by the run's Job,
   * and deleted once the checks are done. The RestoreSession targets the AppBinding KubeDB
   * creates for it; the checks log in with the Secret KubeDB creates for it (`<name>-auth`).
   */
  public static kubedb(props: KubeDbDrillServerProps = {}): DrillServer {
    return new DrillServer(DrillServerKind.KUBEDB, props ?? {});
  }

  /** Who runs the throwaway database. */
  public readonly kind: DrillServerKind;
  /** The KubeDB database's props (for `DrillServerKind.KUBEDB`). */
  public readonly kubedbProps?: KubeDbDrillServerProps;

  private constructor(kind: DrillServerKind, kubedbProps: KubeDbDrillServerProps | undefined) {
    this.kind = kind;
    this.kubedbProps = kubedbProps;
  }
}
