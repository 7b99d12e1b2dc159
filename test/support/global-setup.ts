/**
 * Jest global setup of the main suite: says once, one line each, which suites are skipped here and
 * how to run them (jest only lists skipped tests in verbose mode).
 */
import { helmUnavailable, onPath } from './helm';
import { mariaDbUnavailable } from './mariadb';
import { promtoolUnavailable } from './promtool';
import { REFERENCE_MISSING } from './reference';

export default function globalSetup(): void {
  const lines = [
    REFERENCE_MISSING && `skipping the upstream comparisons: ${REFERENCE_MISSING}`,
    helmUnavailable() && `skipping the Helm suites: ${helmUnavailable()}`,
    promtoolUnavailable() && `skipping the alert-rule suites: ${promtoolUnavailable()}`,
    mariaDbUnavailable() && `skipping the SQL and script suites: ${mariaDbUnavailable()}`,
    // test/generator/generated.test.ts runs `go` from PATH to re-extract imports/k8s-openapi.json.
    !onPath('go') && 'skipping the imports/k8s-openapi.json drift check: no `go` on PATH (e.g. PATH=/usr/local/go/bin:$PATH)',
  ].filter(Boolean);
  if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
}
