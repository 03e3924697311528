import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './bin.js';
import { tempDir } from './temp.js';

/**
 * A folder laid out like an application that installed tradedb: scripts in
 * it import the package by its name (`'tradedb'`, `-r tradedb/threadpool`),
 * resolved through package.json "exports" to the build (`npm run build` first).
 */
export function consumerDir(): string {
  const dir = tempDir('tradedb-consumer-');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'tradedb'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    '{ "name": "consumer", "private": true, "type": "module" }\n',
  );
  return dir;
}
