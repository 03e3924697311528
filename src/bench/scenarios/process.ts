import fs from 'node:fs';
import path from 'node:path';
import { alternate } from '../alternate.js';
import { BUDGETS, result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { removeFolder } from '../disk.js';
import { dayBefore, insertOrdersSql, insertTicksSql, sampleOrderIds } from '../fixtures.js';
import { medianMs } from '../histogram.js';
import { writeRawScripts } from '../process-scripts.js';
import { type ProcessRun, type SpawnSettings, timedEnv, timeProcess } from '../spawn-timer.js';
import type { BenchBudget, BenchResult, ScenarioReport } from '../types.js';

interface Pair {
  metric: string;
  budget: BenchBudget;
  baseline_is: string;
  layer: () => readonly string[];
  raw: () => readonly string[];
  /** Runs before each timed run (outside the timing), e.g. to empty the output folder. */
  reset?: () => Promise<void>;
  note?: string;
}

/**
 * Whole processes, the budgets of BENCHMARKS.md that are about what an
 * operator waits for: `tradedb --version` and `--help` against `node -e 0`,
 * `query order <id> --json` against raw-lookup.mjs, and `backup --method
 * file` against raw-backup.mjs, on a scratch database. Needs the built CLI.
 */
export async function runProcess(ctx: ScenarioContext, env: SpawnSettings['env']): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace, settings } = ctx;
  const config = workspace.configFor('process');
  const database = config.database_path;
  const pool = await workspace.openPool(config);
  let id: string;
  try {
    ctx.step('preparing the database');
    id = await pool.withWriter(async (session) => {
      await insertTicksSql(session, {
        rows: settings.rows,
        symbols: settings.symbols,
        firstDay: dayBefore(settings.days),
        days: settings.days,
      });
      await insertOrdersSql(session, settings.order_rows, settings.symbols, `${ctx.runId}-p`);
      await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
      return (await sampleOrderIds(session, 1))[0]!;
    });
  } finally {
    // The child processes need the file lock.
    await workspace.closePool(pool);
  }
  const size = (await fs.promises.stat(database)).size;
  const timed = timedEnv(env);
  const spawnSettings: SpawnSettings = { cwd: workspace.folder, env: timed.env };
  const bin = ctx.bin;
  const built =
    fs.existsSync(bin) && fs.existsSync(path.join(path.dirname(bin), '..', 'dist', 'cli', 'main.js'));
  const scripts = await writeRawScripts(workspace.folder);
  const out = path.join(workspace.folder, 'process-out');
  const lookup = await lookupCommand(bin, database, id, spawnSettings, built);
  const pairs: Pair[] = [
    {
      metric: 'tradedb --version',
      budget: BUDGETS.startupProcess,
      baseline_is: 'node -e 0',
      layer: () => [bin, '--version'],
      raw: () => ['-e', '0'],
    },
    {
      metric: 'tradedb --help',
      budget: BUDGETS.startupProcess,
      baseline_is: 'node -e 0',
      layer: () => [bin, '--help'],
      raw: () => ['-e', '0'],
    },
    {
      metric: 'tradedb query order <id> --json',
      budget: BUDGETS.queryOrderProcess,
      baseline_is: 'raw-lookup.mjs (read-only open, SELECT by id, JSON)',
      layer: () => lookup.args,
      raw: () => [scripts.lookup, database, id],
      ...(lookup.note === undefined ? {} : { note: lookup.note }),
    },
    {
      metric: 'tradedb backup --method file',
      budget: BUDGETS.fileBackupProcess,
      baseline_is: 'raw-backup.mjs (lock, CHECKPOINT, copy, fsync, sha256)',
      layer: () => [
        bin,
        'backup',
        '--method',
        'file',
        '--database',
        database,
        '--out',
        path.join(out, 'layer'),
        '--json',
      ],
      raw: () => [scripts.backup, database, path.join(out, 'raw.duckdb')],
      reset: async () => {
        await removeFolder(out);
        await fs.promises.mkdir(out, { recursive: true });
      },
    },
  ];
  const results: BenchResult[] = [];
  for (const pair of pairs) {
    ctx.step(pair.metric);
    if (!built) {
      results.push(unmeasured(pair, `skipped: the CLI is not built (${bin}); run npm run build`));
      continue;
    }
    results.push(await comparePair(ctx, pair, spawnSettings));
  }
  await removeFolder(out);
  return {
    scenario: 'process',
    results,
    details: {
      database_bytes: size,
      orders: settings.order_rows,
      ticks: settings.rows,
      cli: bin,
      unset_for_timed_processes: timed.unset.join(', ') || null,
    },
    duration_ms: Math.round(performance.now() - started),
  };
}

async function comparePair(ctx: ScenarioContext, pair: Pair, settings: SpawnSettings): Promise<BenchResult> {
  const side = (args: () => readonly string[]) => async (): Promise<ProcessRun> => {
    await pair.reset?.();
    const run = await timeProcess(args(), settings);
    if (run.code !== 0)
      throw new ProcessFailed(
        `${[...args()].slice(0, 3).join(' ')} exited ${run.code}: ${firstLine(run.stderr)}`,
      );
    return run;
  };
  try {
    const rounds = ctx.quick ? 1 : Math.max(5, ctx.settings.rounds * 3);
    const runs = await alternate(
      [
        { name: 'layer', run: side(pair.layer) },
        { name: 'raw', run: side(pair.raw) },
      ],
      { rounds, warmup: ctx.quick ? 0 : 1, signal: ctx.signal },
    );
    return result({
      scenario: 'process',
      metric: pair.metric,
      unit: 'ms',
      layer: medianMs(runs['layer']!.map((run) => run.ms)),
      baseline: medianMs(runs['raw']!.map((run) => run.ms)),
      baseline_is: pair.baseline_is,
      budget: pair.budget,
      ...(pair.note === undefined ? {} : { note: pair.note }),
    });
  } catch (error) {
    if (error instanceof ProcessFailed) return unmeasured(pair, `failed: ${error.message}`);
    throw error;
  }
}

/**
 * `query order <id> --json` when this build has it; otherwise the same
 * lookup through `query sql`, marked as a stand-in in the result's note.
 */
async function lookupCommand(
  bin: string,
  database: string,
  id: string,
  settings: SpawnSettings,
  built: boolean,
): Promise<{ args: string[]; note?: string }> {
  const args = [bin, 'query', 'order', id, '--json', '--database', database];
  if (!built) return { args };
  const probe = await timeProcess(args, settings);
  if (probe.code === 0) return { args };
  return {
    args: [
      bin,
      'query',
      'sql',
      `SELECT * FROM orders WHERE order_id = '${id}'`,
      '--json',
      '--database',
      database,
    ],
    note: `\`query order\` is not available in this build (exit ${probe.code}); measured \`query sql\` with the same lookup instead`,
  };
}

function unmeasured(pair: Pair, note: string): BenchResult {
  return result({
    scenario: 'process',
    metric: pair.metric,
    unit: 'ms',
    layer: null,
    baseline: null,
    baseline_is: pair.baseline_is,
    budget: pair.budget,
    note,
  });
}

class ProcessFailed extends Error {}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
