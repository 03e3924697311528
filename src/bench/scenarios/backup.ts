import fs from 'node:fs';
import path from 'node:path';
import { backup } from '../../backup/backup.js';
import type { TradeDbConfig } from '../../config/schema.js';
import { alternate, timeMs } from '../alternate.js';
import { result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { removeFolder } from '../disk.js';
import { dayBefore, insertOrdersSql, insertTicksSql } from '../fixtures.js';
import { medianMs } from '../histogram.js';
import { copyAndHash, rawExportBackup, rawFileBackup } from '../raw-backup.js';
import type { BenchResult, ScenarioReport } from '../types.js';
import type { BenchWorkspace } from '../workspace.js';

/**
 * Backup, in this process: `backup({ method: 'file' })` against raw-backup.mjs's
 * steps and against a plain copy + sha256; `backup({ method: 'export' })`
 * against a raw EXPORT DATABASE + sha256. (The whole-process budget of
 * the whole-process budget is measured by the process scenario.)
 */
export async function runBackup(ctx: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace, settings } = ctx;
  const config = workspace.configFor('backup', true);
  ctx.step('preparing the database');
  const loadMs = await prepareDatabase(ctx, workspace, config);
  const database = config.database_path;
  const size = (await fs.promises.stat(database)).size;
  const scratch = path.join(workspace.folder, 'backup-raw');
  const layerDir = path.join(workspace.folder, 'backup-layer');
  const layerBackup = (method: 'file' | 'export') => async () => {
    let made = '';
    const ms = await timeMs(async () => {
      made = (
        await backup({ config, method, directory: layerDir, signal: ctx.signal, observer: ctx.observer })
      ).path;
    });
    await removeFolder(made);
    return ms;
  };
  const rawSide = (work: (target: string) => Promise<unknown>) => async () => {
    await removeFolder(scratch);
    await fs.promises.mkdir(scratch, { recursive: true });
    const ms = await timeMs(() => work(path.join(scratch, 'copy')));
    await removeFolder(scratch);
    return ms;
  };
  ctx.step('file backups');
  const file = await alternate(
    [
      { name: 'layer', run: layerBackup('file') },
      { name: 'raw', run: rawSide((target) => rawFileBackup(database, target)) },
      { name: 'cp', run: rawSide((target) => copyAndHash(database, target)) },
    ],
    { rounds: settings.rounds, warmup: 1, signal: ctx.signal },
  );
  ctx.step('export backups');
  const exported = await alternate(
    [
      { name: 'layer', run: layerBackup('export') },
      { name: 'raw', run: rawSide((target) => rawExportBackup(database, target)) },
    ],
    { rounds: settings.rounds, warmup: 1, signal: ctx.signal },
  );
  await removeFolder(layerDir);
  const common = { scenario: 'backup' as const, unit: 'ms' };
  const results: BenchResult[] = [
    result({
      ...common,
      metric: 'file backup (in process)',
      layer: medianMs(file['layer']!),
      baseline: medianMs(file['raw']!),
      baseline_is: 'raw-backup.mjs steps: open, CHECKPOINT, copy, fsync, sha256',
    }),
    result({
      ...common,
      metric: 'file backup vs plain cp + sha256',
      layer: medianMs(file['layer']!),
      baseline: medianMs(file['cp']!),
      baseline_is: 'fs.copyFile + sha256 of the copy (no open, no fsync)',
    }),
    result({
      ...common,
      metric: 'export backup (in process)',
      layer: medianMs(exported['layer']!),
      baseline: medianMs(exported['raw']!),
      baseline_is: 'raw read-only EXPORT DATABASE (Parquet zstd) + sha256 of each file',
    }),
  ];
  return {
    scenario: 'backup',
    results,
    details: { database_bytes: size, load_ms: loadMs, ticks: settings.rows, orders: settings.order_rows },
    duration_ms: Math.round(performance.now() - started),
  };
}

/** A scratch database with ticks and orders, checkpointed and closed (backups open it themselves). */
async function prepareDatabase(
  ctx: ScenarioContext,
  workspace: BenchWorkspace,
  config: TradeDbConfig,
): Promise<number | null> {
  if (workspace.isUserDatabase(config)) return null;
  const pool = await workspace.openPool(config);
  try {
    return await pool.withWriter(async (session) => {
      const ms =
        (await insertTicksSql(session, {
          rows: ctx.settings.rows,
          symbols: ctx.settings.symbols,
          firstDay: dayBefore(ctx.settings.days),
          days: ctx.settings.days,
        })) +
        (await insertOrdersSql(session, ctx.settings.order_rows, ctx.settings.symbols, `${ctx.runId}-b`));
      await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
      return Math.round(ms);
    });
  } finally {
    await workspace.closePool(pool);
  }
}
