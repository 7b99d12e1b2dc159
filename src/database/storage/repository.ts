import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { REPOSITORY, RepositorySpec } from '../../api';
import { ExistingObjectOptions, StashObject, StashObjectOptions } from '../../core/stash-object';
import { nameProblems, NameRule } from '../../core/validation/names';
import { labelProblems } from '../../core/validation/metadata';
import { instanceProblems, problem, requiredProblems, within } from '../../core/validation/problems';
import { Backend } from './backend';
import { IRepositoryRef, namedReferenceProblems, referenceKindProblems } from '../targets/references';
import { StorageSecret } from './storage-secret';
import { locationOfBackend, registerRepositoryLocation, repositoryLocationProblems } from './repository-location';

/** Which namespaces may use a Repository (`spec.usagePolicy.allowedNamespaces`). */
export class UsagePolicy {
  /** Only objects in the Repository's own namespace (Stash's default). */
  public static sameNamespace(): UsagePolicy {
    return new UsagePolicy('Same');
  }

  /** Objects in any namespace. */
  public static allNamespaces(): UsagePolicy {
    return new UsagePolicy('All');
  }

  /** Objects in namespaces that carry all these labels. */
  public static namespacesWithLabels(labels: { [key: string]: string }): UsagePolicy {
    return new UsagePolicy('Selector', { matchLabels: { ...(labels ?? {}) } });
  }

  /** Objects in the named namespaces (matched by their `kubernetes.io/metadata.name` label). */
  public static namespaces(names: string[]): UsagePolicy {
    return new UsagePolicy('Selector', {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: Array.isArray(names) ? [...names] : [] }],
    }, Array.isArray(names) ? names : []);
  }

  private constructor(
    private readonly from: 'Same' | 'All' | 'Selector',
    private readonly selector?: { matchLabels?: { [key: string]: string }; matchExpressions?: Array<{ key: string; operator: string; values: string[] }> },
    private readonly names?: string[],
  ) {}

  /**
   * Whether an object in `namespace` may use a Repository in `home` under this policy, or
   * undefined when it depends on namespace labels that only the cluster knows.
   */
  public allows(home: string | undefined, namespace: string | undefined): boolean | undefined {
    if (this.from === 'All' || home === namespace) return true;
    if (this.from === 'Same') return false;
    if (this.names) return namespace !== undefined && this.names.includes(namespace);
    return undefined;
  }

  /** Problems of the policy, each starting with `field`. */
  public problems(field: string): string[] {
    const out: string[] = [];
    if (this.names) {
      if (this.names.length === 0) out.push(problem(field, 'UsagePolicy.namespaces() got no namespace', 'name at least one namespace, or use UsagePolicy.sameNamespace()'));
      for (const n of this.names) out.push(...nameProblems(`${field}.namespaces`, n, NameRule.DNS_LABEL));
    }
    // Namespace labels are labels: the selector's keys and values follow the same rules.
    out.push(...labelProblems(`${field}.namespacesWithLabels`, this.selector?.matchLabels));
    if (this.selector?.matchLabels && Object.keys(this.selector.matchLabels).length === 0) {
      out.push(problem(field, 'UsagePolicy.namespacesWithLabels() got no label, which would select every namespace', 'pass at least one label, or use UsagePolicy.allNamespaces() if that is meant'));
    }
    return out;
  }

  /** The `usagePolicy` JSON. */
  public toJson(): { [key: string]: any } {
    return { allowedNamespaces: { from: this.from, ...(this.selector ? { selector: this.selector } : {}) } };
  }
}

/** Props of `Repository`. */
export interface RepositoryProps extends StashObjectOptions {
  /** Name of the Repository. */
  readonly name: string;
  /** Where the snapshots are stored. */
  readonly backend: Backend;
  /**
   * Name of the Secret (same namespace) with the restic password and the backend's
   * credentials; `backend.requiredSecretKeys` lists the keys it must hold.
   */
  readonly storageSecretName: string;
  /**
   * Delete the backed-up data from the backend when the Repository object is deleted. Leave
   * off unless the data is disposable: a `kubectl delete` or a GitOps prune then erases
   * every snapshot.
   * @default false
   */
  readonly wipeOut?: boolean;
  /**
   * Which namespaces may back up to or restore from this Repository.
   * @default - Stash's default: the Repository's namespace only
   */
  readonly usagePolicy?: UsagePolicy;
  /**
   * Also emit the storage Secret with these values. They appear in clear text in the
   * synthesized YAML, so this is only for values that never reach Git; see `StorageSecret`.
   * @default - no Secret is emitted: create it out of band
   */
  readonly storageSecretValues?: { [key: string]: string };
}

/**
 * A Stash Repository (stash.appscode.com/v1alpha1): a restic repository in a backend, with the
 * Secret that unlocks it referenced by name.
 *
 * ```ts
 * const repo = new Repository(chart, 'repo', {
 *   name: 'gcs-repo-sample-xtradb',
 *   backend: Backend.gcs({ bucket: 'my-backups', prefix: 'demo/sample-xtradb' }),
 *   storageSecretName: 'gcs-secret',
 * });
 * ```
 */
