/**
 * Readiness and liveness probes of the install's containers (the operator and its Pushgateway
 * sidecar). What each probe calls is a fact of the image (path, port, scheme); only the timing is
 * the user's, and each probe can be turned off.
 */
import { k8s } from 'cdk8s-plus-28';
import { integerProblems, problem } from '../core/validation/problems';

/** Timing of one probe, and whether it is there at all. */
export interface ProbeOptions {
  /**
   * Add the probe. Off, the kubelet never restarts a hung container (liveness) or takes a
   * not-ready one out of its Service (readiness).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Seconds after the container starts before the first probe, 0 to 3600.
   * @default - the container's default (see `HealthProbesOptions`)
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between two probes, 1 to 3600.
   * @default - the container's default (see `HealthProbesOptions`)
   */
  readonly periodSeconds?: number;
  /**
   * Seconds after which one probe counts as failed, 1 to 3600.
   * @default - the container's default (see `HealthProbesOptions`)
   */
  readonly timeoutSeconds?: number;
  /**
   * Failed probes in a row before the container counts as not ready (readiness) or is
   * restarted (liveness), 1 to 100.
   * @default - the container's default (see `HealthProbesOptions`)
   */
  readonly failureThreshold?: number;
}

/** The readiness and liveness probes of one container. */
export interface HealthProbesOptions {
  /**
   * The readiness probe: while it fails, the Service sends no traffic to the container (for the
   * operator: no APIService, webhook or license call reaches it).
   * @default - on; operator: `GET /readyz` (HTTPS, port 8443) after 5 s, every 10 s, timeout 5 s, 3 failures; Pushgateway: `GET /-/ready` (HTTP, port 56789) with the same timing
   */
  readonly readiness?: ProbeOptions;
  /**
   * The liveness probe: when it fails `failureThreshold` times in a row, the kubelet restarts
   * the container.
   * @default - on; operator: `GET /livez` (HTTPS, port 8443) after 30 s, every 20 s, timeout 5 s, 6 failures (a hung operator restarts within about 2 minutes, a slow start is not killed); Pushgateway: `GET /-/healthy` (HTTP, port 56789) after 10 s, every 20 s, timeout 5 s, 3 failures
   */
  readonly liveness?: ProbeOptions;
}

/** The probe timings that a container uses unless told otherwise. */
export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** What one probe calls: a fact of the image. */
export interface ProbeEndpoint {
  readonly path: string;
  readonly port: number;
  readonly scheme: 'HTTP' | 'HTTPS';
}

/** The operator's API server answers these without credentials on its secure port. */
export const OPERATOR_PROBES = {
  readiness: { path: '/readyz', scheme: 'HTTPS', timing: { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 } },
  // Its informers can take a while to sync on a large cluster: a slow start must not be killed.
  liveness: { path: '/livez', scheme: 'HTTPS', timing: { initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 } },
} as const;

/** The Pushgateway's own health endpoints. */
export const PUSHGATEWAY_PROBES = {
  readiness: { path: '/-/ready', scheme: 'HTTP', timing: { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 } },
  liveness: { path: '/-/healthy', scheme: 'HTTP', timing: { initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 } },
} as const;

/** The ranges of the timing fields (the API server only asks for non-negative or positive numbers; these keep them sane). */
export const PROBE_RANGES: { readonly [field in keyof ProbeTiming]: readonly [number, number] } = {
  initialDelaySeconds: [0, 3600],
  periodSeconds: [1, 3600],
  timeoutSeconds: [1, 3600],
  failureThreshold: [1, 100],
};

/** The probe, or undefined when it is turned off (or the options are not an object: reported by `healthProbesProblems`). */
export function httpProbe(endpoint: ProbeEndpoint, defaults: ProbeTiming, options?: ProbeOptions): k8s.Probe | undefined {
  const given = options !== null && typeof options === 'object' ? options : {};
  if (given.enabled === false) return undefined;
  const pick = (field: keyof ProbeTiming) => (typeof given[field] === 'number' ? given[field] as number : defaults[field]);
  return {
    httpGet: { path: endpoint.path, port: k8s.IntOrString.fromNumber(endpoint.port), scheme: endpoint.scheme },
    initialDelaySeconds: pick('initialDelaySeconds'),
    periodSeconds: pick('periodSeconds'),
    timeoutSeconds: pick('timeoutSeconds'),
    failureThreshold: pick('failureThreshold'),
  };
}

/** What is wrong with the probe options given at `field` (e.g. `probes`). */
export function healthProbesProblems(field: string, options: HealthProbesOptions | undefined): string[] {
  if (options === undefined) return [];
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    return [problem(field, `${JSON.stringify(options)} is not probe options`, 'pass { readiness: { ... }, liveness: { ... } }, or leave it out for the defaults')];
  }
  const out: string[] = [];
  for (const which of ['readiness', 'liveness'] as const) {
    const probe = options[which];
    const at = `${field}.${which}`;
    if (probe === undefined) continue;
    if (probe === null || typeof probe !== 'object' || Array.isArray(probe)) {
      out.push(problem(at, `${JSON.stringify(probe)} is not probe options`, 'pass { enabled, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold } (each optional), or leave it out'));
      continue;
    }
    if (probe.enabled !== undefined && typeof probe.enabled !== 'boolean') {
      out.push(problem(`${at}.enabled`, `${JSON.stringify(probe.enabled)} is not true or false`, 'pass true or false'));
    }
    for (const [name, [min, max]] of Object.entries(PROBE_RANGES) as Array<[keyof ProbeTiming, readonly [number, number]]>) {
      const value = probe[name];
      if (value !== undefined && typeof value !== 'number') {
        out.push(problem(`${at}.${name}`, `${JSON.stringify(value)} is not a number`, `use a whole number between ${min} and ${max}`));
      } else {
        out.push(...integerProblems(`${at}.${name}`, value, min, max));
      }
    }
  }
  return out;
}
