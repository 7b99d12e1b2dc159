/**
 * The Job settings users pass through to Stash (`spec.runtimeSettings`): every name, key,
 * number and Kubernetes struct in them, checked as the API server checks the Pod that Stash
 * creates from them, and as the scheduler and kubelet resolve their references.
 */
import {
  affinityProblems, containerSecurityContextProblems, podSecurityContextProblems, tolerationProblems, topologySpreadProblems,
} from './kubernetes';
import { annotationProblems, configKeyViolation, envNameViolation, labelProblems, stringMapProblems } from './metadata';
import { nameProblems, NameRule } from './names';
import { problem } from './problems';
import { kibibytesOf, millicoresOf, sizeProblems } from './quantities';

/** The shape of runtime settings these checks read (loosely typed: callers may be JavaScript). */
export interface PodSettingsShape {
  /** Container settings. */
  readonly container?: any;
  /** Pod settings. */
  readonly pod?: any;
}

function cpuAmount(cpu: any): string | undefined {
  if (cpu === undefined || cpu === null) return undefined;
  return typeof cpu === 'object' && 'amount' in cpu ? String(cpu.amount) : String(cpu);
}

/** Problems of container resources: CPU and sizes are real, non-negative and requests within limits. */
export function resourceProblems(field: string, resources: any): string[] {
  if (!resources) return [];
  const out: string[] = [];
  const cpuRequest = cpuAmount(resources.cpu?.request);
  const cpuLimit = cpuAmount(resources.cpu?.limit);
  for (const [which, amount] of [['request', cpuRequest], ['limit', cpuLimit]] as const) {
    if (amount === undefined) continue;
    const m = millicoresOf(amount);
    if (!Number.isFinite(m)) out.push(problem(`${field}.cpu.${which}`, `"${amount}" is not a non-negative CPU quantity`, 'use Cpu.millis(500) or Cpu.units(1)'));
    else if (m > 0 && m < 1) out.push(problem(`${field}.cpu.${which}`, `"${amount}" is less than 1m, which the API server rounds up`, 'use at least Cpu.millis(1)'));
    else if (m > 2 ** 53) out.push(problem(`${field}.cpu.${which}`, `"${amount}" is more CPU than a quantity holds`, 'use a realistic amount, e.g. Cpu.units(4)'));
  }
  const rq = cpuRequest !== undefined ? millicoresOf(cpuRequest) : NaN;
  const lm = cpuLimit !== undefined ? millicoresOf(cpuLimit) : NaN;
  if (Number.isFinite(rq) && Number.isFinite(lm) && rq > lm) {
    out.push(problem(`${field}.cpu`, `request ${cpuRequest} is larger than limit ${cpuLimit}, which Kubernetes refuses`, 'lower the request or raise the limit'));
  }
  for (const name of ['memory', 'ephemeralStorage']) {
    const r = resources[name];
    if (!r) continue;
    const before = out.length;
    out.push(...sizeProblems(`${field}.${name}.request`, r.request), ...sizeProblems(`${field}.${name}.limit`, r.limit));
    if (out.length === before && r.request && r.limit && kibibytesOf(r.request) > kibibytesOf(r.limit)) {
      out.push(problem(`${field}.${name}`, 'request is larger than limit, which Kubernetes refuses', 'lower the request or raise the limit'));
    }
  }
  return out;
}

/** Problems of `spec.runtimeSettings`, each under `field`. */
export function podSettingsProblems(field: string, settings: PodSettingsShape | undefined): string[] {
  if (settings === undefined || settings === null) return [];
  const out: string[] = [];
  const c = settings.container;
  if (c) {
    const f = `${field}.container`;
    out.push(...resourceProblems(`${f}.resources`, c.resources));
    if (c.ionice) {
      if (![1, 2, 3].includes(c.ionice.ioClass)) {
        out.push(problem(`${f}.ionice.ioClass`, `${c.ionice.ioClass} is not an I/O scheduling class`, 'use IoNiceClass.BEST_EFFORT, IDLE or REALTIME'));
      }
    }
    out.push(...containerSecurityContextProblems(`${f}.securityContext`, c.securityContext));
    out.push(...stringMapProblems(`${f}.env`, c.env));
    for (const name of Object.keys(c.env ?? {})) {
      const bad = envNameViolation(name);
      if (bad) out.push(problem(`${f}.env`, bad, 'use letters, digits, "_", "-" and ".", not starting with a digit'));
    }
    for (const [name, ref] of Object.entries<any>(c.secretEnv ?? {})) {
      const bad = envNameViolation(name);
      if (bad) out.push(problem(`${f}.secretEnv`, bad, 'use letters, digits, "_", "-" and ".", not starting with a digit'));
      if (!ref || typeof ref !== 'object') {
        out.push(problem(`${f}.secretEnv.${name}`, 'is not a { secretName, key } reference', 'pass { secretName: "my-secret", key: "token" }'));
        continue;
      }
      out.push(...nameProblems(`${f}.secretEnv.${name}.secretName`, typeof ref.secretName === 'string' ? ref.secretName : String(ref.secretName), NameRule.DNS_SUBDOMAIN));
      const badKey = configKeyViolation(ref.key);
      if (badKey) out.push(problem(`${f}.secretEnv.${name}.key`, badKey, 'use the key as it is in the Secret (letters, digits, "-", "_", ".")'));
    }
  }
  const p = settings.pod;
  if (p) {
    const f = `${field}.pod`;
    out.push(...labelProblems(`${f}.nodeSelector`, p.nodeSelector));
    out.push(...labelProblems(`${f}.podLabels`, p.podLabels));
    out.push(...annotationProblems(`${f}.podAnnotations`, p.podAnnotations));
    out.push(...tolerationProblems(`${f}.tolerations`, p.tolerations));
    out.push(...affinityProblems(`${f}.affinity`, p.affinity));
    out.push(...topologySpreadProblems(`${f}.topologySpreadConstraints`, p.topologySpreadConstraints));
    out.push(...podSecurityContextProblems(`${f}.securityContext`, p.securityContext));
    out.push(...nameProblems(`${f}.priorityClassName`, p.priorityClassName, NameRule.DNS_SUBDOMAIN));
    out.push(...nameProblems(`${f}.serviceAccountName`, p.serviceAccountName, NameRule.DNS_SUBDOMAIN));
    if (p.imagePullSecrets !== undefined && !Array.isArray(p.imagePullSecrets)) {
      out.push(problem(`${f}.imagePullSecrets`, 'is not a list of Secret names', 'pass ["registry-credentials"]'));
    } else {
      (p.imagePullSecrets ?? []).forEach((n: unknown, i: number) => out.push(...nameProblems(`${f}.imagePullSecrets[${i}]`, typeof n === 'string' ? n : String(n), NameRule.DNS_SUBDOMAIN)));
    }
  }
  return out;
}

