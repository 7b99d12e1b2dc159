/** Multi-document YAML in and out, as plain JSON objects (what kubectl and the server see). */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** Every non-empty document of a YAML text; throws on a syntax error, naming `source`. */
export function parseYamlDocuments(text: string, source = '<text>'): any[] {
  const out: any[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJSON();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Every document of a YAML file. */
export function readYamlFile(file: string): any[] {
  return parseYamlDocuments(fs.readFileSync(file, 'utf8'), file);
}

/** The `*.yaml`/`*.yml` files directly in `dir`, sorted (empty when the dir does not exist). */
export function yamlFilesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => path.join(dir, f));
}

/** Objects as one `kind: List` JSON document, for `kubectl ... -f -`. */
export function asList(objects: readonly unknown[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}
