import type { Pool } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';

/**
 * After a tick lookup without --include-cold found nothing: if days of the
 * asked range were retired to the Parquet cold tier, say so. An empty list
 * is otherwise indistinguishable from "no data there".
 */
export async function coldTierHint(
  ctx: CommandContext,
  pool: Pool,
  range: { since: string | undefined; until: string | undefined },
): Promise<void> {
  const lib = await ctx.library();
  const partitions = await lib.listPartitions(pool, { tables: ['market_ticks'] });
  const first = range.since?.slice(0, 10);
  const retired = partitions.filter(
    (partition) =>
      partition.export_state === 'retired' &&
      (first === undefined || partition.date >= first) &&
      (range.until === undefined || startsBefore(partition.date, range.until)),
  );
  if (retired.length === 0) return;
  const days = retired.length === 1 ? `${retired[0]!.date} is` : `${retired.length} days of it are`;
  ctx.info(`hint: ${days} in the Parquet cold tier, not the database; add --include-cold to read them too`);
}

/** Whether day `date` begins before the exclusive end `until` (a day's midnight ends the day before it). */
function startsBefore(date: string, until: string): boolean {
  const untilDay = until.slice(0, 10);
  if (date !== untilDay) return date < untilDay;
  return !/^\d{4}-\d{2}-\d{2}(T00:00:00(\.0*)?(Z|\+00:00)?)?$/.test(until);
}
