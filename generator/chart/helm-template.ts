/**
 * Turns synthesized Kubernetes objects into Helm templates. The objects come from the constructs
 * with Helm expressions already inside strings (`{{ .Release.Namespace }}`), and the chart code
 * then edits them by path: it replaces nodes by value expressions (`raw`, `yaml`, `yamlWith`),
 * guards map keys, list items and whole documents with conditions (`when`), and splices maps
 * from values into maps (`splice`). `renderTemplateFile` writes the result as YAML in which
 * those markers become template actions; everything else is plain, deterministic YAML.
 */
import { stringify } from 'yaml';

/** A template action in place of a value. */
export class HelmValue {
  private constructor(
    /**
     * `raw`: `{{ expr }}` as a scalar; `yaml`: `toYaml expr` as a block; `yamlWith`: the key only
     * when expr is not empty; `items`: the items of the list expr, appended to a list.
     */
    readonly kind: 'raw' | 'yaml' | 'yamlWith' | 'items',
    /** The template expression, e.g. `.Values.replicaCount`. */
    readonly expr: string,
  ) {}

  /** The expression's value as a scalar: `key: {{ expr }}` (add `| quote` for strings that need it). */
  static raw(expr: string): HelmValue {
    return new HelmValue('raw', expr);
  }

  /** The expression's value as YAML: `key:` then `toYaml expr`, even when empty. */
  static yaml(expr: string): HelmValue {
    return new HelmValue('yaml', expr);
  }

  /** Like `yaml`, but the key disappears when the expression is empty. */
  static yamlWith(expr: string): HelmValue {
    return new HelmValue('yamlWith', expr);
  }

  /** In a list: the items of the list `expr` (none when it is empty). */
  static items(expr: string): HelmValue {
    return new HelmValue('items', expr);
  }
}

/** A map entry or list item that exists only when the condition holds. */
export class Guarded {
  constructor(readonly condition: string, readonly value: unknown) {}
}

/** Key prefix of a spliced map: the entries of a values map, added to the map it sits in. */
const SPLICE_KEY = '\u0000splice:';
/** Key prefix of an included map: the entries a named template prints, in the map it sits in. */
const INCLUDE_KEY = '\u0000include:';

/**
 * Replaces the entries `entries` of `map` (all present with these values, one after the other)
 * by the output of the named template `name`, at the place of the first; returns the new map,
 * or undefined when `map` does not hold them so. The named template must print exactly these
 * entries in this order, so that the rendered text stays the same.
 */
export function includeEntries(map: { [key: string]: unknown }, entries: { [key: string]: unknown }, name: string): { [key: string]: unknown } | undefined {
  const keys = Object.keys(map);
  const wanted = Object.keys(entries);
  const start = keys.indexOf(wanted[0]);
  if (start < 0) return undefined;
  for (let i = 0; i < wanted.length; i++) {
    if (keys[start + i] !== wanted[i] || map[wanted[i]] !== entries[wanted[i]]) return undefined;
  }
  const out: { [key: string]: unknown } = {};
  keys.forEach((key, i) => {
    if (i === start) out[`${INCLUDE_KEY}${name}`] = true;
    if (i < start || i >= start + wanted.length) out[key] = map[key];
  });
  return out;
}

/** One step of a path into an object: a map key, a list index, or a predicate on list items. */
export type PathStep = string | number | ((item: any) => boolean);

/** A predicate that picks list items by `name` (containers, volumes, ports, webhooks). */
export function named(name: string): (item: any) => boolean {
  return (item) => item !== null && typeof item === 'object' && item.name === name;
}

/** A predicate that picks string list items (arguments) by prefix. */
export function startsWith(prefix: string): (item: any) => boolean {
  return (item) => typeof item === 'string' && item.startsWith(prefix);
}

/** Every list item. */
export const EACH = (): boolean => true;

function unwrap(value: unknown): any {
  return value instanceof Guarded ? unwrap(value.value) : value;
}

/** Edits of one synthesized object. Paths that match nothing are errors: the template would silently miss them. */
export class ObjectEdits {
  constructor(readonly object: any, private readonly label: string) {}

