/**
 * Extracts the Kubernetes type definitions that our CRDs embed into `imports/k8s-openapi.json`.
 *
 * Source: the OpenAPI v3 document of the core API group (`api/openapi-spec/v3/api__v1_openapi.json`)
 * in the `k8s.io/kubernetes` Go module, fetched with `go mod download` (the Go module proxy).
 * Only this script needs Go and the network; the synth reads the committed JSON.
 *
 * Usage: `npm run import:k8s` (set KUBERNETES_VERSION to change the pinned version).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const KUBERNETES_VERSION = process.env.KUBERNETES_VERSION ?? 'v1.34.4';
const OUTPUT = path.join(__dirname, '..', '..', 'imports', 'k8s-openapi.json');
const SPEC_FILES = ['api__v1_openapi.json'];

function moduleDir(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], {
    encoding: 'utf8',
    // `go mod download` of a module path works outside any module.
    cwd: os.tmpdir(),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  return JSON.parse(out).Dir as string;
}

/** Drops descriptions recursively: CRDs embed these types many times over. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out: { [k: string]: unknown } = {};
    for (const key of Object.keys(node).sort()) {
      if (key === 'description') continue;
      out[key] = strip((node as { [k: string]: unknown })[key]);
    }
    return out;
  }
  return node;
}

/** Writes the extracted definitions to `output` (default: `imports/k8s-openapi.json`). */
export function extractKubernetesOpenApi(output = OUTPUT, log: (line: string) => void = () => undefined): void {
  const dir = moduleDir();
  const definitions: { [name: string]: unknown } = {};
  for (const file of SPEC_FILES) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'api', 'openapi-spec', 'v3', file), 'utf8'));
    for (const [name, schema] of Object.entries(doc.components.schemas as { [k: string]: unknown })) {
      definitions[name] = strip(schema);
    }
  }
  const sorted: { [name: string]: unknown } = {};
  for (const name of Object.keys(definitions).sort()) sorted[name] = definitions[name];
  const out = {
    source: `k8s.io/kubernetes@${KUBERNETES_VERSION} api/openapi-spec/v3/${SPEC_FILES.join(',')}`,
    definitions: sorted,
  };
  fs.writeFileSync(output, JSON.stringify(out, null, 1) + '\n');
  log(`wrote ${Object.keys(sorted).length} definitions to ${path.relative(process.cwd(), output)}`);
}

if (require.main === module) extractKubernetesOpenApi(OUTPUT, (line) => console.log(line));
