/** Small helpers for building objects. */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The namespace an object of `scope` lands in: the explicit one, else the chart's.
 * @internal
 */
export function namespaceOf(scope: IConstruct, explicit?: string): string | undefined {
  return explicit ?? Chart.of(scope).namespace;
}

/**
 * A map without its undefined entries (cdk8s keeps `key: undefined` out of YAML, tests compare).
 * @internal
 */
export function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
