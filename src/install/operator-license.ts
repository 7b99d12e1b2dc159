/**
 * The license of the Stash Enterprise operator: a Secret with the key as `key.txt`, which the
 * operator reads through `--license-file`. Without one, the operator asks the license proxy
 * server of the cluster (if any) through the license APIService.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { nameProblems, NameRule } from '../core/validation/names';
import { problem } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** The Secret key that holds the license. */
export const LICENSE_SECRET_KEY = 'key.txt';
/** Where the operator reads the license Secret (mounted as a volume). */
export const LICENSE_MOUNT_PATH = '/var/run/secrets/appscode/license';

/**
 * The operator's license. Pick one with a static method.
 *
 * @example
 * OperatorLicense.fromSecret('stash-license')
 */
export class OperatorLicense {
  /** An existing Secret in the operator's namespace with the license as `key.txt`. */
  public static fromSecret(secretName: string): OperatorLicense {
    return new OperatorLicense(secretName, undefined);
  }

  /**
   * The license text itself; the install keeps it in a Secret named `<name>-license`. Mind that
   * the text then appears in the manifests.
   */
  public static fromKey(key: string): OperatorLicense {
    return new OperatorLicense(undefined, key);
  }

  private constructor(
    /** The existing Secret, when the license comes from one. */
    public readonly secretName: string | undefined,
    /** The license text, when the install creates the Secret. */
    public readonly key: string | undefined,
  ) {}

  /**
   * What is wrong with the license as given (fields relative to `license`); the construct that
   * binds it reports these at synth.
   */
  public problems(): string[] {
    if (this.key === undefined) {
      return nameProblems('secretName', this.secretName ?? '', NameRule.DNS_SUBDOMAIN, 'a Secret name', { helmExpressions: true });
    }
    if (typeof this.key !== 'string' || this.key.trim() === '') {
      return [problem('key', 'the license text is empty', 'pass the content of the license file to OperatorLicense.fromKey()')];
    }
    return [];
  }

  /** Creates the Secret when needed and returns the name of the Secret to mount. */
  public bind(scope: Construct, identity: OperatorIdentity): string {
    if (this.secretName !== undefined) return this.secretName;
    const name = `${identity.name}-license`;
    new k8s.KubeSecret(scope, 'LicenseSecret', {
      metadata: metadataOf(identity, name, true),
      type: 'Opaque',
      // Base64 in `data` (not `stringData`): the license spans lines and must reach the file verbatim.
      data: { [LICENSE_SECRET_KEY]: Buffer.from(String(this.key ?? ''), 'utf8').toString('base64') },
    });
    return name;
  }
}
