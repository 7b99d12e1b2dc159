/**
 * `StashObject`: the base of every construct that emits one object (a Stash custom resource,
 * an AppBinding, a Secret). It owns what every such object shares: the name and namespace, the
 * metadata props, the checks of all of them, and the API object.
 */
import { ApiObject, ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResourceDefinition } from '../api/crd';
import { StashApiObject } from './render';
import { duplicateObjectProblems, registerObject } from './validation/app-checks';
import { annotationProblems, labelProblems } from './validation/metadata';
import { nameProblems, NameRule } from './validation/names';
import { guarded, problem } from './validation/problems';

/** Metadata props of every construct that emits one object. */
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

/** An object that others reference by kind, name and namespace: one of ours, or one that exists already. */
export interface IStashObjectRef {
  /** Kind of the object (`Repository`, `BackupConfiguration`, `AppBinding`, ...). */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /**
   * Namespace of the object.
   * @default - the referencing object's namespace
   */
  readonly namespace?: string;
  /**
   * The object is created outside this app even though the app declares others of its kind in
   * that namespace, so the synth does not require the app to declare it.
   * @default false
   */
  readonly declaredElsewhere?: boolean;
}

/** Options of a reference by name (`Repository.fromRepositoryName()`, `PerconaXtraDbBackup.fromBackupConfigurationName()`). */
export interface ExistingObjectOptions {
  /**
   * The object is created outside this app (by hand, another app or a tool) although the app
   * declares others of its kind in that namespace. Without it, such a name is refused as a
   * likely typo, because the app is taken to declare every object of a kind in a namespace
   * where it declares one.
   * @default false
   */
  readonly declaredElsewhere?: boolean;
}

/** What a subclass tells `StashObject` about its object. */
export interface StashObjectIdentity {
  /** Kind of the object. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /** The rule the name must follow. */
  readonly nameRule: NameRule;
  /**
   * Why the name follows a stricter rule than the kind's own (shown in the message).
   * @default - none
   */
  readonly nameReason?: string;
  /**
   * The namespace, when the subclass decides it (otherwise the props' or the chart's).
   * @default - `options.namespace`, else the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Whether the kind is cluster-scoped (no namespace).
   * @default false
   */
  readonly clusterScoped?: boolean;
  /** The metadata props. */
  readonly options: StashObjectOptions;
}

/** Base of the constructs that emit one object: `name`, `namespace` and `apiObject`, checked alike. */
export abstract class StashObject extends Construct implements IStashObjectRef {
  /** Kind of the object. */
  public readonly kind: string;
  /** Name of the object. */
  public readonly name: string;
  /** Namespace of the object (undefined for cluster-scoped kinds, or a chart without namespace). */
  public readonly namespace?: string;
  /** The object, for escape hatches (`addJsonPatch`). */
  public abstract readonly apiObject: ApiObject;

  private readonly identity: StashObjectIdentity;

  protected constructor(scope: Construct, id: string, identity: StashObjectIdentity) {
    super(scope, id);
    // Props may be missing altogether from JavaScript; validation reports the required ones.
    identity = { ...identity, options: identity.options ?? {} };
    this.identity = identity;
    this.kind = identity.kind;
    this.name = identity.name;
    this.namespace = identity.clusterScoped ? undefined : identity.namespace ?? identity.options.namespace ?? Chart.of(this).namespace;
    this.addProblems(() => this.metadataProblems());
    registerObject(this, () => ({ kind: this.kind, name: this.name, namespace: this.namespace }));
    this.node.addValidation({ validate: () => guarded(() => duplicateObjectProblems(this)) });
  }

  /**
   * Adds a validation; a crash inside it (a prop of the wrong type from JavaScript) is reported
   * as a problem instead of a raw error.
   */
  protected addProblems(check: () => string[]): void {
    this.node.addValidation({ validate: () => guarded(check) });
  }

  /** The object's metadata: name, the explicit namespace (cdk8s adds the chart's), labels, annotations. */
  protected metadata(extraLabels?: { [key: string]: string }): ApiObjectMetadata {
    const { options } = this.identity;
    const namespace = this.identity.clusterScoped ? undefined : this.identity.namespace ?? options.namespace;
    const labels = options.labels || extraLabels ? { ...(options.labels ?? {}), ...(extraLabels ?? {}) } : undefined;
    return {
      name: this.name,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labels ? { labels } : {}),
      ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
    };
  }

  /** A custom resource of `resource` with this object's metadata and `spec` (wire JSON). */
  protected customResource(resource: ResourceDefinition, spec: object, extraLabels?: { [key: string]: string }): ApiObject {
    return new StashApiObject(this, 'Resource', { resource, metadata: this.metadata(extraLabels), spec });
  }

  private metadataProblems(): string[] {
    const { options, nameRule, nameReason } = this.identity;
    const chartNamespace = this.namespace !== undefined && this.namespace !== (this.identity.namespace ?? options.namespace);
    if (typeof this.name !== 'string') return [problem('name', `${JSON.stringify(this.name)} is not a string`, 'pass the name of the object')];
    return [
      ...nameProblems('name', this.name, nameRule, nameReason),
      ...nameProblems('namespace', this.namespace, NameRule.DNS_LABEL, chartNamespace ? "the chart's namespace" : undefined),
      ...labelProblems('labels', options.labels),
      ...annotationProblems('annotations', options.annotations),
    ];
  }
}
