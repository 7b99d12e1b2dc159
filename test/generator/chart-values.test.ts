/**
 * The chart's values come from one model: values.yaml (a comment on every key), the schema and
 * the README table all hold the same keys and defaults; Chart.yaml has its metadata.
 */
import { parse } from 'yaml';
import { chartReadme, chartYaml } from '../../generator/chart/helm-chart';
import { defaultValues, ValueGroup, ValueNode, VALUES, valuesSchema, valuesYaml } from '../../generator/chart/values';

/** Every leaf path of a values object (objects with a schema of their own count as leaves). */
function leafPaths(schema: any, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]: [string, any]) => {
    const path = `${prefix}${key}`;
    return child.type === 'object' && child.properties && child.additionalProperties === false && child.default === undefined
      ? leafPaths(child, `${path}.`)
      : [path];
  });
}

describe('chart values', () => {
  const yamlText = valuesYaml();
  const schema = valuesSchema();

  test('values.yaml parses to the model defaults', () => {
    expect(parse(yamlText)).toEqual(defaultValues());
  });

  test('every key in values.yaml has a comment right above it', () => {
    const modelPaths = new Set<string>();
    const collect = (model: { [key: string]: ValueNode }, prefix: string): void => {
      for (const [key, node] of Object.entries(model)) {
        modelPaths.add(`${prefix}${key}`);
        if (node instanceof ValueGroup) collect(node.children, `${prefix}${key}.`);
      }
    };
    collect(VALUES, '');
    // Follow the indentation to know each key's path; keys inside default values are not model keys.
    const lines = yamlText.split('\n');
    const stack: string[] = [];
    const commented = new Map<string, boolean>();
    lines.forEach((line, i) => {
      const match = /^(\s*)([A-Za-z][\w.]*|"[^"]+"):/.exec(line);
      if (!match) return;
      const depth = match[1].length / 2;
      stack.length = depth;
      stack.push(match[2]);
      const path = stack.join('.');
      if (modelPaths.has(path)) commented.set(path, lines[i - 1].trim().startsWith('#'));
    });
    expect([...modelPaths].filter((p) => commented.get(p) !== true)).toEqual([]);
  });

  test('the schema describes every key, with the defaults, and refuses unknown keys', () => {
    const paths = leafPaths(schema);
    expect(paths).toEqual(expect.arrayContaining(['certificates.mode', 'webhooks.failurePolicy', 'webhooks.excludedNamespaces', 'pushgateway.externalUrl', 'taskQueue.maxConcurrentSessions', 'catalog.versions', 'crds.appBinding', 'license.key']));
    expect(schema.additionalProperties).toBe(false);
    const walk = (node: any, path: string): void => {
      expect({ path, description: typeof node.description }).toEqual({ path, description: 'string' });
      if (node.properties && node.default === undefined) for (const [k, v] of Object.entries(node.properties)) walk(v, `${path}.${k}`);
    };
    for (const [k, v] of Object.entries(schema.properties as object)) walk(v, k);
  });

  test('the README table lists every key of the schema', () => {
    const readme = chartReadme();
    for (const path of leafPaths(schema).filter((p) => p !== 'global')) expect(readme).toContain(`| \`${path}\` |`);
  });

  test('Chart.yaml: apiVersion v2, versions, description, keywords, sources, kubeVersion', () => {
    const chart = parse(chartYaml());
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'stash-pxc', version: '0.1.0', appVersion: 'v0.42.1', kubeVersion: '>=1.25.0-0' });
    expect(chart.description.length).toBeGreaterThan(20);
    expect(chart.keywords).toEqual(expect.arrayContaining(['stash', 'percona', 'backup']));
    expect(chart.sources).toEqual(expect.arrayContaining(['https://github.com/stashed/installer']));
  });
});
