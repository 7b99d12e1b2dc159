import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { StashObject, StashObjectOptions } from '../../core/stash-object';
import { NameRule } from '../../core/validation/names';
import { stringMapProblems } from '../../core/validation/metadata';
import { instanceProblems, problem, requiredProblems } from '../../core/validation/problems';
import { Backend, StorageSecretKey } from './backend';

/** Props of `StorageSecret`. */
export interface StorageSecretProps extends StashObjectOptions {
  /** Name of the Secret; Repositories reference it as `storageSecretName`. */
  readonly name: string;
  /** The backend whose keys the Secret holds. */
  readonly backend: Backend;
  /**
   * The values, by key (`RESTIC_PASSWORD`, `AWS_ACCESS_KEY_ID`, ...). They end up in the
   * synthesized YAML in clear text: pass them only from a source that never reaches Git (for
   * example an environment variable in a sealed pipeline), never literals in code.
   */
  readonly values: { [key: string]: string };
}

/**
 * The Secret that holds a backend's credentials and the restic password.
 *
 * stash-pxc never emits credentials on its own: a Repository only references the Secret by
 * name, and you create it out of band (`StorageSecret.kubectlCommand()` prints the command, or
 * use External Secrets / Sealed Secrets). This construct is for the cases where the caller
 * explicitly passes the values, and it checks that every key the backend needs is there.
 */
export class StorageSecret extends StashObject {
  /** Every key `backend` can use, with whether it is required and what it holds. */
  public static keysFor(backend: Backend): StorageSecretKey[] {
    return backend.secretKeys();
  }

  /** A `kubectl create secret generic` command that builds the Secret from files named after the keys. */
  public static kubectlCommand(backend: Backend, name: string, namespace?: string): string {
    const ns = namespace ? ` -n ${namespace}` : '';
    const files = backend.requiredSecretKeys.map((k) => ` \\\n    --from-file=./${k}`).join('');
    return `kubectl create secret generic${ns} ${name}${files}`;
  }

  /** The Secret object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: StorageSecretProps) {
    super(scope, id, { kind: 'Secret', name: props?.name, nameRule: NameRule.DNS_SUBDOMAIN, options: props });
    props = props ?? ({} as StorageSecretProps);
    const values = props.values ?? {};
    // stringData keeps the object readable; the API server stores it as data.
    const stringData = Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: this.metadata(),
      type: 'Opaque',
      stringData,
    });

    this.addProblems(() => {
        const missing = [
          ...requiredProblems(props, ['name', ['backend', 'pass the Backend whose keys the Secret holds'], ['values', 'pass the values by key']]),
          ...instanceProblems('backend', props.backend, Backend, 'pass Backend.s3({...}) or another Backend factory'),
        ];
        if (missing.length > 0) return missing;
        const out: string[] = [...stringMapProblems('values', props.values)];
        const known = new Set(props.backend.secretKeys().map((k) => k.key));
        for (const required of props.backend.requiredSecretKeys) {
          if (!props.values[required]) {
            out.push(problem(`values.${required}`, `is missing, and the ${props.backend.provider} backend needs it`, `pass values.${required}`));
          }
        }
        for (const k of Object.keys(props.values)) {
          if (!known.has(k)) {
            out.push(problem(`values.${k}`, `is not a key the ${props.backend.provider} backend reads`, `use only ${[...known].join(', ')}`));
          }
        }
        return out;
    });
  }
}
