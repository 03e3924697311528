import type { CommandContext } from '../cli/context.js';

/**
 * After a tick lookup without --include-cold found nothing: if days of the
 * asked range were retired to the Parquet cold tier, say so. An empty list
 * is otherwise indistinguishable from "no data there".
 */
export function coldTierHint(ctx: CommandContext, retiredDays: readonly string[]): void {
  if (retiredDays.length === 0) return;
  const days = retiredDays.length === 1 ? `${retiredDays[0]} is` : `${retiredDays.length} days of it are`;
  ctx.info(`hint: ${days} in the Parquet cold tier, not the database; add --include-cold to read them too`);
}
