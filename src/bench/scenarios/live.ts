import fs from 'node:fs';
import path from 'node:path';
import { throwIfAborted } from '../alternate.js';
import { BUDGETS, result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { removeFolder } from '../disk.js';
import { dayBefore, insertOrdersSql, insertTicksSql, sampleOrderIds } from '../fixtures.js';
import { LatencyHistogram, medianMs } from '../histogram.js';
import {
  type AppendSample,
  builtLibrary,
  epochMs,
  LiveService,
  writeServiceScript,
} from '../live-service.js';
import { writeRawScripts } from '../process-scripts.js';
import { type ProcessRun, type SpawnSettings, timedEnv, timeProcess, unsetNote } from '../spawn-timer.js';
import type { BenchResult, ScenarioReport } from '../types.js';

/** The service's appends: a few hundred ticks, then a short pause, as a feed handler's batches. */
const SERVICE_BATCH_ROWS = 500;
const SERVICE_PAUSE_MS = 5;
/** The online backup's database: at least this big at working sizes (~22 bytes per generated tick). */
const FULL_MIN_BYTES = 200 * 1024 * 1024;
const FULL_TICKS = 10_000_000;

/** A stretch of the service's life: quiet, or while a job ran through its endpoint. */
interface Window {
  kind: 'quiet' | 'backup' | 'export';
  start: number;
  end: number;
}

/** Sizes of one run. */
interface LiveSizes {
  ticks: number;
  /** Raw and routed blocks alternate this many times. */
  blocks: number;
  lookupsPerBlock: number;
  backupsPerBlock: number;
  quietMs: number;
}

function sizesOf(ctx: ScenarioContext): LiveSizes {
  if (ctx.quick)
    return { ticks: ctx.settings.rows, blocks: 1, lookupsPerBlock: 1, backupsPerBlock: 1, quietMs: 150 };
  return {
    ticks: Math.max(ctx.settings.rows, FULL_TICKS),
    blocks: 2,
    lookupsPerBlock: 10,
    backupsPerBlock: 2,
    quietMs: 3000,
  };
}

/**
 * Live operation (README "Running beside a live service"): a trading
 * service in a child process holds the database, serves the admin
 * endpoint and appends ticks, while the operator's commands run through
 * it as whole processes. Rows: `query order <id> --json` routed against
 * raw-lookup.mjs opening the file itself (the service stopped, as it must
 * be for that); the service's append latency and longest stall during a
 * `backup --method file` against quiet stretches; the backup's time against
 * raw-backup.mjs on the same file; the service's ingest rate while
 * `export-partitions` runs against quiet. Raw and routed blocks alternate.
 * Needs the built CLI and library.
 */
export async function runLive(ctx: ScenarioContext, env: SpawnSettings['env']): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace } = ctx;
  const sizes = sizesOf(ctx);
  const config = workspace.configFor('live');
  const database = config.database_path;
  const library = builtLibrary();
  const built =
    library !== undefined && fs.existsSync(path.join(path.dirname(ctx.bin), '..', 'dist', 'cli', 'main.js'));
  if (!built)
    return unmeasured(
      started,
      `skipped: the CLI or the library is not built (${ctx.bin}); run npm run build`,
    );

  ctx.step('preparing the database');
  const pool = await workspace.openPool(config);
  let id: string;
  try {
    id = await pool.withWriter(async (session) => {
      await insertTicksSql(session, {
        rows: sizes.ticks,
        symbols: ctx.settings.symbols,
        firstDay: dayBefore(ctx.settings.days),
        days: ctx.settings.days,
      });
      await insertOrdersSql(session, ctx.settings.order_rows, ctx.settings.symbols, `${ctx.runId}-l`);
      await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
      return (await sampleOrderIds(session, 1))[0]!;
    });
  } finally {
    await workspace.closePool(pool);
  }
  const databaseBytes = (await fs.promises.stat(database)).size;
  const scripts = await writeRawScripts(workspace.folder);
  const serviceScript = await writeServiceScript(workspace.folder, library);
  const timed = timedEnv(env);
  const spawnSettings: SpawnSettings = { cwd: workspace.folder, env: timed.env };
  const rawOut = path.join(workspace.folder, 'live-raw-backup.duckdb');

  const lookups = { routed: [] as number[], raw: [] as number[], node: [] as number[] };
  const backups = { routed: [] as number[], raw: [] as number[] };
  const windows: Window[] = [];
  const samples: AppendSample[] = [];
  let exportMs: number | null = null;

  const run = async (args: readonly string[], what: string): Promise<ProcessRun> => {
    const done = await timeProcess(args, spawnSettings);
    if (done.code !== 0)
      throw new ProcessFailed(
        `${what} exited ${done.code}: ${done.stderr.trim().split('\n')[0]?.slice(0, 200)}`,
      );
    return done;
  };
  /** Runs a job through the endpoint as a whole process, recording its window of the service's life. */
  const job = async (kind: Window['kind'], args: readonly string[]): Promise<number> => {
    const start = epochMs();
    const done = await run(args, `tradedb ${args[1]}`);
    windows.push({ kind, start, end: epochMs() });
    return done.ms;
  };
  const quiet = async () => {
    const start = epochMs();
    await new Promise((resolve) => setTimeout(resolve, sizes.quietMs));
    windows.push({ kind: 'quiet', start, end: epochMs() });
  };

  try {
    for (let block = 0; block < sizes.blocks; block++) {
      // Raw first in even blocks, routed first in odd ones: neither always runs on a warmer cache.
      const sides = [rawBlock, routedBlock];
      for (const side of block % 2 === 0 ? sides : sides.reverse()) {
        throwIfAborted(ctx.signal);
        await side(block);
      }
    }
  } catch (error) {
    // A command that failed is a finding of this scenario, not the end of `bench all`.
    if (!(error instanceof ProcessFailed)) throw error;
    return unmeasured(started, `failed: ${error.message}`);
  }

  async function rawBlock(): Promise<void> {
    ctx.step('raw lookups and backups (no service)');
    for (let i = 0; i < sizes.lookupsPerBlock; i++)
      lookups.raw.push((await run([scripts.lookup, database, id], 'raw-lookup.mjs')).ms);
    for (let i = 0; i < sizes.backupsPerBlock; i++) {
      backups.raw.push((await run([scripts.backup, database, rawOut], 'raw-backup.mjs')).ms);
      await fs.promises.rm(rawOut, { force: true });
    }
  }

  async function routedBlock(block: number): Promise<void> {
    ctx.step('starting the service');
    const service = await LiveService.start(serviceScript, config, {
      batchRows: SERVICE_BATCH_ROWS,
      pauseMs: SERVICE_PAUSE_MS,
      env,
    });
    try {
      throwIfAborted(ctx.signal);
      ctx.step('routed lookups (service paused)');
      // The raw side reads a file nobody writes: the routed side gets a service that does not write either.
      await service.pause();
      const lookup = [ctx.bin, 'query', 'order', id, '--json', '--database', database];
      for (let i = 0; i < sizes.lookupsPerBlock; i++) {
        lookups.routed.push((await run(lookup, 'tradedb query order')).ms);
        // Node's own start, in turn with it: what the routed lookup adds to it is the fast path's cost.
        lookups.node.push((await run(['-e', '0'], 'node -e 0')).ms);
      }
      service.resume();
      ctx.step('backups through the endpoint while the service appends');
      await quiet();
      for (let i = 0; i < sizes.backupsPerBlock; i++) {
        backups.routed.push(
          await job('backup', [ctx.bin, 'backup', '--method', 'file', '--database', database, '--json']),
        );
        await removeFolder(config.backup.directory);
        await quiet();
      }
      // The first export has every past day to write; later ones would find nothing new.
      if (block === 0) {
        ctx.step('export-partitions through the endpoint while the service appends');
        exportMs = await job('export', [ctx.bin, 'export-partitions', '--database', database, '--json']);
        await quiet();
      }
      samples.push(...(await service.samples()));
      await service.stop();
    } catch (error) {
      service.kill();
      throw error;
    }
  }

  const during = (kind: Window['kind']) =>
    samples.filter(([at]) => windows.some((w) => w.kind === kind && at >= w.start && at <= w.end));
  const quietSamples = during('quiet');
  const backupSamples = during('backup');
  const exportSamples = during('export');
  // Append latencies, ms, of each kind of window.
  const [quietMs, backupMs, duringExportMs] = [quietSamples, backupSamples, exportSamples].map((chosen) =>
    chosen.map(([, ms]) => ms),
  ) as [number[], number[], number[]];
  const quietP99 = percentile(quietMs, 99);
  const rate = (kind: Window['kind'], chosen: AppendSample[]) => {
    const seconds =
      windows.filter((w) => w.kind === kind).reduce((sum, w) => sum + (w.end - w.start), 0) / 1000;
    return seconds > 0 ? chosen.reduce((sum, [, , rows]) => sum + rows, 0) / seconds : null;
  };
  const row = (input: Omit<Parameters<typeof result>[0], 'scenario'>): BenchResult =>
    result({ scenario: 'live', ...input });
  const smallDatabase =
    databaseBytes < FULL_MIN_BYTES ? `; a ${mib(databaseBytes)} MiB database (working size: ≥ 200 MiB)` : '';
  const results: BenchResult[] = [
    row({
      metric: 'query order <id> --json through a live endpoint, p50',
      unit: 'ms',
      layer: percentile(lookups.routed, 50),
      baseline: percentile(lookups.raw, 50),
      baseline_is: 'raw-lookup.mjs opening the file itself (service stopped)',
      budget: BUDGETS.routedQueryOrderProcess,
      note: `${lookups.routed.length} runs each, whole processes; the service paused its appends${unsetNote(timed.unset)}`,
    }),
    row({
      metric: 'query order <id> --json through a live endpoint, p99',
      unit: 'ms',
      layer: percentile(lookups.routed, 99),
      baseline: percentile(lookups.raw, 99),
      baseline_is: 'raw-lookup.mjs opening the file itself (service stopped)',
    }),
    row({
      metric: 'query order <id> --json through a live endpoint against node -e 0, p50',
      unit: 'ms',
      layer: percentile(lookups.routed, 50),
      baseline: percentile(lookups.node, 50),
      baseline_is: 'node -e 0, in turn with it (the floor of any whole process)',
    }),
    row({
      metric: 'service append p99 during backup --method file',
      unit: 'ms',
      layer: percentile(backupMs, 99),
      baseline: quietP99,
      baseline_is: `the same service, no job running (${SERVICE_BATCH_ROWS}-tick appends)`,
      note: `${backupSamples.length} appends during backups, ${quietSamples.length} quiet${smallDatabase}`,
    }),
    row({
      metric: 'longest service write stall during backup --method file',
      unit: 'ms',
      layer: maxOf(backupMs),
      baseline: maxOf(quietMs),
      baseline_is: 'the longest append with no job running',
      note: 'the file method holds the writer while it checkpoints and copies',
    }),
    row({
      metric: 'backup --method file through the endpoint, service appending',
      unit: 'ms',
      layer: medianMs(backups.routed),
      baseline: medianMs(backups.raw),
      baseline_is: 'raw-backup.mjs on the same file (lock, CHECKPOINT, copy, fsync, sha256; service stopped)',
      budget: BUDGETS.liveFileBackupProcess,
      note: `whole processes, median of ${backups.routed.length} (${inOrder(backups.routed)} against ${inOrder(backups.raw)} ms, in the order they ran)${smallDatabase}`,
    }),
    row({
      metric: 'service append p99 during export-partitions',
      unit: 'ms',
      layer: percentile(duringExportMs, 99),
      baseline: quietP99,
      baseline_is: `the same service, no job running (${SERVICE_BATCH_ROWS}-tick appends)`,
      note: `${exportSamples.length} appends during the export; longest ${Math.round(maxOf(duringExportMs) ?? 0)} ms`,
    }),
    row({
      metric: 'service ingest rate during export-partitions',
      unit: 'rows/s',
      layer: rate('export', exportSamples),
      baseline: rate('quiet', quietSamples),
      baseline_is: 'the same service, no job running',
      note: `export-partitions through the endpoint took ${exportMs === null ? '?' : Math.round(exportMs)} ms`,
    }),
  ];
  return {
    scenario: 'live',
    results,
    details: {
      database_bytes: databaseBytes,
      ticks: sizes.ticks,
      orders: ctx.settings.order_rows,
      service_batch_rows: SERVICE_BATCH_ROWS,
      service_pause_ms: SERVICE_PAUSE_MS,
      blocks: sizes.blocks,
      cli: ctx.bin,
      unset_for_timed_processes: timed.unset.join(', ') || null,
    },
    duration_ms: Math.round(performance.now() - started),
  };
}

function percentile(values: readonly number[], p: number): number | null {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram.percentile(p);
}

function maxOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

function mib(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

class ProcessFailed extends Error {}

/** The scenario's budgeted row without numbers, and why. */
function unmeasured(started: number, note: string): ScenarioReport {
  return {
    scenario: 'live',
    results: [
      result({
        scenario: 'live',
        metric: 'query order <id> --json through a live endpoint, p50',
        unit: 'ms',
        layer: null,
        baseline: null,
        baseline_is: 'raw-lookup.mjs opening the file itself (service stopped)',
        budget: BUDGETS.routedQueryOrderProcess,
        note,
      }),
    ],
    details: {},
    duration_ms: Math.round(performance.now() - started),
  };
}

/** Each run's milliseconds, rounded, in the order they ran: a row's spread shows what its median hides. */
function inOrder(samples: readonly number[]): string {
  return samples.map((ms) => Math.round(ms)).join(', ');
}
