import type { DiscoveredTable, Partition } from './discover.js';
import { partitionDir } from './layout.js';
import type { LedgerEntry } from './ledger.js';
import type { PartitionedTable } from './tables.js';
import type { Tier } from './tiers.js';

/**
 * Thrown by a step that finds, at the last moment, that it should not run
 * now (the rows changed or vanished since discovery): a benign race that
 * the next run settles, reported as skipped rather than failed.
 */
export class SkipItem extends Error {}

/** What the job does to a partition: write its Parquet, delete its database rows, delete it everywhere, or nothing. */
export type PartitionAction = 'export' | 'retire' | 'expire' | 'skip';

/** One step of the plan; `--dry-run` prints these. */
export interface PlannedItem {
  table: PartitionedTable;
  date: string;
  tier: Tier;
  action: PartitionAction;
  /** Rows exported (export) or deleted from the database (retire, expire). */
  rows: number;
  /** The Parquet folder written (export), verified (retire) or deleted (expire). */
  path: string | null;
  /** Why, in words an operator reads in a cron mail. */
  reason: string;
  /** expire: every Parquet folder of the day to delete (the ledger's and the root's). */
  folders: string[];
  /** retire: the export its deletion relies on (known before the run unless exported by it). */
  ledger: LedgerEntry | undefined;
}

export interface PlanScope {
  root: string;
  from: string | undefined;
  to: string | undefined;
  force: boolean;
}

/** How the export of a partition went in this run, as retention sees it. */
export type ExportOutcome =
  | { status: 'done'; entry: LedgerEntry }
  | { status: 'failed' }
  | { status: 'planned' };

function inRange(date: string, scope: PlanScope): boolean {
  return (scope.from === undefined || date >= scope.from) && (scope.to === undefined || date <= scope.to);
}

function item(
  partition: Partition,
  action: PartitionAction,
  reason: string,
  extra: Partial<PlannedItem> = {},
) {
  return {
    table: partition.table,
    date: partition.date,
    tier: partition.tier,
    action,
    rows: partition.rows,
    path: partition.path,
    reason,
    folders: [],
    ledger: partition.ledger,
    ...extra,
  } satisfies PlannedItem;
}

/**
 * Partitions to export: past the hot tier (or hot but inside an explicit
 * `--from/--to` range), still in the database, not expired, and either
 * never exported, stale, or forced. A retired partition is never exported
 * again, `--force` or not: its Parquet is the only copy of rows the
 * database no longer has.
 */
export function planExports(tables: readonly DiscoveredTable[], scope: PlanScope): PlannedItem[] {
  const ranged = scope.from !== undefined || scope.to !== undefined;
  const items: PlannedItem[] = [];
  for (const table of tables) {
    for (const partition of [...table.partitions].reverse()) {
      if (!inRange(partition.date, scope)) continue;
      const eligibleTier =
        partition.tier === 'warm' || partition.tier === 'cold' || (ranged && partition.tier === 'hot');
      if (partition.export_state === 'retired') {
        if (partition.rows > 0) {
          items.push(
            item(
              partition,
              'skip',
              `retired: ${partition.rows} late rows stay in the database; the Parquet copy is never rewritten`,
            ),
          );
        } else if (scope.force && eligibleTier) {
          items.push(
            item(partition, 'skip', 'retired: its rows left the database; the Parquet is the only copy'),
          );
        }
        continue;
      }
      if (partition.rows === 0 || !eligibleTier) continue;
      const target = partitionDir(scope.root, partition.table, partition.date);
      if (partition.export_state === 'not_exported')
        items.push(item(partition, 'export', 'not exported', { path: target }));
      else if (partition.export_state === 'stale')
        items.push(item(partition, 'export', 'stale: rows changed since the export', { path: target }));
      else if (scope.force) items.push(item(partition, 'export', 'forced re-export', { path: target }));
    }
  }
  return items;
}

/**
 * Deletions under `--apply-retention`: the database rows of cold partitions
 * whose export is current and verified (or is being made by this run), and
 * expired partitions wherever they are, database rows and Parquet alike.
 * `expiredOnDisk` lists expired days found as folders under the root that
 * neither the database nor the ledger knows.
 */
export function planRetention(
  tables: readonly DiscoveredTable[],
  scope: PlanScope,
  outcome: (table: string, date: string) => ExportOutcome | undefined,
  expiredOnDisk: ReadonlyMap<string, readonly string[]>,
): PlannedItem[] {
  const items: PlannedItem[] = [];
  for (const table of tables) {
    const known = new Set<string>();
    for (const partition of [...table.partitions].reverse()) {
      known.add(partition.date);
      if (!inRange(partition.date, scope)) continue;
      if (partition.tier === 'expired') {
        const folders = [
          ...new Set([
            ...(partition.ledger ? [partition.ledger.path] : []),
            partitionDir(scope.root, partition.table, partition.date),
          ]),
        ];
        const onDisk = expiredOnDisk.get(table.spec.table)?.includes(partition.date) ?? false;
        const rootFolder = partitionDir(scope.root, partition.table, partition.date);
        items.push(
          item(partition, 'expire', `expired (${partition.age_days} days old)`, {
            folders,
            path: partition.ledger?.path ?? (onDisk ? rootFolder : null),
          }),
        );
        continue;
      }
      if (partition.tier !== 'cold' || partition.rows === 0 || partition.export_state === 'retired') continue;
      const exported = outcome(partition.table, partition.date);
      if (exported?.status === 'failed') {
        items.push(item(partition, 'skip', 'cold, but its export failed: rows kept in the database'));
      } else if (exported?.status === 'done') {
        items.push(
          item(partition, 'retire', 'cold; export written and verified', {
            ledger: exported.entry,
            path: exported.entry.path,
          }),
        );
      } else if (exported?.status === 'planned') {
        items.push(item(partition, 'retire', 'cold; after its export is written and verified'));
      } else if (partition.export_state === 'exported') {
        items.push(item(partition, 'retire', 'cold; export current and verified'));
      } else {
        items.push(
          item(
            partition,
            'skip',
            `cold, but ${partition.export_state.replace('_', ' ')}: rows kept until exported`,
          ),
        );
      }
    }
    for (const date of expiredOnDisk.get(table.spec.table) ?? []) {
      if (known.has(date) || !inRange(date, scope)) continue;
      const folder = partitionDir(scope.root, table.spec.table, date);
      items.push({
        table: table.spec.table,
        date,
        tier: 'expired',
        action: 'expire',
        rows: 0,
        path: folder,
        reason: 'expired Parquet folder not in the ledger',
        folders: [folder],
        ledger: undefined,
      });
    }
  }
  return items;
}
