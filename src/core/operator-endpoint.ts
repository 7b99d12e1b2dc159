/**
 * Where the app's Stash operator runs, for the per-database objects that must reach it (the
 * NetworkPolicy of the backup and restore Jobs). The install registers its operator with the app
 * root; the database room reads it back here, so neither room imports the other.
 */
import { IConstruct } from 'constructs';

/** The operator Pod as a NetworkPolicy peer sees it. */
export interface OperatorEndpoint {
  /** Construct path of the operator (for messages). */
  readonly path: string;
  /** Namespace of the operator Pod. */
  readonly namespace: string;
  /** The labels that select the operator Pod (its Deployment's selector). */
  readonly selectorLabels: { readonly [key: string]: string };
  /** Every label of the operator Pod. */
  readonly podLabels: { readonly [key: string]: string };
  /**
   * The URL of the Pushgateway the operator was given with `Pushgateway.external()`: Stash's Jobs
   * push there (the operator's `--pushgateway-url`), not to the operator's pod.
   */
  readonly externalPushgatewayUrl?: string;
  /** The URL of the Pushgateway the operator's Jobs push to (its `--pushgateway-url`): its own, or the external one. */
  readonly pushgatewayUrl?: string;
}

const OPERATORS = new WeakMap<IConstruct, OperatorEndpoint[]>();

/**
 * Registers an operator with `scope`'s app.
 * @internal
 */
export function registerOperatorEndpoint(scope: IConstruct, endpoint: OperatorEndpoint): void {
  const root = scope.node.root;
  OPERATORS.set(root, [...(OPERATORS.get(root) ?? []), endpoint]);
}

/**
 * The operators of `scope`'s app, in the order they were made. Read it at synth (in a lazy value
 * or a validation), when every construct exists, not in a constructor.
 * @internal
 */
export function operatorEndpointsOf(scope: IConstruct): readonly OperatorEndpoint[] {
  return OPERATORS.get(scope.node.root) ?? [];
}
