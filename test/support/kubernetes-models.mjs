// Validates Kubernetes objects against the schemas of the `kubernetes-models` packages (which are
// ES modules, so this runs as its own Node process; see kubernetes-models.ts). Reads a JSON array
// of objects on stdin, writes one result per object: {model} when a model validated it (errors
// empty when valid), or {model: null} when no package models its apiVersion and kind.
import { readFileSync } from 'fs';

const PACKAGES = {
  'cert-manager.io': '@kubernetes-models/cert-manager/cert-manager.io',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com',
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const module = group === '' ? 'kubernetes-models/v1'
    : PACKAGES[group] ? `${PACKAGES[group]}/${version}`
      : `kubernetes-models/${group}/${version}`;
  try {
    const exports = await import(module);
    return exports[kind] ? { name: `${module}#${kind}`, Model: exports[kind] } : undefined;
  } catch {
    return undefined;
  }
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const model = await modelOf(object.apiVersion ?? '', object.kind ?? '');
  if (!model) {
    results.push({ model: null, errors: [] });
    continue;
  }
  try {
    new model.Model(object).validate();
    results.push({ model: model.name, errors: [] });
  } catch (error) {
    results.push({ model: model.name, errors: [String(error?.message ?? error)] });
  }
}
process.stdout.write(JSON.stringify(results));