  /** Replaces the node at `path` (creating missing map keys on the way). */
  set(path: PathStep[], value: unknown): this {
    this.apply(path, true, (container, key) => {
      container[key] = value;
    });
    return this;
  }

  /** Keeps the map entry or list item at `path` only when `condition` holds. */
  when(path: PathStep[], condition: string): this {
    this.apply(path, false, (container, key) => {
      container[key] = new Guarded(condition, container[key]);
    });
    return this;
  }

  /** Appends the items of the list `expr` (when not empty) to the list at `path`. */
  append(path: PathStep[], expr: string): this {
    for (const list of this.resolve(path, false)) {
      if (!Array.isArray(list)) throw new Error(`template edit of ${this.label}: no list at ${describe(path)}`);
      list.push(HelmValue.items(expr));
      return this;
    }
    throw new Error(`template edit of ${this.label}: nothing at ${describe(path)}`);
  }

  /** Adds the entries of the map `expr` (when not empty) to the map at `path`. */
  splice(path: PathStep[], expr: string): this {
    this.apply([...path, `${SPLICE_KEY}${expr}`], true, (container, key) => {
      container[key] = HelmValue.raw(expr);
    });
    return this;
  }

  private apply(path: PathStep[], create: boolean, fn: (container: any, key: string | number) => void): void {
    const last = path[path.length - 1];
    const containers = this.resolve(path.slice(0, -1), create);
    let matched = 0;
    for (const container of containers) {
      if (typeof last === 'function') {
        if (!Array.isArray(container)) continue;
        container.forEach((item, index) => {
          if (last(unwrap(item))) {
            fn(container, index);
            matched++;
          }
        });
      } else if (container !== null && typeof container === 'object' && (create || last in container)) {
        fn(container, last);
        matched++;
      }
    }
    if (matched === 0) throw new Error(`template edit of ${this.label}: nothing at ${describe(path)}`);
  }

  private resolve(path: PathStep[], create: boolean): any[] {
    let nodes: any[] = [this.object];
    for (const step of path) {
      const next: any[] = [];
      for (const node of nodes.map(unwrap)) {
        if (typeof step === 'function') {
          if (Array.isArray(node)) next.push(...node.map(unwrap).filter((item) => step(item)));
        } else if (node !== null && typeof node === 'object') {
          if (!(step in node) && create && typeof step === 'string') node[step] = {};
          if (step in node) next.push(unwrap(node[step]));
        }
      }
      nodes = next;
    }
    return nodes;
  }
}

