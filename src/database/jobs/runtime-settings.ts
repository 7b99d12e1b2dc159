import { Size } from 'cdk8s';
import type { ContainerResources, k8s } from 'cdk8s-plus-28';
import { compact } from '../../core/metadata';
import { integerProblems, problem } from '../../core/validation/problems';
import { podSettingsProblems } from '../../core/validation/pod-settings';
import { quantity, sizeProblems } from '../../core/validation/quantities';

/** I/O scheduling class of the backup process (`ionice -c`). */
export enum IoNiceClass {
  /** Real time: first access to the disk, can starve the database. */
  REALTIME = 1,
  /** Best effort: the default class, ordered by `classData`. */
  BEST_EFFORT = 2,
  /** Idle: only when no other process needs the disk. */
  IDLE = 3,
}

/** I/O priority of the backup process. */
export interface IoNice {
  /** Scheduling class (`ionice -c`; rendered as `class`, a word several jsii languages reserve). */
  readonly ioClass: IoNiceClass;
  /**
   * Priority within the class, 0 (highest) to 7 (lowest); ignored for IDLE.
   * @default - the kernel's default (4)
   */
  readonly classData?: number;
}

/** A value taken from a Secret key, for an environment variable. */
export interface SecretKeyRef {
  /** Name of the Secret (same namespace). */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** Settings of the container that runs the backup or restore. */
export interface ContainerRuntimeSettings {
  /**
   * CPU and memory requests and limits.
   * @default - none (the namespace's LimitRange applies)
   */
  readonly resources?: ContainerResources;
  /**
   * CPU niceness adjustment of the backup process, -20 (greedy) to 19 (polite).
   * @default - not changed
   */
  readonly nice?: number;
  /**
   * I/O priority of the backup process.
   * @default - not changed
   */
  readonly ionice?: IoNice;
  /**
   * Security context of the container.
   * @default - none
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Extra environment variables with literal values (never credentials: they land in Git).
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Extra environment variables read from Secret keys.
   * @default - none
   */
  readonly secretEnv?: { [name: string]: SecretKeyRef };
}

/** Where and how the backup or restore pod is scheduled. */
export interface PodRuntimeSettings {
  /**
   * Node labels the pod must match.
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the pod.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node and pod affinity.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Topology spread constraints.
   * @default - none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /**
   * PriorityClass of the pod.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * ServiceAccount the pod runs as.
   * @default - the one Stash creates for the invoker, `backupconfiguration-<name>-0` or
   * `restoresession-<name>-0` (one for every member of a cluster restore)
   */
  readonly serviceAccountName?: string;
  /**
   * Secrets for pulling the addon image from a private registry.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Pod-level security context.
   * @default - none
   */
  readonly securityContext?: k8s.PodSecurityContext;
  /**
   * Extra labels of the pod.
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Extra annotations of the pod.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
}

/** Runtime settings of the backup or restore Job (`spec.runtimeSettings`). */
export interface RuntimeSettings {
  /**
   * Settings of the container.
   * @default - none
   */
  readonly container?: ContainerRuntimeSettings;
  /**
   * Settings of the pod.
   * @default - none
   */
  readonly pod?: PodRuntimeSettings;
}

/** Storage medium of the temporary directory. */
export enum TempDirMedium {
  /** The node's disk. */
  DISK = '',
  /** RAM (tmpfs); counts against the container's memory limit. */
  MEMORY = 'Memory',
}

/** The scratch `emptyDir` Stash mounts at `/tmp` of the Job (`spec.tempDir`). */
export interface TempDir {
  /**
   * Storage medium.
   * @default TempDirMedium.DISK
   */
  readonly medium?: TempDirMedium;
  /**
   * Size limit of the directory.
   * @default - no limit
   */
  readonly sizeLimit?: Size;
  /**
   * Do not keep restic's cache in it.
   * @default false
   */
  readonly disableCaching?: boolean;
}

/**
 * Runtime settings as Kubernetes JSON (the same shape in every Stash kind).
 * @internal
 */
export function renderRuntimeSettings(settings: RuntimeSettings): { [key: string]: any } {
  const c = settings.container;
  const p = settings.pod;
  const env = c && [
    ...Object.entries(c.env ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(c.secretEnv ?? {}).map(([name, ref]) => ({ name, valueFrom: { secretKeyRef: { name: ref?.secretName, key: ref?.key } } })),
  ];
  const container = c && compact({
    resources: c.resources && renderResources(c.resources),
    nice: c.nice !== undefined ? { adjustment: c.nice } : undefined,
    ionice: c.ionice && compact({ class: c.ionice.ioClass, classData: c.ionice.classData }),
    securityContext: c.securityContext && clone(c.securityContext),
    env: env && env.length > 0 ? env : undefined,
  });
  const pod = p && compact({
    nodeSelector: p.nodeSelector && { ...p.nodeSelector },
    tolerations: p.tolerations && clone(p.tolerations),
    affinity: p.affinity && clone(p.affinity),
    topologySpreadConstraints: p.topologySpreadConstraints && clone(p.topologySpreadConstraints),
    priorityClassName: p.priorityClassName,
    serviceAccountName: p.serviceAccountName,
    imagePullSecrets: Array.isArray(p.imagePullSecrets) ? p.imagePullSecrets.map((name) => ({ name })) : undefined,
    securityContext: p.securityContext && clone(p.securityContext),
    podLabels: p.podLabels && { ...p.podLabels },
    podAnnotations: p.podAnnotations && { ...p.podAnnotations },
  });
  return compact({
    container: container && Object.keys(container).length ? container : undefined,
    pod: pod && Object.keys(pod).length ? pod : undefined,
  });
}

/** Requests and limits as quantity strings. */
function renderResources(r: ContainerResources): { limits?: { [k: string]: string }; requests?: { [k: string]: string } } {
  const limits: { [k: string]: string } = {};
  const requests: { [k: string]: string } = {};
  if (r.cpu?.limit) limits.cpu = r.cpu.limit.amount;
  if (r.cpu?.request) requests.cpu = r.cpu.request.amount;
  if (r.memory?.limit) limits.memory = quantity(r.memory.limit);
  if (r.memory?.request) requests.memory = quantity(r.memory.request);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = quantity(r.ephemeralStorage.limit);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = quantity(r.ephemeralStorage.request);
  return compact({
    limits: Object.keys(limits).length ? limits : undefined,
    requests: Object.keys(requests).length ? requests : undefined,
  });
}

/** Deep copy of plain JSON, dropping undefined (k8s structs are JSON-shaped). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * Problems of runtime settings, each starting with `field`.
 * @internal
 */
export function runtimeSettingsProblems(field: string, settings: RuntimeSettings | undefined): string[] {
  if (!settings) return [];
  const out: string[] = [];
  const c = settings.container;
  if (c) {
    out.push(...integerProblems(`${field}.container.nice`, c.nice, -20, 19, 'use a niceness between -20 and 19 (19 is the politest)'));
    if (c.ionice) out.push(...integerProblems(`${field}.container.ionice.classData`, c.ionice.classData, 0, 7));
    const both = Object.keys(c.env ?? {}).filter((k) => (c.secretEnv ?? {})[k] !== undefined);
    for (const name of both) {
      out.push(problem(`${field}.container.env`, `"${name}" is set both in env and in secretEnv`, 'keep one of them'));
    }
  }
  // Names, keys, quantities and the Kubernetes structs, as the API server checks the Job's pod.
  out.push(...podSettingsProblems(field, settings));
  return out;
}

/**
 * The tempDir JSON.
 * @internal
 */
export function renderTempDir(tempDir: TempDir): { [key: string]: any } {
  return compact({
    medium: tempDir.medium ? tempDir.medium : undefined,
    sizeLimit: tempDir.sizeLimit ? quantity(tempDir.sizeLimit) : undefined,
    disableCaching: tempDir.disableCaching,
  });
}

/**
 * Problems of a tempDir, each starting with `field`.
 * @internal
 */
export function tempDirProblems(field: string, tempDir: TempDir | undefined): string[] {
  if (!tempDir) return [];
  const out = sizeProblems(`${field}.sizeLimit`, tempDir.sizeLimit, 1024, 'Size.mebibytes(1), typically Size.gibibytes(1), for restic\'s scratch files');
  if (tempDir.medium !== undefined && tempDir.medium !== '' && tempDir.medium !== 'Memory') {
    out.push(problem(`${field}.medium`, `${JSON.stringify(tempDir.medium)} is not a storage medium`, 'use TempDirMedium.DISK or TempDirMedium.MEMORY'));
  }
  return out;
}
