import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from '../../src/index.js';
import { ROOT } from './bin.js';

/**
 * Applies every migration's up section, for tests that need the trading
 * schema but are not about migrations.
 */
export async function applySchema(pool: Pool): Promise<void> {
  const dir = path.join(ROOT, 'migrations');
  for (const file of fs
    .readdirSync(dir)
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const up = text.split('-- migrate:up')[1]?.split('-- migrate:down')[0] ?? '';
    await pool.withWriter((session) => session.run(up));
  }
}
