/**
 * A small typed builder for structural OpenAPI v3 schemas.
 *
 * Every Stash kind is declared once with these builders: the declaration gives the CRD schema
 * (via `toJson()`) and, through `Infer<>`, the TypeScript type of the same object, so the two
 * can never disagree.
 */
import type { JSONSchemaProps } from './json-schema';
import { resolveKubernetesSchema } from './k8s-openapi';

/** A schema node that carries the TypeScript type `T` of the values it accepts. */
export class Schema<T> {
  /** Phantom member: only the type checker reads it. */
  declare readonly __type?: T;

  /** @param build produces the JSON form; lazy so that Kubernetes references resolve on demand. */
  constructor(private readonly build: () => JSONSchemaProps) {}

  /** Returns a copy with a `description` (shown by `kubectl explain`). */
  public doc(description: string): Schema<T> {
    return this.with({ description });
  }

  /** Returns a copy with a server-side `default`. */
  public withDefault(value: T): Schema<T> {
    return this.with({ default: value });
  }

  /** Returns a copy with extra schema keywords merged in. */
  public with(extra: JSONSchemaProps): Schema<T> {
    return new Schema<T>(() => ({ ...this.build(), ...extra }));
  }

  /** The JSON schema of this node. */
  public toJson(): JSONSchemaProps {
    return this.build();
  }
}

/** The value type a schema accepts. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = { [name: string]: Schema<unknown> };
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object type of a shape whose keys in `R` are required. */
export type ObjectOf<P extends Shape, R extends keyof P> = Simplify<
  { [K in R]-?: Infer<P[K]> } & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

/** Any Kubernetes object embedded by reference; typed loosely on purpose (see `t.k8s`). */
export interface KubernetesValue {
  [key: string]: unknown;
}

/** Options of `t.object`. */
export interface ObjectOptions<K> {
  /** Keys that must be present. */
  readonly required?: readonly K[];
  /** `x-kubernetes-map-type` of the object. */
  readonly mapType?: 'atomic' | 'granular';
}

/** Options of `t.array`. */
export interface ArrayOptions {
  /** `x-kubernetes-list-type` of the list. */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys`, with `listType: 'map'`. */
  readonly mapKeys?: readonly string[];
}

/** The builders. */
export const t = {
  string(): Schema<string> {
    return new Schema(() => ({ type: 'string' }));
  },
  /** A string restricted to the given values. */
  enum<E extends string>(values: readonly E[]): Schema<E> {
    return new Schema(() => ({ type: 'string', enum: [...values] }));
  },
  /** An RFC 3339 timestamp (metav1.Time). */
  dateTime(): Schema<string> {
    return new Schema(() => ({ type: 'string', format: 'date-time' }));
  },
  int32(): Schema<number> {
    return new Schema(() => ({ type: 'integer', format: 'int32' }));
  },
  int64(): Schema<number> {
    return new Schema(() => ({ type: 'integer', format: 'int64' }));
  },
  number(): Schema<number> {
    return new Schema(() => ({ type: 'number' }));
  },
  boolean(): Schema<boolean> {
    return new Schema(() => ({ type: 'boolean' }));
  },
  /** intstr.IntOrString. */
  intOrString(): Schema<number | string> {
    return new Schema(() => ({
      'x-kubernetes-int-or-string': true,
      'anyOf': [{ type: 'integer' }, { type: 'string' }],
    }));
  },
  /** An object whose content the server keeps as is (runtime.RawExtension, free-form JSON). */
  freeForm(): Schema<KubernetesValue> {
    return new Schema(() => ({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true }));
  },
  array<T>(items: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
    return new Schema(() => ({
      type: 'array',
      items: items.toJson(),
      ...(options.listType ? { 'x-kubernetes-list-type': options.listType } : {}),
      ...(options.mapKeys ? { 'x-kubernetes-list-map-keys': [...options.mapKeys] } : {}),
    }));
  },
  /** A map with string keys. */
  map<T>(values: Schema<T>): Schema<{ [key: string]: T }> {
    return new Schema(() => ({ type: 'object', additionalProperties: values.toJson() }));
  },
  object<P extends Shape, R extends keyof P & string = never>(
    shape: P,
    options: ObjectOptions<R> = {},
  ): Schema<ObjectOf<P, R>> {
    return new Schema(() => {
      const properties: { [name: string]: JSONSchemaProps } = {};
      for (const [name, child] of Object.entries(shape)) properties[name] = child.toJson();
      return {
        type: 'object',
        properties,
        ...(options.required?.length ? { required: [...options.required] } : {}),
        ...(options.mapType ? { 'x-kubernetes-map-type': options.mapType } : {}),
      };
    });
  },
  /**
   * A type of the Kubernetes API, by its OpenAPI definition name
   * (`io.k8s.api.core.v1.Affinity`). Its schema comes from the Kubernetes OpenAPI document
   * extracted into `imports/k8s-openapi.json`, never from a hand-typed copy.
   */
  k8s<T = KubernetesValue>(definition: string): Schema<T> {
    return new Schema(() => resolveKubernetesSchema(definition));
  },
};
