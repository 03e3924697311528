import fs from 'node:fs';
import path from 'node:path';
import { COPY_SLOTS } from '../../partitioning/export-batch.js';
import { exportPartitions } from '../../partitioning/job.js';
import { dayExpression, exportSelectList, orderByList, tableColumns } from '../../partitioning/sql.js';
import { tableSpecs } from '../../partitioning/tables.js';
import { quoteLiteral } from '../../sql/quote.js';
import { alternate } from '../alternate.js';
import { BUDGETS, result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { folderBytes, removeFolder } from '../disk.js';
import { checkpointedSize, dayBefore } from '../fixtures.js';
import { insertTablesSql } from '../fixtures-tables.js';
import { inCopyLanes } from '../lanes.js';
import type { BenchResult } from '../types.js';
import { measureUsage } from '../usage.js';
import { exportComparison, wallMs } from './export-comparison.js';

/** Symbols of the many-partition case: 10 symbols x 1440 ticks a day x 120 days = 1.7M ticks. */
const SYMBOLS = 10;
const TICKS_PER_SYMBOL_DAY = 1440;
/** Bookkeeping per partition the layer may add to its own COPYs, and the time of a run with nothing new. */
const BOOKKEEPING_BUDGET_MS = 20;
const SECOND_RUN_BUDGET_MS = 2000;

/**
 * Export with many small partitions (a first export, a catch-up, a
 * backfill): `--days` days of all five tables, exported by exportPartitions
 * from nothing, against one raw partitioned COPY per table of the same rows
 * (`PARTITION_BY (date)`, sorted the same way, same compression and row
 * groups, the same columns: UUID and JSON as text, as the layer writes
 * them), and against the per-day COPYs the layer itself runs (layer minus
 * those, per partition, is its bookkeeping). Then a second run, with
 * nothing new: a check, not an export.
 */
export async function runExportMany(
  ctx: ScenarioContext,
): Promise<{ results: BenchResult[]; details: Record<string, number> }> {
  const { workspace, settings } = ctx;
  const days = settings.export_days;
  const scratch = workspace.configFor('export-many');
  // Every day from `days` ago to yesterday is warm: exported, none expired, whatever the configured tiers.
  const config = {
    ...scratch,
    retention: { hot_data_days: 1, warm_data_days: days + 1, cold_data_days: days + 2 },
  };
  const pool = await workspace.openPool(config);
  try {
    ctx.step(`loading ${days} days of five tables`);
    const loadStarted = performance.now();
    const counts = await pool.withWriter((session) =>
      // The oldest day is `days` ago, the newest yesterday.
      insertTablesSql(session, {
        firstDay: dayBefore(days),
        days,
        symbols: SYMBOLS,
        ticksPerSymbolDay: TICKS_PER_SYMBOL_DAY,
      }),
    );
    const loadMs = performance.now() - loadStarted;
    const databaseBytes = await pool.withWriter((session) => checkpointedSize(session, pool.file));
    const specs = tableSpecs();
    const columns = await pool.withReader(async (session) =>
      Promise.all(specs.map((spec) => tableColumns(session, spec.table))),
    );
    const layerDir = config.export.directory;
    const rawDir = path.join(workspace.folder, 'export-many-raw');
    const { compression, row_group_size: rowGroupSize } = config.export;
    const options = `FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupSize}`;
    const onWriter = (sql: string) => pool.withWriter((session) => session.connection.run(sql));
    let partitions = 0;
    let exportedRows = 0;
    let layerBytes = 0;
    let rawBytes = 0;
    const runs = await alternate(
      [
        {
          name: 'layer',
          run: async () => {
            await pool.withWriter((session) => session.run('DELETE FROM partition_exports'));
            await removeFolder(layerDir);
            const usage = await measureUsage(async () => {
              const report = await exportPartitions(pool);
              if (report.failed > 0)
                throw report.results.find((item) => item.error)?.error ?? new Error('export failed');
              partitions = report.exported;
              exportedRows = report.rows_exported;
            });
            layerBytes = await folderBytes(layerDir);
            return usage;
          },
        },
        {
          name: 'raw',
          run: async () => {
            await removeFolder(rawDir);
            await fs.promises.mkdir(rawDir, { recursive: true });
            const usage = await measureUsage(async () => {
              for (const [index, spec] of specs.entries()) {
                await onWriter(
                  `COPY (SELECT ${exportSelectList(columns[index]!)}, ${dayExpression(spec.timeColumn)} AS date
                         FROM ${spec.table}
                         ORDER BY ${orderByList(spec)})
                   TO ${quoteLiteral(path.join(rawDir, spec.table))} (${options}, PARTITION_BY (date))`,
                );
              }
            });
            rawBytes = await folderBytes(rawDir);
            return usage;
          },
        },
        {
          name: 'per-day',
          run: async () => {
            await removeFolder(rawDir);
            await fs.promises.mkdir(rawDir, { recursive: true });
            return measureUsage(async () => {
              for (const [index, spec] of specs.entries()) {
                const statements: string[] = [];
                for (let offset = days; offset >= 1; offset--) {
                  const day = dayBefore(offset);
                  statements.push(
                    `COPY (SELECT ${exportSelectList(columns[index]!)} FROM ${spec.table}
                           WHERE ${spec.timeColumn} >= TIMESTAMPTZ '${day} 00:00:00+00'
                             AND ${spec.timeColumn} < TIMESTAMPTZ '${day} 00:00:00+00' + INTERVAL 1 DAY
                           ORDER BY ${orderByList(spec)})
                     TO ${quoteLiteral(path.join(rawDir, `${spec.table}-${day}.parquet`))} (${options})`,
                  );
                }
                await inCopyLanes(pool, statements, COPY_SLOTS);
              }
            });
          },
        },
      ],
      // Each side is a whole export of every day: two rounds, no warm-up (the first load warmed the cache).
      { rounds: Math.min(2, settings.rounds), warmup: 0, signal: ctx.signal },
    );
    await removeFolder(rawDir);
    ctx.step('second run, nothing new');
    const second = await measureUsage(async () => {
      const report = await exportPartitions(pool);
      if (report.exported > 0) throw new Error(`the second run exported ${report.exported} partitions`);
    });
    const layer = wallMs(runs, 'layer');
    const ownCopies = wallMs(runs, 'per-day');
    const bookkeeping =
      layer === null || ownCopies === null ? null : (layer - ownCopies) / Math.max(1, partitions);
    const metric = `export ${days} days x 5 tables (${partitions} partitions)`;
    const rawIs = `raw COPY ... TO (${compression}, PARTITION_BY (date)), sorted, same columns, one per table`;
    const totalRows = Object.values(counts).reduce((total, count) => total + count, 0);
    if (exportedRows !== totalRows) throw new Error(`exported ${exportedRows} of ${totalRows} rows`);
    return {
      results: [
        ...exportComparison(runs, metric, rawIs, BUDGETS.exportManyPartitions),
        result({
          scenario: 'export',
          metric: `${metric}: bookkeeping per partition`,
          unit: 'ms',
          layer: bookkeeping,
          baseline: BOOKKEEPING_BUDGET_MS,
          baseline_is: 'the budget: (layer - its own COPYs) / partitions',
          budget: BUDGETS.atMostTheBaseline,
        }),
        result({
          scenario: 'export',
          metric: `${metric}: second run, nothing new`,
          unit: 'ms',
          layer: second.ms,
          baseline: SECOND_RUN_BUDGET_MS,
          baseline_is: 'the budget: a check of every partition, no export',
          budget: BUDGETS.atMostTheBaseline,
        }),
      ],
      details: {
        many_days: days,
        many_partitions: partitions,
        many_rows: totalRows,
        many_ticks: counts['market_ticks'] ?? 0,
        many_load_ms: Math.round(loadMs),
        many_database_bytes: databaseBytes,
        many_layer_parquet_bytes: layerBytes,
        many_raw_parquet_bytes: rawBytes,
        many_second_run_cpu_ms: Math.round(second.cpuMs),
      },
    };
  } finally {
    await workspace.closePool(pool);
  }
}