export class Repository extends StashObject implements IRepositoryRef {
  /**
   * A Repository that exists already, by name. Where the app declares Repositories in that
   * namespace, the name must be one of them (or `options.declaredElsewhere`); prefer passing the
   * Repository construct (`plan.repository`).
   */
  public static fromRepositoryName(name: string, namespace?: string, options: ExistingObjectOptions = {}): IRepositoryRef {
    return { kind: REPOSITORY.kind, name, namespace, ...(options?.declaredElsewhere ? { declaredElsewhere: true } : {}) };
  }

  /** The backend. */
  public readonly backend: Backend;
  /** The usage policy. */
  public readonly usagePolicy: UsagePolicy;
  /** The storage Secret, when `storageSecretValues` was passed. */
  public readonly storageSecret?: StorageSecret;
  /** The Repository object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RepositoryProps) {
    super(scope, id, { kind: REPOSITORY.kind, name: props?.name, nameRule: NameRule.DNS_SUBDOMAIN, options: props });
    props = props ?? ({} as RepositoryProps);
    this.backend = props.backend;
    this.usagePolicy = props.usagePolicy ?? UsagePolicy.sameNamespace();

    if (props.storageSecretValues !== undefined) {
      this.storageSecret = new StorageSecret(this, 'StorageSecret', {
        name: props.storageSecretName,
        namespace: props.namespace,
        backend: props.backend,
        values: props.storageSecretValues,
      });
    }

    const spec: RepositorySpec = {
      backend: { ...backendJsonOf(props.backend), storageSecretName: props.storageSecretName },
      ...(props.wipeOut !== undefined ? { wipeOut: props.wipeOut } : {}),
      ...(props.usagePolicy instanceof UsagePolicy ? { usagePolicy: props.usagePolicy.toJson() } : {}),
    };
    this.apiObject = this.customResource(REPOSITORY, spec);
    registerRepositoryLocation(this, () => locationOfBackend(props.backend, this.namespace));

    this.addProblems(() => {
      const missing = [
        ...requiredProblems(props, ['name', ['backend', 'pass backend, e.g. Backend.s3({...})'], ['storageSecretName', 'pass the name of the storage Secret']]),
        ...instanceProblems('backend', props.backend, Backend, 'pass Backend.s3({...}) or another Backend factory'),
        ...instanceProblems('usagePolicy', props.usagePolicy, UsagePolicy, 'pass UsagePolicy.sameNamespace() or another UsagePolicy factory'),
      ];
      if (missing.length > 0) return missing;
      return [
        ...nameProblems('storageSecretName', props.storageSecretName, NameRule.DNS_SUBDOMAIN),
        ...within('backend', props.backend.problems()),
        ...(props.usagePolicy ? props.usagePolicy.problems('usagePolicy') : []),
        ...repositoryLocationProblems(this),
      ];
    });
  }

  /**
   * Problems of using this Repository from an object in `namespace`, for the referencing
   * construct to report under `field`.
   */
  public usageProblems(field: string, namespace: string | undefined): string[] {
    if (this.usagePolicy.allows(this.namespace, namespace) !== false) return [];
    return [problem(field, `Repository "${this.name}" is in namespace "${this.namespace ?? '(none)'}" and its usage policy does not allow namespace "${namespace ?? '(none)'}"`,
      'create the Repository in the same namespace, or give it usagePolicy: UsagePolicy.namespaces([...]) or UsagePolicy.allNamespaces()')];
  }
}

/**
 * Problems of referencing `repo` from an object in `namespace` (only our own Repositories can be checked).
 * @internal
 */
export function repositoryUsageProblems(field: string, repo: IRepositoryRef, namespace: string | undefined, scope?: IConstruct, consequence = 'Stash could not find it'): string[] {
  const wrongKind = referenceKindProblems(field, repo, REPOSITORY.kind);
  if (wrongKind.length > 0) return wrongKind;
  if (repo instanceof Repository) return repo.usageProblems(field, namespace);
  if (typeof repo.name !== 'string') return [problem(`${field}.name`, 'is not a string', 'pass Repository.fromRepositoryName("name")')];
  const names = [...nameProblems(`${field}.name`, repo.name, NameRule.DNS_SUBDOMAIN), ...nameProblems(`${field}.namespace`, repo.namespace, NameRule.DNS_LABEL)];
  if (names.length > 0 || !scope) return names;
  return namedReferenceProblems(scope, `${field}.name`, repo, namespace, consequence, 'the Repository construct (e.g. plan.repository)');
}

/**
 * The `repository` reference of a BackupConfiguration or RestoreSession.
 * @internal
 */
export function repositoryRef(repo: IRepositoryRef, from: string | undefined): { name: string; namespace?: string } {
  const ns = repo?.namespace;
  return { name: repo?.name, ...(ns !== undefined && ns !== from ? { namespace: ns } : {}) };
}


/**
 * The backend's JSON, or nothing for a backend that cannot render (props of the wrong type
 * from JavaScript; its validation reports them).
 * @internal
 */
export function backendJsonOf(backend: Backend | undefined): { [key: string]: any } {
  if (!(backend instanceof Backend)) return {};
  try {
    return backend.toJson();
  } catch {
    return {};
  }
}
