import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { crdNameOf, crdSpecOf, ResourceDefinition, STASH_RESOURCES } from '../api';
import { labelProblems } from '../core/validation/metadata';
import { guarded, problem } from '../core/validation/problems';

/** Props of `StashCrds`. */
export interface StashCrdsProps {
  /**
   * Also define the AppBinding CRD (appcatalog.appscode.com). KubeDB installs it on its own;
   * turn it off where KubeDB is present, or the two installs fight over the object.
   * @default true
   */
  readonly appBinding?: boolean;
  /**
   * Labels for every CRD.
   * @default - `app.kubernetes.io/name: stash` and `app.kubernetes.io/part-of: stash-pxc`
   */
  readonly labels?: { [key: string]: string };
}

/** The labels our CRDs carry unless told otherwise. */
export const CRD_LABELS = { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/part-of': 'stash-pxc' };

/**
 * The CustomResourceDefinitions of Stash (and AppBinding), generated from the API model in
 * `src/api`: names, scope, schema, status subresource and printer columns as upstream.
 */
export class StashCrds extends Construct {
  /** The CRD objects, by kind. */
  public readonly crds: { [kind: string]: ApiObject } = {};

  constructor(scope: Construct, id: string, props: StashCrdsProps = {}) {
    super(scope, id);
    const labels = props.labels ?? CRD_LABELS;
    this.node.addValidation({
      validate: () => guarded(() => [
        ...(props.appBinding !== undefined && typeof props.appBinding !== 'boolean'
          ? [problem('appBinding', `${JSON.stringify(props.appBinding)} is not true or false`, 'pass true or false')] : []),
        ...labelProblems('labels', props.labels),
      ]),
    });
    for (const def of STASH_RESOURCES) {
      if (def.group === 'appcatalog.appscode.com' && props.appBinding === false) continue;
      this.crds[def.kind] = StashCrds.crdObject(this, def, labels);
    }
  }

  private static crdObject(scope: Construct, def: ResourceDefinition, labels: { [key: string]: string }): ApiObject {
    return new ApiObject(scope, def.kind, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdNameOf(def), labels: typeof labels === 'object' && labels !== null ? { ...labels } : {} },
      spec: crdSpecOf(def),
    });
  }
}
