/**
 * Kubernetes structs that users pass through (security contexts, affinity, tolerations,
 * topology spread constraints): checked against the Kubernetes OpenAPI schemas in
 * `imports/k8s-openapi.json`, plus the rules the API server applies on top of the schema
 * (`ValidateTolerations`, `ValidateAffinity`, `ValidatePodSecurityContext`, ...) that a schema
 * cannot say: operators and their values, qualified keys, ID ranges, weights.
 */
import { resolveKubernetesSchema } from '../../api/k8s-openapi';
import type { JSONSchemaProps } from '../../api/json-schema';
import { validateValue } from '../../api/structural';
import { labelProblems, labelValueViolation, qualifiedNameViolation } from './metadata';
import { problem } from './problems';

const SCHEMAS = new Map<string, JSONSchemaProps>();
function schemaOf(definition: string): JSONSchemaProps {
  let schema = SCHEMAS.get(definition);
  if (!schema) {
    schema = resolveKubernetesSchema(definition);
    SCHEMAS.set(definition, schema);
  }
  return schema;
}

/** Paths of the numbers in `value` that JSON cannot carry (NaN, Infinity): YAML would get `.nan` or null. */
function nonFinite(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(path);
  else if (Array.isArray(value)) value.forEach((v, i) => nonFinite(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nonFinite(v, path ? `${path}.${k}` : k, out);
}

/**
 * Problems of `value` as the Kubernetes type `definition` (e.g. `io.k8s.api.core.v1.Affinity`),
 * each under `field`: numbers that are not numbers, types, unknown fields (the server would
 * drop them), integer ranges, required fields.
 */
export function kubernetesSchemaProblems(field: string, value: unknown, definition: string): string[] {
  if (value === undefined) return [];
  const bad: string[] = [];
  nonFinite(value, '', bad);
  const out = bad.map((p) => problem(p ? `${field}.${p}` : field, 'is not a finite number (NaN or Infinity)', 'pass a whole number'));
  if (out.length > 0) return out;
  const type = definition.split('.').pop();
  // JSON round trip: what would be written (undefined dropped).
  const json = JSON.parse(JSON.stringify(value));
  for (const f of validateValue(schemaOf(definition), json)) {
    const at = f.path === '<root>' ? field : `${field}.${f.path}`;
    out.push(problem(at, `${f.message} (Kubernetes ${type})`, `follow the Kubernetes ${type} API`));
  }
  return out;
}

function keyProblem(field: string, key: unknown): string[] {
  if (typeof key !== 'string') return [problem(field, `${JSON.stringify(key)} is not a string`, 'use a label key such as "kubernetes.io/hostname"')];
  const bad = qualifiedNameViolation(key);
  return bad ? [problem(field, bad, 'use a label key such as "kubernetes.io/hostname"')] : [];
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const NODE_OPERATORS = [...SELECTOR_OPERATORS, 'Gt', 'Lt'];

function requirementProblems(field: string, req: any, node: boolean): string[] {
  if (!req || typeof req !== 'object') return [];
  const out = keyProblem(`${field}.key`, req.key);
  const ops = node ? NODE_OPERATORS : SELECTOR_OPERATORS;
  const values: unknown[] = Array.isArray(req.values) ? req.values : [];
  if (!ops.includes(req.operator)) {
    out.push(problem(`${field}.operator`, `${JSON.stringify(req.operator)} is not one of ${ops.join(', ')}`, `use one of ${ops.join(', ')}`));
  } else if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
    out.push(problem(`${field}.values`, `is empty, which ${req.operator} does not allow`, 'list at least one value'));
  } else if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
    out.push(problem(`${field}.values`, `is set, which ${req.operator} does not allow`, 'remove values'));
  } else if ((req.operator === 'Gt' || req.operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(String(values[0])))) {
    out.push(problem(`${field}.values`, `${req.operator} needs exactly one integer value`, 'give one value such as "3"'));
  }
  if (!node || req.operator === 'In' || req.operator === 'NotIn') {
    values.forEach((v, i) => {
      const bad = labelValueViolation(v);
      if (bad) out.push(problem(`${field}.values[${i}]`, bad, 'use a label value'));
    });
  }
  return out;
}

function labelSelectorProblems(field: string, selector: any): string[] {
  if (!selector || typeof selector !== 'object') return [];
  return [
    ...labelProblems(`${field}.matchLabels`, selector.matchLabels),
    ...(Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).flatMap((r: any, i: number) => requirementProblems(`${field}.matchExpressions[${i}]`, r, false)),
  ];
}

function weightProblem(field: string, weight: unknown): string[] {
  return Number.isInteger(weight) && (weight as number) >= 1 && (weight as number) <= 100 ? []
    : [problem(field, `${weight} is not a whole number between 1 and 100`, 'use a weight between 1 and 100')];
}

function podTermProblems(field: string, term: any): string[] {
  if (!term || typeof term !== 'object') return [];
  // The API server warns that a term without a selector matches no Pod: it would do nothing.
  const out = term.labelSelector === undefined || term.labelSelector === null
    ? [problem(`${field}.labelSelector`, 'is missing, so the term matches no Pod', 'select the Pods the term is about, e.g. { matchLabels: { "app.kubernetes.io/name": "stash" } }')]
    : labelSelectorProblems(`${field}.labelSelector`, term.labelSelector);
  if (typeof term.topologyKey !== 'string' || term.topologyKey === '') {
    out.push(problem(`${field}.topologyKey`, 'is empty', 'use a node label key such as "kubernetes.io/hostname"'));
  } else out.push(...keyProblem(`${field}.topologyKey`, term.topologyKey));
  out.push(...labelSelectorProblems(`${field}.namespaceSelector`, term.namespaceSelector));
  return out;
}

function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** Problems of a pod's affinity (schema and the API server's rules). */
export function affinityProblems(field: string, affinity: unknown): string[] {
  const out = kubernetesSchemaProblems(field, affinity, 'io.k8s.api.core.v1.Affinity');
  if (out.length > 0 || !affinity) return out;
  const a = affinity as any;
  const nodeTerm = (f: string, term: any) => [
    ...list(term?.matchExpressions).flatMap((r, i) => requirementProblems(`${f}.matchExpressions[${i}]`, r, true)),
    ...list(term?.matchFields).flatMap((r, i) => requirementProblems(`${f}.matchFields[${i}]`, r, true)),
  ];
  const required = a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const terms = list(required.nodeSelectorTerms);
    if (terms.length === 0) out.push(problem(`${field}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'is empty, so no node matches', 'give at least one term'));
    terms.forEach((t, i) => out.push(...nodeTerm(`${field}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`, t)));
  }
  list(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
    const f = `${field}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    out.push(...weightProblem(`${f}.weight`, p?.weight), ...nodeTerm(`${f}.preference`, p?.preference));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    list(a[kind]?.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => out.push(...podTermProblems(`${field}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, t)));
    list(a[kind]?.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const f = `${field}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      out.push(...weightProblem(`${f}.weight`, p?.weight), ...podTermProblems(`${f}.podAffinityTerm`, p?.podAffinityTerm));
    });
  }
  return out;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Problems of a pod's tolerations. */
export function tolerationProblems(field: string, tolerations: unknown): string[] {
  if (tolerations === undefined) return [];
  const out: string[] = [];
  if (!Array.isArray(tolerations)) return [problem(field, 'is not a list', 'pass a list of tolerations')];
  tolerations.forEach((t: any, i) => {
    const f = `${field}[${i}]`;
    const schema = kubernetesSchemaProblems(f, t, 'io.k8s.api.core.v1.Toleration');
    if (schema.length > 0) {
      out.push(...schema);
      return;
    }
    const operator = t.operator ?? 'Equal';
    if (t.key !== undefined && t.key !== '') out.push(...keyProblem(`${f}.key`, t.key));
    if (operator !== 'Equal' && operator !== 'Exists') {
      out.push(problem(`${f}.operator`, `"${operator}" is not Equal or Exists`, 'use Equal or Exists'));
    } else if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
      out.push(problem(`${f}.value`, 'is set with operator Exists', 'remove value, or use operator Equal'));
    } else if (operator === 'Equal') {
      if (t.key === undefined || t.key === '') out.push(problem(`${f}.key`, 'is empty, which only operator Exists allows', 'set key, or use operator Exists'));
      const bad = t.value !== undefined ? labelValueViolation(t.value) : undefined;
      if (bad) out.push(problem(`${f}.value`, bad, 'use a label value'));
    }
    if (t.effect !== undefined && t.effect !== '' && !EFFECTS.includes(t.effect)) {
      out.push(problem(`${f}.effect`, `"${t.effect}" is not one of ${EFFECTS.join(', ')}`, `use one of ${EFFECTS.join(', ')}`));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      out.push(problem(`${f}.tolerationSeconds`, 'is set without effect NoExecute', 'set effect: "NoExecute", or remove tolerationSeconds'));
    }
  });
  return out;
}

/** Problems of a pod's topology spread constraints. */
export function topologySpreadProblems(field: string, constraints: unknown): string[] {
  if (constraints === undefined) return [];
  if (!Array.isArray(constraints)) return [problem(field, 'is not a list', 'pass a list of constraints')];
  const out: string[] = [];
  const seen = new Set<string>();
  constraints.forEach((c: any, i) => {
    const key = `${c?.topologyKey}/${c?.whenUnsatisfiable}`;
    if (seen.has(key)) out.push(problem(`${field}[${i}]`, `repeats topologyKey "${c?.topologyKey}" with whenUnsatisfiable "${c?.whenUnsatisfiable}"`, 'keep one constraint per topology key and policy'));
    seen.add(key);
    const f = `${field}[${i}]`;
    const schema = kubernetesSchemaProblems(f, c, 'io.k8s.api.core.v1.TopologySpreadConstraint');
    if (schema.length > 0) {
      out.push(...schema);
      return;
    }
    if (!(c.maxSkew >= 1)) out.push(problem(`${f}.maxSkew`, `${c.maxSkew} is below 1`, 'use 1 or more'));
    out.push(...keyProblem(`${f}.topologyKey`, c.topologyKey));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) {
      out.push(problem(`${f}.whenUnsatisfiable`, `${JSON.stringify(c.whenUnsatisfiable)} is not DoNotSchedule or ScheduleAnyway`, 'use DoNotSchedule or ScheduleAnyway'));
    }
    if (c.minDomains !== undefined && (c.minDomains < 1 || c.whenUnsatisfiable !== 'DoNotSchedule')) {
      out.push(problem(`${f}.minDomains`, 'must be 1 or more and needs whenUnsatisfiable DoNotSchedule', 'remove minDomains or fix whenUnsatisfiable'));
    }
    out.push(...labelSelectorProblems(`${f}.labelSelector`, c.labelSelector));
  });
  return out;
}

function idProblems(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 2147483647 ? []
    : [problem(field, `${value} is not a user or group ID (a whole number from 0 to 2147483647)`, 'use an ID such as 1000')];
}

function seccompProblems(field: string, profile: any): string[] {
  if (!profile) return [];
  const types = ['RuntimeDefault', 'Unconfined', 'Localhost'];
  if (!types.includes(profile.type)) return [problem(`${field}.type`, `${JSON.stringify(profile.type)} is not one of ${types.join(', ')}`, 'use RuntimeDefault')];
  if ((profile.type === 'Localhost') !== (profile.localhostProfile !== undefined)) {
    return [problem(`${field}.localhostProfile`, 'is required with type Localhost and refused otherwise', 'use type RuntimeDefault without localhostProfile')];
  }
  return [];
}

/** runAsNonRoot with runAsUser 0: accepted by the API server, but the kubelet refuses to start the container. */
function nonRootProblems(field: string, c: any): string[] {
  return c.runAsNonRoot === true && c.runAsUser === 0
    ? [problem(`${field}.runAsUser`, 'is 0 (root) while runAsNonRoot is true, so the kubelet would refuse to start the container', 'use a non-zero user ID such as 1000, or drop runAsNonRoot')]
    : [];
}

/** Problems of a container's security context. */
export function containerSecurityContextProblems(field: string, context: unknown): string[] {
  const out = kubernetesSchemaProblems(field, context, 'io.k8s.api.core.v1.SecurityContext');
  if (out.length > 0 || !context) return out;
  const c = context as any;
  out.push(...idProblems(`${field}.runAsUser`, c.runAsUser), ...idProblems(`${field}.runAsGroup`, c.runAsGroup));
  out.push(...seccompProblems(`${field}.seccompProfile`, c.seccompProfile));
  out.push(...nonRootProblems(field, c));
  if (c.privileged === true && c.allowPrivilegeEscalation === false) {
    out.push(problem(`${field}.allowPrivilegeEscalation`, 'is false while privileged is true, which the API server refuses', 'drop privileged'));
  }
  if (c.procMount !== undefined && !['Default', 'Unmasked'].includes(c.procMount)) {
    out.push(problem(`${field}.procMount`, `"${c.procMount}" is not Default or Unmasked`, 'leave procMount out'));
  }
  return out;
}

/** Problems of a pod's security context. */
export function podSecurityContextProblems(field: string, context: unknown): string[] {
  const out = kubernetesSchemaProblems(field, context, 'io.k8s.api.core.v1.PodSecurityContext');
  if (out.length > 0 || !context) return out;
  const c = context as any;
  out.push(...idProblems(`${field}.runAsUser`, c.runAsUser), ...idProblems(`${field}.runAsGroup`, c.runAsGroup), ...idProblems(`${field}.fsGroup`, c.fsGroup));
  list(c.supplementalGroups).forEach((g, i) => out.push(...idProblems(`${field}.supplementalGroups[${i}]`, g)));
  out.push(...seccompProblems(`${field}.seccompProfile`, c.seccompProfile));
  out.push(...nonRootProblems(field, c));
  if (c.fsGroupChangePolicy !== undefined && !['OnRootMismatch', 'Always'].includes(c.fsGroupChangePolicy)) {
    out.push(problem(`${field}.fsGroupChangePolicy`, `"${c.fsGroupChangePolicy}" is not OnRootMismatch or Always`, 'use OnRootMismatch'));
  }
  list(c.sysctls).forEach((s, i) => {
    if (typeof s?.name !== 'string' || !/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s.name)) {
      out.push(problem(`${field}.sysctls[${i}].name`, `${JSON.stringify(s?.name)} is not a sysctl name`, 'use a name such as "net.core.somaxconn"'));
    }
  });
  return out;
}
