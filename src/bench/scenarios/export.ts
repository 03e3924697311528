import fs from 'node:fs';
import path from 'node:path';
import { COPY_SLOTS } from '../../partitioning/export-batch.js';
import { exportPartitions } from '../../partitioning/job.js';
import { quoteLiteral } from '../../sql/quote.js';
import { alternate } from '../alternate.js';
import { BUDGETS } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { folderBytes, removeFolder } from '../disk.js';
import { checkpointedSize, dayBefore, insertTicksSql } from '../fixtures.js';
import { inCopyLanes } from '../lanes.js';
import type { ScenarioReport } from '../types.js';
import { measureUsage } from '../usage.js';
import { exportComparison } from './export-comparison.js';
import { runExportMany } from './export-many.js';

/** The UTC day of `ts` in integer arithmetic, as export-partitions names its folders. */
const DAY_OF_TS = "CAST(DATE '1970-01-01' + CAST(floor(epoch_us(ts) / 86400000000) AS INTEGER) AS DATE)";

/**
 * Export: exportPartitions of every tick day (past the hot tier) against
 * one raw `COPY ... TO (FORMAT parquet, PARTITION_BY (date))` of the same
 * rows, sorted the same way, with the same compression and row groups.
 * Always on a scratch database: an export writes the database's ledger.
 */
export async function runExport(ctx: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace, settings } = ctx;
  const config = workspace.configFor('export');
  const pool = await workspace.openPool(config);
  let closed = false;
  try {
    ctx.step('loading ticks');
    const load = await pool.withWriter(async (session) => ({
      ms: await insertTicksSql(session, {
        rows: settings.rows,
        symbols: settings.symbols,
        firstDay: dayBefore(settings.days),
        days: settings.days,
      }),
      bytes: await checkpointedSize(session, pool.file),
    }));
    const layerDir = config.export.directory;
    const rawDir = path.join(workspace.folder, 'export-raw');
    const { compression, row_group_size: rowGroupSize } = config.export;
    const options = `FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupSize}`;
    const days = Array.from({ length: settings.days }, (_, index) => dayBefore(settings.days - index));
    const bytes = { layer: 0, raw: 0 };
    const onWriter = (sql: string) => pool.withWriter((session) => session.connection.run(sql));
    const runs = await alternate(
      [
        {
          name: 'layer',
          run: async () => {
            // Start from nothing each time: no ledger rows, no files (else it has nothing to do).
            await pool.withWriter((session) => session.run('DELETE FROM partition_exports'));
            await removeFolder(layerDir);
            let exported = 0;
            const usage = await measureUsage(async () => {
              const report = await exportPartitions(pool, { tables: ['market_ticks'] });
              if (report.failed > 0)
                throw report.results.find((item) => item.error)?.error ?? new Error('export failed');
              exported = report.rows_exported;
            });
            if (exported !== settings.rows) throw new Error(`exported ${exported} of ${settings.rows} rows`);
            bytes.layer = await folderBytes(layerDir);
            return usage;
          },
        },
        {
          name: 'raw',
          run: async () => {
            await removeFolder(rawDir);
            const usage = await measureUsage(() =>
              onWriter(
                `COPY (SELECT *, ${DAY_OF_TS} AS date FROM market_ticks ORDER BY symbol, ts)
                 TO ${quoteLiteral(rawDir)} (${options}, PARTITION_BY (date))`,
              ),
            );
            bytes.raw = await folderBytes(rawDir);
            return usage;
          },
        },
        {
          name: 'per-day',
          run: async () => {
            await removeFolder(rawDir);
            await fs.promises.mkdir(rawDir, { recursive: true });
            return measureUsage(() =>
              inCopyLanes(
                pool,
                days.map(
                  (day) =>
                    `COPY (SELECT * FROM market_ticks WHERE ts >= TIMESTAMPTZ '${day} 00:00:00+00'
                           AND ts < TIMESTAMPTZ '${day} 00:00:00+00' + INTERVAL 1 DAY ORDER BY symbol, ts)
                     TO ${quoteLiteral(path.join(rawDir, `${day}.parquet`))} (${options})`,
                ),
                COPY_SLOTS,
              ),
            );
          },
        },
      ],
      { rounds: settings.rounds, warmup: 1, signal: ctx.signal },
    );
    await removeFolder(rawDir);
    // The many-partition case has a database of its own: this one's memory goes first.
    await workspace.closePool(pool);
    closed = true;
    const many = await runExportMany(ctx);
    const metric = `export ${settings.days} tick days to Parquet`;
    const sortedCopy = `raw COPY ... TO (${compression}, PARTITION_BY (date)), sorted`;
    return {
      scenario: 'export',
      results: [...exportComparison(runs, metric, sortedCopy, BUDGETS.exportPartitions), ...many.results],
      details: {
        rows: settings.rows,
        days: settings.days,
        symbols: settings.symbols,
        load_ms: Math.round(load.ms),
        database_bytes: load.bytes,
        layer_parquet_bytes: bytes.layer,
        raw_parquet_bytes: bytes.raw,
        ...many.details,
      },
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    if (!closed) await workspace.closePool(pool);
  }
}
