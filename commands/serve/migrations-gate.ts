import path from 'node:path';
import type { MigrationReport, Pool } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';
import { migrationFolders } from '../migrate/runner.js';

/**
 * A server answers for a schema: it must not serve one that drifted from
 * the migration files (an edited, missing or out-of-order migration, exit
 * 65 as `migrate validate`), nor one still behind them (pending migrations,
 * exit 65 as a database without its tables is) unless `migrate` says to
 * apply them first. Returns the report of what was applied, if anything.
 */
export async function checkMigrationsBeforeServing(
  ctx: CommandContext,
  pool: Pool,
  migrate: boolean,
): Promise<MigrationReport | undefined> {
  const lib = await ctx.library();
  const runner = new lib.MigrationRunner({ pool, ...(await migrationFolders(ctx)) });
  const statuses = await runner.status();
  const drift = statuses.filter((status) => status.state !== 'applied' && status.state !== 'pending');
  if (drift.length > 0) {
    throw new lib.IntegrityError(
      `refusing to serve: migration drift: ${drift.map(lib.describeDrift).join('; ')}`,
      { hint: 'restore the applied files as they were (`tradedb migrate validate` lists them)' },
    );
  }
  const pending = statuses.filter((status) => status.state === 'pending');
  if (pending.length === 0) return undefined;
  if (!migrate) {
    const names = pending.map((status) => (status.file ? path.basename(status.file) : status.version));
    throw new lib.ValidationError(
      `refusing to serve: ${pending.length} migration${pending.length === 1 ? ' is' : 's are'} pending (${names.join(', ')})`,
      { hint: 'run `tradedb migrate up` first, or start with `tradedb serve --migrate`' },
    );
  }
  const report = await runner.upReport();
  if (report.error) throw report.error;
  return report;
}
