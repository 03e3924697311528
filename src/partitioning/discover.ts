import type { TradeDbConfig } from '../config/schema.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import { ageInDays, utcDay } from './days.js';
import { dailyStats } from './fingerprint.js';
import { assertLedgerExists, type LedgerEntry, readLedger } from './ledger.js';
import { inReadSnapshot, type TableColumn, tableColumns } from './sql.js';
import { type PartitionedTable, type PartitionedTableSpec, tableSpecs } from './tables.js';
import { type Tier, tierOf } from './tiers.js';

/**
 * Where a partition stands against the export ledger: never exported;
 * exported and unchanged since; exported but its rows changed (`stale`,
 * e.g. late rows); or `retired`: its rows were deleted from the database
 * after a verified export, and the Parquet is the only copy.
 */
export type ExportState = 'not_exported' | 'exported' | 'stale' | 'retired';

/** One UTC day of one table, as `tradedb partitions` lists it. */
export interface PartitionInfo {
  table: PartitionedTable;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** Today (UTC) minus the date, in days. */
  age_days: number;
  tier: Tier;
  /** Rows in the database now (0 once retired, unless late rows arrived since). */
  rows: number;
  min_time: string | null;
  max_time: string | null;
  export_state: ExportState;
  /** Rows in the Parquet export, as read back from the file. */
  exported_rows: number | null;
  exported_bytes: number | null;
  exported_at: string | null;
  retired_at: string | null;
  /** The partition's Parquet folder. */
  path: string | null;
}

/** Options of listPartitions. */
export interface ListPartitionsOptions {
  /** Only these tables (default: all five time-partitioned tables). */
  tables?: readonly string[];
  /** The current time; "today" is its UTC date. Default: now. Tests pin it. */
  now?: Date;
}

/** A partition with what the export job needs beyond the listing. */
export interface Partition extends PartitionInfo {
  ledger: LedgerEntry | undefined;
}

export interface DiscoveredTable {
  spec: PartitionedTableSpec;
  columns: TableColumn[];
  partitions: Partition[];
}

/**
 * Every partition of the given tables: UTC days with rows in the database,
 * plus days only the ledger knows (retired ones), each with its tier from
 * `[retention]` and its export state. Rows and ledger are read in one
 * snapshot.
 *
 * @example
 * const stale = (await listPartitions(pool, { tables: ['market_ticks'] }))
 *   .filter((p) => p.export_state === 'stale');
 */
export async function listPartitions(
  pool: Pool,
  options: ListPartitionsOptions = {},
): Promise<PartitionInfo[]> {
  const tables = await pool.withReader((session) =>
    discover(session, tableSpecs(options.tables), options.now ?? new Date(), pool.config.retention),
  );
  return tables.flatMap((table) => table.partitions.map(({ ledger: _ledger, ...info }) => info));
}

/** Discovery on a session the caller holds (inside one read snapshot). */
export async function discover(
  session: Session,
  specs: readonly PartitionedTableSpec[],
  now: Date,
  retention: TradeDbConfig['retention'],
): Promise<DiscoveredTable[]> {
  const today = utcDay(now);
  return inReadSnapshot(session, async () => {
    await assertLedgerExists(session);
    const ledger = await readLedger(
      session,
      specs.map((spec) => spec.table),
    );
    const result: DiscoveredTable[] = [];
    for (const spec of specs) {
      const columns = await tableColumns(session, spec.table);
      const entries = new Map(ledger.filter((entry) => entry.table === spec.table).map((e) => [e.date, e]));
      // Only days with a live export need the (costly) digest: it is what tells exported from stale.
      const live = [...entries.values()]
        .filter((entry) => entry.retired_at === null)
        .map((entry) => entry.date);
      const daily = await dailyStats(session, spec, columns, live);
      const stats = new Map(daily.stats.map((day) => [day.date, day]));
      const digests = daily.fingerprints;
      const days = [...new Set([...stats.keys(), ...entries.keys()])].sort().reverse();
      const partitions = days.map((date): Partition => {
        const day = stats.get(date);
        const entry = entries.get(date);
        const age = ageInDays(date, today);
        return {
          table: spec.table,
          date,
          age_days: age,
          tier: tierOf(age, retention),
          rows: day?.rows ?? 0,
          min_time: day?.min_time ?? entry?.min_time ?? null,
          max_time: day?.max_time ?? entry?.max_time ?? null,
          export_state: exportState(entry, digests.get(date)?.fingerprint),
          exported_rows: entry?.rows ?? null,
          exported_bytes: entry?.bytes ?? null,
          exported_at: entry?.exported_at ?? null,
          retired_at: entry?.retired_at ?? null,
          path: entry?.path ?? null,
          ledger: entry,
        };
      });
      result.push({ spec, columns, partitions });
    }
    return result;
  });
}

function exportState(entry: LedgerEntry | undefined, current: string | undefined): ExportState {
  if (!entry) return 'not_exported';
  if (entry.retired_at !== null) return 'retired';
  // No rows left but not retired (deleted by hand): nothing to compare, and nothing to re-export.
  if (current === undefined) return 'exported';
  return current === entry.fingerprint ? 'exported' : 'stale';
}
