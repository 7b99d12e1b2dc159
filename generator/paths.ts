/** Where the repository's files are, seen from the compiled code in `lib/<dir>/`. */
import * as path from 'path';

/** The repository root (this file runs from `lib/generator/`). */
export const REPO_ROOT = path.join(__dirname, '..', '..');