function describe(path: PathStep[]): string {
  return path.map((s) => (typeof s === 'function' ? '[?]' : typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/** One object in a template file. */
export interface TemplateDocument {
  /** The object, edited. */
  readonly object: unknown;
  /** Render the document only when this condition holds. */
  readonly condition?: string;
  /**
   * The object holds no Helm expressions: any `{{` in its strings is text and is escaped.
   * @default false
   */
  readonly literal?: boolean;
}

/**
 * A template file: an optional preamble (template actions that define variables), then each
 * document after `---`, wrapped in `if` when it has a condition.
 */
export function renderTemplateFile(documents: readonly TemplateDocument[], preamble = ''): string {
  const out: string[] = ['{{- /* Generated by `npm run synth` from the stash-pxc constructs; do not edit. */}}'];
  if (preamble) out.push(preamble.trimEnd());
  for (const doc of documents) {
    const lines: string[] = [];
    emitMap(doc.object, 0, lines, doc.literal ?? false);
    if (doc.condition) out.push(`{{- if ${doc.condition} }}`);
    out.push('---', ...lines);
    if (doc.condition) out.push('{{- end }}');
  }
  return `${out.join('\n')}\n`;
}

function isMap(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof HelmValue) && !(value instanceof Guarded);
}

function emitMap(map: any, indent: number, lines: string[], literal: boolean): void {
  const pad = ' '.repeat(indent);
  for (const [key, value] of Object.entries(map)) {
    if (key.startsWith(SPLICE_KEY)) {
      lines.push(`${pad}{{- with ${key.slice(SPLICE_KEY.length)} }}`, `${pad}{{- toYaml . | nindent ${indent} }}`, `${pad}{{- end }}`);
    } else if (key.startsWith(INCLUDE_KEY)) {
      lines.push(`${pad}{{- include "${key.slice(INCLUDE_KEY.length)}" . | nindent ${indent} }}`);
    } else {
      emitEntry(key, value, indent, lines, literal);
    }
  }
}

function emitEntry(key: string, value: unknown, indent: number, lines: string[], literal: boolean): void {
  const pad = ' '.repeat(indent);
  const k = formatKey(key);
  if (value instanceof Guarded) {
    lines.push(`${pad}{{- if ${value.condition} }}`);
    emitEntry(key, value.value, indent, lines, literal);
    lines.push(`${pad}{{- end }}`);
  } else if (value instanceof HelmValue) {
    if (value.kind === 'raw') {
      lines.push(`${pad}${k}: {{ ${value.expr} }}`);
    } else if (value.kind === 'yaml') {
      lines.push(`${pad}${k}:`, `${pad}  {{- toYaml ${value.expr} | nindent ${indent + 2} }}`);
    } else {
      lines.push(`${pad}{{- with ${value.expr} }}`, `${pad}${k}:`, `${pad}  {{- toYaml . | nindent ${indent + 2} }}`, `${pad}{{- end }}`);
    }
  } else if (isMap(value)) {
    if (Object.keys(value).length === 0) {
      lines.push(`${pad}${k}: {}`);
    } else {
      lines.push(`${pad}${k}:`);
      emitMap(value, indent + 2, lines, literal);
    }
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      lines.push(`${pad}${k}: []`);
    } else {
      lines.push(`${pad}${k}:`);
      emitList(value, indent + 2, lines, literal);
    }
  } else {
    lines.push(`${pad}${k}: ${formatScalar(value, literal)}`);
  }
}

function emitList(list: unknown[], indent: number, lines: string[], literal: boolean): void {
  const pad = ' '.repeat(indent);
  for (const item of list) {
    if (item instanceof Guarded) {
      lines.push(`${pad}{{- if ${item.condition} }}`);
      emitList([item.value], indent, lines, literal);
      lines.push(`${pad}{{- end }}`);
    } else if (item instanceof HelmValue) {
      if (item.kind === 'items') {
        lines.push(`${pad}{{- with ${item.expr} }}`, `${pad}{{- toYaml . | nindent ${indent} }}`, `${pad}{{- end }}`);
        continue;
      }
      if (item.kind !== 'raw') throw new Error(`a list item cannot be a ${item.kind} value (${item.expr})`);
      lines.push(`${pad}- {{ ${item.expr} }}`);
    } else if (isMap(item)) {
      if (Object.keys(item).length === 0) {
        lines.push(`${pad}- {}`);
        continue;
      }
      const inner: string[] = [];
      emitMap(item, indent + 2, inner, literal);
      // `- key: value` when the first line is a plain entry; a bare `-` before template actions.
      if (/^\s*[^\s{]/.test(inner[0])) {
        inner[0] = `${pad}- ${inner[0].slice(indent + 2)}`;
      } else {
        lines.push(`${pad}-`);
      }
      lines.push(...inner);
    } else if (Array.isArray(item)) {
      lines.push(`${pad}-`);
      emitList(item, indent + 2, lines, literal);
    } else {
      lines.push(`${pad}- ${formatScalar(item, literal)}`);
    }
  }
}

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function formatKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\/-]*$/.test(key) && !RESERVED.test(key) ? key : JSON.stringify(key);
}

const EXPRESSION = /(\{\{(?:(?!\}\})[\s\S])*\}\})/;

/**
 * A scalar as YAML. A string with Helm expressions becomes a double-quoted scalar with the
 * actions inside (their output must be plain text: no quotes, backslashes or line breaks; use
 * a `raw` value with `| quote` otherwise). In literal documents, `{{` is escaped instead.
 */
export function formatScalar(value: unknown, literal = false): string {
  if (typeof value !== 'string') return value === undefined ? 'null' : JSON.stringify(value);
  if (value.includes('{{')) {
    if (literal) return JSON.stringify(value).replace(/\{\{/g, '{{ "{{" }}');
    const parts = value.split(EXPRESSION);
    return `"${parts.map((part, i) => (i % 2 === 1 ? part : JSON.stringify(part).slice(1, -1))).join('')}"`;
  }
  if (value.includes('\n')) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
