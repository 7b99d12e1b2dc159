/**
 * The Prometheus Pushgateway that backup and restore Jobs push their metrics to (the operator
 * passes its URL to them with `--pushgateway-url`): a sidecar of the operator, as upstream
 * installs it, or one the user already runs.
 */
import { k8s } from 'cdk8s-plus-28';
import { HealthProbesOptions } from './health-probes';
import { literalOf } from '../core/validation/helm-expressions';
import { problem, within } from '../core/validation/problems';
import { PushgatewayPersistence } from './pushgateway-persistence';


/** A container image, split the way the install's values split it. */
export interface ImageReference {
  /**
   * Registry and path prefix, e.g. `ghcr.io/stashed` or `docker.io/prom`.
   * @default - the upstream registry of the image
   */
  readonly registry?: string;
  /**
   * Image name inside the registry path, e.g. `stash-enterprise` or `pushgateway`.
   * @default - the upstream name of the image
   */
  readonly repository?: string;
  /**
   * Image tag.
   * @default - the upstream tag this version pins
   */
  readonly tag?: string;
}

/** Options of `Pushgateway.sidecar()`. */
export interface PushgatewaySidecarOptions {
  /**
   * The Pushgateway image.
   * @default - `docker.io/prom/pushgateway:v1.4.2` (upstream's pinned version)
   */
  readonly image?: ImageReference;
  /**
   * Compute resources of the sidecar (replaces the default as a whole).
   * @default - requests `cpu: 10m`, `memory: 32Mi`; limits `memory: 256Mi`
   */
  readonly resources?: k8s.ResourceRequirements;
  /**
   * Readiness and liveness probes of the sidecar (`/-/ready`, `/-/healthy`); tune their timing or turn them off.
   * @default - both on (see `HealthProbesOptions`)
   */
  readonly probes?: HealthProbesOptions;
  /**
   * Security context of the sidecar. Must keep the Pod Security Standard "restricted".
   * @default - restricted: non-root (65534), read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Where the sidecar keeps its `--persistence.file`. A claim keeps the pushed series across
   * reschedules of the operator Pod; it needs the Pod's `fsGroup` (the default has one) so the
   * non-root Pushgateway can write it.
   * @default - an emptyDir: the series survive container restarts, not a new Pod
   */
  readonly persistence?: PushgatewayPersistence;
}

/**
 * Resources of the sidecar unless given: it holds the last metrics of every backup in memory,
 * a few kilobytes each, so 256Mi leaves room for thousands of databases; no CPU limit (throttling
 * would only slow the Jobs' pushes).
 */
export function defaultPushgatewayResources(): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
    limits: { memory: k8s.Quantity.fromString('256Mi') },
  };
}

/** Upstream's Pushgateway image. */
export const PUSHGATEWAY_IMAGE = { registry: 'docker.io/prom', repository: 'pushgateway', tag: 'v1.4.2' } as const;

/**
 * Where backup metrics go. Pick one with a static method.
 *
 * @example
 * Pushgateway.external('http://pushgateway.monitoring.svc:9091')
 */
export class Pushgateway {
  /** A Pushgateway container in the operator Pod, persisting to an emptyDir (upstream's default) or to `persistence`. */
  public static sidecar(options: PushgatewaySidecarOptions = {}): Pushgateway {
    return new Pushgateway(undefined, options);
  }

  /** A Pushgateway that already runs elsewhere; no sidecar is added. */
  public static external(url: string): Pushgateway {
    return new Pushgateway(url, undefined);
  }

  private constructor(
    /** The external URL, when the Pushgateway is not a sidecar. */
    public readonly externalUrl: string | undefined,
    /** The sidecar's options, when it is one. */
    public readonly sidecarOptions: PushgatewaySidecarOptions | undefined,
  ) {}

  /**
   * What is wrong with the options as given (fields relative to `pushgateway`); the construct
   * that uses it reports these at synth.
   */
  public problems(): string[] {
    if (this.sidecarOptions !== undefined) {
      const persistence = this.sidecarOptions.persistence;
      if (persistence === undefined) return [];
      if (!(persistence instanceof PushgatewayPersistence)) {
        return [problem('sidecarOptions.persistence', 'is not a PushgatewayPersistence', 'use PushgatewayPersistence.newClaim({...}) or PushgatewayPersistence.existingClaim(name), or leave it out')];
      }
      return within('sidecarOptions.persistence', persistence.problems());
    }
    const url = this.externalUrl;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(literalOf(url))) {
      return [problem('externalUrl', `${JSON.stringify(url)} is not an http(s)://host[:port][/path] URL`,
        'give the URL of the Pushgateway, e.g. "http://pushgateway.monitoring.svc:9091", to Pushgateway.external()')];
    }
    return [];
  }

  /** True when the Pushgateway runs as a sidecar of the operator. */
  public get isSidecar(): boolean {
    return this.sidecarOptions !== undefined;
  }
}
