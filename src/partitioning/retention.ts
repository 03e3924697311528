import path from 'node:path';
import type { Pool } from '../pool/pool.js';
import { quoteIdent } from '../sql/quote.js';
import type { DiscoveredTable } from './discover.js';
import type { ColdTierFiles } from './fs.js';
import { deletingDir } from './layout.js';
import { forgetExport } from './ledger.js';
import { dayFilter } from './sql.js';

/**
 * Deletes an expired partition everywhere: its Parquet folders (each moved
 * to a hidden name first, so it disappears at once), then, in one
 * transaction, its database rows and its ledger row. Returns the rows deleted.
 */
export async function expirePartition(
  pool: Pool,
  fs: ColdTierFiles,
  table: DiscoveredTable,
  date: string,
  folders: readonly string[],
): Promise<number> {
  for (const folder of folders) {
    if (!(await fs.stat(folder))) continue;
    const parent = path.dirname(folder);
    const aside = deletingDir(path.dirname(parent), path.basename(parent), date);
    await fs.rename(folder, aside);
    await fs.fsync(parent);
    await fs.remove(aside);
  }
  const { spec } = table;
  return pool.transaction(async (session) => {
    const deleted = await session.run(
      `DELETE FROM ${quoteIdent(spec.table)} WHERE ${dayFilter(spec, date)}`,
      undefined,
      { table: spec.table },
    );
    await forgetExport(session, spec.table, date);
    return deleted;
  });
}
