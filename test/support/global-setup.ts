/**
 * Jest global setup of the main suite: says once, one line each, which suites are skipped here and
 * how to run them (jest only lists skipped tests in verbose mode).
 */
import { helmUnavailable } from './helm';
import { REFERENCE_MISSING } from './reference';

export default function globalSetup(): void {
  const lines = [
    REFERENCE_MISSING && `skipping the upstream comparisons: ${REFERENCE_MISSING}`,
    helmUnavailable() && `skipping the Helm suites: ${helmUnavailable()}`,
  ].filter(Boolean);
  if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
}
