import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PACKAGE_ROOT } from '../version.js';
import { throwIfAborted } from './alternate.js';
import type { ScenarioContext } from './context.js';
import { collectHardware, loadAverage } from './hardware.js';
import { runBackup } from './scenarios/backup.js';
import { runConcurrent } from './scenarios/concurrent.js';
import { runExport } from './scenarios/export.js';
import { runInsert } from './scenarios/insert.js';
import { runLive } from './scenarios/live.js';
import { runProcess } from './scenarios/process.js';
import { runQuery } from './scenarios/query.js';
import { benchSettings } from './settings.js';
import {
  BENCH_SCENARIOS,
  type BenchHardware,
  type BenchOptions,
  type BenchReport,
  type BenchScenario,
  type BenchSettings,
  type ScenarioReport,
} from './types.js';
import { BenchWorkspace } from './workspace.js';

/** The body of runBench (see run-bench.ts), loaded on first use. */
export async function runBenchNow(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const settings = benchSettings(options);
  const scenarios = BENCH_SCENARIOS.filter((name) => (options.scenarios ?? BENCH_SCENARIOS).includes(name));
  const workspace = await BenchWorkspace.create({
    config: options.config,
    database: options.database,
    parent: options.parent,
    keep: options.keep ?? false,
    observer: options.observer,
    signal: options.signal,
  });
  let ran: { hardware: BenchHardware; reports: ScenarioReport[] };
  try {
    ran = await runScenarios(workspace, scenarios, settings, options);
  } catch (error) {
    // The run's own error is the one to report; cleanup still happens.
    await workspace.close().catch(() => {});
    throw error;
  }
  await workspace.close();
  const results = ran.reports.flatMap((report) => report.results);
  return {
    started_at: startedAt,
    duration_ms: Math.round(performance.now() - started),
    quick: options.quick ?? false,
    settings,
    hardware: ran.hardware,
    load_average_end: loadAverage(),
    folder: workspace.folder,
    kept: options.keep ?? false,
    scenarios: ran.reports,
    results,
    failed: results.filter((item) => item.pass === false),
  };
}

async function runScenarios(
  workspace: BenchWorkspace,
  scenarios: readonly BenchScenario[],
  settings: BenchSettings,
  options: BenchOptions,
): Promise<{ hardware: BenchHardware; reports: ScenarioReport[] }> {
  const hardware = await collectHardware(workspace.folder, options.config);
  const reports: ScenarioReport[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    throwIfAborted(options.signal);
    const progress = (step: string) =>
      options.onProgress?.({ scenario, step, index, total: scenarios.length });
    progress('starting');
    const ctx: ScenarioContext = {
      workspace,
      config: options.config,
      settings,
      quick: options.quick ?? false,
      runId: randomBytes(4).toString('hex'),
      bin: options.bin ?? path.join(PACKAGE_ROOT, 'bin', 'tradedb.cjs'),
      signal: options.signal,
      observer: options.observer,
      step: progress,
    };
    reports.push(await runScenario(scenario, ctx, options));
    progress('done');
  }
  return { hardware, reports };
}

function runScenario(
  scenario: BenchScenario,
  ctx: ScenarioContext,
  options: BenchOptions,
): Promise<ScenarioReport> {
  switch (scenario) {
    case 'insert':
      return runInsert(ctx);
    case 'query':
      return runQuery(ctx);
    case 'concurrent':
      return runConcurrent(ctx);
    case 'export':
      return runExport(ctx);
    case 'backup':
      return runBackup(ctx);
    case 'process':
      return runProcess(ctx, options.env ?? process.env);
    case 'live':
      return runLive(ctx, options.env ?? process.env);
  }
}
