import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder (holding package.json, migrations/ and config.example.toml). */
export const PACKAGE_ROOT: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** tradedb's version, recorded in ledgers and manifests. */
export const TOOL_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

// The same code runs from src/ (tests) and from dist/src/ (the built package): walk up to package.json.
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'migrations')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`tradedb: package.json not found above ${start}`);
  }
}
