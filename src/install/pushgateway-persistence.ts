/**
 * Where the Pushgateway sidecar keeps its `--persistence.file`: a PersistentVolumeClaim (one the
 * install creates, or one that exists), so the pushed series survive a reschedule of the operator
 * Pod (a node drain, an eviction, an upgrade that changes the Pod template). Without it the file
 * is on an emptyDir and every reschedule loses every series until each database next succeeds.
 */
import { Size } from 'cdk8s';
import { k8s, PersistentVolumeAccessMode } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { nameProblems, NameRule } from '../core/validation/names';
import { problem } from '../core/validation/problems';
import { quantity, sizeProblems } from '../core/validation/quantities';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** Options of `PushgatewayPersistence.newClaim()`. */
export interface PushgatewayClaimOptions {
  /**
   * Size of the claim. The file holds the last push of each group (a few KiB per database).
   * @default Size.gibibytes(1)
   */
  readonly size?: Size;
  /**
   * StorageClass of the claim (a DNS-1123 subdomain).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode of the claim. The Pushgateway writes the file, so `ReadOnlyMany` is refused.
   * @default PersistentVolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: PersistentVolumeAccessMode;
}

/** The claim size when none is given. */
export const DEFAULT_PUSHGATEWAY_CLAIM_SIZE = '1Gi';

/** The access modes in which the Pushgateway can write its file. */
const WRITABLE_MODES: string[] = [
  PersistentVolumeAccessMode.READ_WRITE_ONCE,
  PersistentVolumeAccessMode.READ_WRITE_ONCE_POD,
  PersistentVolumeAccessMode.READ_WRITE_MANY,
];

/**
 * A persistent volume for the Pushgateway sidecar's file. Pick one with a static method.
 *
 * The operator Deployment always replaces its Pod with the `Recreate` strategy (two operators must
 * never run at once), which a ReadWriteOnce claim needs as well: the old Pod releases the volume
 * before the new one, possibly on another node, mounts it.
 *
 * @example
 * Pushgateway.sidecar({ persistence: PushgatewayPersistence.newClaim({ size: Size.gibibytes(1) }) })
 */
export class PushgatewayPersistence {
  /** A PersistentVolumeClaim the install creates, named `<name>-pushgateway`. */
  public static newClaim(options: PushgatewayClaimOptions = {}): PushgatewayPersistence {
    return new PushgatewayPersistence(undefined, options);
  }

  /** A PersistentVolumeClaim that exists in the operator's namespace; the install never changes it. */
  public static existingClaim(claimName: string): PushgatewayPersistence {
    return new PushgatewayPersistence(claimName, undefined);
  }

  private constructor(
    /** The existing claim, when one is used. */
    public readonly existingClaimName: string | undefined,
    /** The options of the claim the install creates. */
    public readonly claimOptions: PushgatewayClaimOptions | undefined,
  ) {}

  /**
   * What is wrong with the persistence as given (fields relative to it); the construct that binds
   * it reports these at synth.
   */
  public problems(): string[] {
    if (this.claimOptions === undefined) {
      return nameProblems('existingClaim', this.existingClaimName ?? '', NameRule.DNS_SUBDOMAIN, 'a PersistentVolumeClaim name', { helmExpressions: true });
    }
    const options = this.claimOptions;
    if (options === null || typeof options !== 'object') {
      return [problem('newClaim', `${JSON.stringify(options)} is not claim options`, 'pass {} or { size: Size.gibibytes(1) }')];
    }
    const out: string[] = [];
    out.push(...sizeProblems('size', options.size, 1024, 'Size.mebibytes(1)'));
    if (options.storageClassName !== undefined) {
      out.push(...nameProblems('storageClassName', options.storageClassName, NameRule.DNS_SUBDOMAIN, 'a StorageClass name', { helmExpressions: true }));
    }
    if (options.accessMode !== undefined && !WRITABLE_MODES.includes(options.accessMode)) {
      out.push(problem('accessMode', `${JSON.stringify(options.accessMode)} is not one of ${WRITABLE_MODES.join(', ')} (the Pushgateway writes its file)`,
        'leave it out for ReadWriteOnce, or pick ReadWriteOncePod or ReadWriteMany'));
    }
    return out;
  }

  /** Creates the claim when needed and returns the name of the claim to mount. */
  public bind(scope: Construct, identity: OperatorIdentity): string {
    if (this.claimOptions === undefined) return String(this.existingClaimName ?? '');
    const options = this.claimOptions ?? {};
    const size = options.size !== undefined && sizeProblems('size', options.size, 1024).length === 0 ? quantity(options.size) : DEFAULT_PUSHGATEWAY_CLAIM_SIZE;
    const name = `${identity.name}-pushgateway`;
    new k8s.KubePersistentVolumeClaim(scope, 'PushgatewayClaim', {
      metadata: metadataOf(identity, name, true),
      spec: {
        accessModes: [options.accessMode ?? PersistentVolumeAccessMode.READ_WRITE_ONCE],
        ...(options.storageClassName !== undefined ? { storageClassName: options.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    });
    return name;
  }
}
