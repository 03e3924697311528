import fs from 'node:fs';
import path from 'node:path';
import { Argument, Command } from 'commander';
import type { BenchProgress, BenchReport, BenchResult, Column, PlainValue, Row } from '../src/index.js';
import { action, type CliScope } from './action.js';
import type { CommandContext } from './context.js';
import type { Library } from './library.js';
import { csvLine } from './render/csv.js';
import { toJsonText } from './render/json-text.js';
import { renderTable } from './render/table.js';

interface BenchFlags {
  quick?: boolean;
  rows?: string;
  symbols?: string;
  readers?: string;
  duration?: string;
  keep?: boolean;
  yes?: boolean;
  markdown?: string;
}

// Kept here rather than read from the library: --help must not load DuckDB.
const SCENARIOS = ['insert', 'query', 'concurrent', 'export', 'backup', 'process', 'all'] as const;

/** `tradedb bench [scenario]`: the layer against raw @duckdb/node-api, with the budgets of DESIGN.md §11. */
export function makeBenchCommand(scope: CliScope): Command {
  return new Command('bench')
    .description('benchmark tradedb against raw @duckdb/node-api baselines (DESIGN.md §11 budgets)')
    .addArgument(new Argument('[scenario]', 'what to run').choices(SCENARIOS).default('all'))
    .option('--quick', 'small sizes and few rounds: a smoke run of a few seconds per scenario')
    .option('--rows <n>', 'ticks per batch (default 1000000; quick 20000)')
    .option('--symbols <n>', 'symbol cardinality of the generated ticks (default 50; quick 10)')
    .option('--readers <n>', 'concurrent readers in the concurrent scenario (default 4; quick 2)')
    .option('--duration <seconds>', 'seconds per phase of the concurrent scenario (default 10; quick 1)')
    .option('--keep', 'keep the bench folder (and, with --database, the rows the bench wrote)')
    .option('--yes', 'consent to writing benchmark rows into the --database file')
    .option('--markdown <file>', `also write the table output into <file> between ${BEGIN} and ${END}`)
    .addHelpText(
      'after',
      `
By default everything happens in a temporary folder that is deleted at the
end; the configured database is never touched. With --database PATH --yes,
insert, query and concurrent run on PATH (adding rows of exchange BENCH, deleted
afterwards unless --keep) and backup backs PATH up into the bench folder, which
is made beside PATH; export and process always use scratch databases.
Every number is the layer and a raw baseline doing the same work in the same
run, alternating after a warm-up; ratio = layer / baseline. Budgets are pass/fail
marks, not exit codes. "process" times whole CLI processes (needs npm run build).

Examples:
  $ tradedb bench --quick
  $ tradedb bench query --rows 5000000 --symbols 500
  $ tradedb bench all --json > bench.json
  $ tradedb bench all --markdown BENCHMARKS.md   regenerate the numbers of BENCHMARKS.md`,
    )
    .action(
      action<BenchFlags>(scope, async (ctx, flags, [scenario]) => {
        const lib = await ctx.library();
        const options = {
          rows: count(lib, flags.rows, '--rows', 1000),
          symbols: count(lib, flags.symbols, '--symbols', 1),
          readers: count(lib, flags.readers, '--readers', 1),
          durationS: seconds(lib, flags.duration),
        };
        if (ctx.globals.database !== undefined) {
          await ctx.confirm(
            `write benchmark rows into ${ctx.globals.database} (deleted afterwards unless --keep)?`,
            flags.yes,
          );
        }
        const { config } = await ctx.config();
        // --database is already resolved against the working directory in the config.
        const database = ctx.globals.database === undefined ? undefined : config.database_path;
        const tracing = lib.hasRegisteredTracerProvider();
        // What a service runs with: metrics as configured, spans when an SDK is registered.
        const telemetry = await lib.createTelemetry(config, {
          tracing,
          stderr: ctx.globals.verbose ? { write: (text: string) => ctx.err.writeNow(text) } : undefined,
        });
        const metrics = telemetry.registry !== undefined;
        const progress = ctx.terminal.progress ? progressLine(ctx) : undefined;
        let report: BenchReport;
        try {
          report = await lib.runBench({
            config,
            scenarios:
              scenario === 'all' || scenario === undefined
                ? undefined
                : [scenario as BenchProgress['scenario']],
            quick: flags.quick ?? false,
            ...definedOnly(options),
            database,
            // The CLI's own environment decides the temporary folder, as os.tmpdir() would for a process.
            parent: database === undefined ? nonEmpty(ctx.io.env['TMPDIR']) : undefined,
            keep: flags.keep ?? false,
            observer: telemetry,
            observerLabel: `metrics ${metrics ? 'on' : 'off'}, tracing ${tracing ? 'on' : 'off'}`,
            signal: ctx.io.signal,
            onProgress: progress?.update,
            env: ctx.io.env,
          });
        } finally {
          progress?.clear();
          telemetry.close();
        }
        await writeReport(ctx, report);
        if (flags.markdown !== undefined) {
          const file = path.resolve(ctx.io.cwd, flags.markdown);
          lib.writeFileAtomic(file, markdownWith(file, report, tableText(report, undefined, undefined)));
          ctx.info(`wrote the results into ${file}`);
        }
        ctx.info(report.kept ? `bench folder kept: ${report.folder}` : 'bench folder removed');
        return undefined;
      }),
    );
}

async function writeReport(ctx: CommandContext, report: BenchReport): Promise<void> {
  switch (ctx.format) {
    case 'json':
      return ctx.out.write(`${toJsonText(report as unknown as PlainValue, '', '  ')}\n`);
    case 'ndjson':
      return ctx.out.write(
        report.results.map((item) => `${toJsonText(item as unknown as PlainValue)}\n`).join(''),
      );
    case 'csv':
      return ctx.out.write(
        csvLine(CSV_FIELDS) +
          report.results.map((item) => csvLine(CSV_FIELDS.map((key) => csvCell(item, key)))).join(''),
      );
    case 'table':
      return ctx.out.write(tableText(report, await ctx.chalk(), ctx.terminal.columns));
  }
}

const CSV_FIELDS = [
  'scenario',
  'metric',
  'unit',
  'layer',
  'baseline',
  'ratio',
  'budget',
  'pass',
  'baseline_is',
  'note',
];

function csvCell(item: BenchResult, key: string): string {
  if (key === 'budget') return budgetText(item);
  const value = item[key as keyof BenchResult];
  return value === null || value === undefined ? '' : String(value);
}

const COLUMNS: Column[] = [
  { name: 'metric', type: 'VARCHAR' },
  { name: 'unit', type: 'VARCHAR' },
  { name: 'layer', type: 'DOUBLE' },
  { name: 'baseline', type: 'DOUBLE' },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'budget', type: 'VARCHAR' },
  { name: 'pass', type: 'VARCHAR' },
];

const SUMMARY_COLUMNS: Column[] = [
  { name: 'scenario', type: 'VARCHAR' },
  { name: 'metric', type: 'VARCHAR' },
  { name: 'ratio', type: 'DOUBLE' },
  { name: 'budget', type: 'VARCHAR' },
  { name: 'pass', type: 'VARCHAR' },
];

type Chalk = Awaited<ReturnType<CommandContext['chalk']>>;

/** The table-mode output: hardware and versions, one table per scenario, then the budgets that failed. */
function tableText(report: BenchReport, chalk: Chalk, width: number | undefined): string {
  const hw = report.hardware;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `tradedb bench, ${report.started_at}${report.quick ? ' (quick)' : ''}, ${Math.round(report.duration_ms / 1000)} s`,
    `machine:  ${hw.cpu_model}, ${hw.cpu_cores} cores, ${gib(hw.memory_bytes)}, ${hw.platform} ${hw.kernel} ${hw.arch}`,
    `load:     ${hw.load_average.join(' ')} at the start, ${report.load_average_end.join(' ')} at the end (1/5/15 min)`,
    `disk:     ${hw.disk.type}, ${gib(hw.disk.free_bytes)} free of ${gib(hw.disk.total_bytes)} (${hw.disk.path})`,
    `versions: node ${hw.node}, DuckDB ${hw.duckdb} (@duckdb/node-api ${hw.duckdb_node_api}), tradedb ${hw.tradedb}`,
    `engine:   threads ${hw.duckdb_threads}, memory_limit ${hw.duckdb_memory_limit_mb} MB, UV_THREADPOOL_SIZE ${hw.uv_threadpool_size ?? 'default (4)'}; layer observer: ${report.settings.observer}`,
    '',
  ];
  for (const scenario of report.scenarios) {
    const details = Object.entries(scenario.details)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    lines.push(
      `${chalk ? chalk.bold(scenario.scenario) : scenario.scenario} (${Math.round(scenario.duration_ms / 1000)} s): ${details}`,
    );
    const withNotes = scenario.results.some((item) => item.note !== undefined);
    const columns = withNotes ? [...COLUMNS, { name: 'note', type: 'VARCHAR' }] : COLUMNS;
    const rows: Row[] = scenario.results.map((item) => ({
      metric: item.metric,
      unit: item.unit,
      layer: numberText(item.layer),
      baseline: numberText(item.baseline),
      ratio: item.ratio === null ? '' : `${item.ratio.toFixed(3)}x`,
      budget: budgetText(item),
      pass: passText(item, chalk),
      note: item.note ?? '',
    }));
    lines.push(renderTable(columns, rows, { chalk, columns: width }));
  }
  const budgeted = report.results.filter((item) => item.budget !== null);
  const passed = budgeted.filter((item) => item.pass === true).length;
  const unmeasured = budgeted.filter((item) => item.pass === null).length;
  lines.push(
    `budgets (DESIGN.md §11): ${passed} pass, ${report.failed.length} fail${unmeasured > 0 ? `, ${unmeasured} not measured` : ''}`,
  );
  if (budgeted.length > 0) {
    const summary = budgeted.map((item) => ({
      scenario: item.scenario,
      metric: item.metric,
      ratio: item.ratio === null ? '' : `${item.ratio.toFixed(3)}x`,
      budget: budgetText(item),
      pass: passText(item, chalk),
    }));
    lines.push(renderTable(SUMMARY_COLUMNS, summary, { chalk, columns: width }));
  }
  return `${lines.join('\n')}\n`;
}

function numberText(value: number | null): string {
  if (value === null) return '';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return value.toFixed(3);
}

function budgetText(item: BenchResult): string {
  return item.budget === null ? '' : `${item.budget.op} ${item.budget.ratio.toFixed(2)}x`;
}

function passText(item: BenchResult, chalk: Chalk): string {
  if (item.pass === null) return item.budget === null ? '' : 'n/a';
  if (item.pass) return chalk ? chalk.green('pass') : 'pass';
  return chalk ? chalk.red('FAIL') : 'FAIL';
}

const BEGIN = '<!-- tradedb-bench:begin -->';
const END = '<!-- tradedb-bench:end -->';

/**
 * `file`'s text with the part between the markers replaced by this run's
 * output (the rest is prose written by hand); a file without the markers
 * gets them appended.
 */
function markdownWith(file: string, report: BenchReport, text: string): string {
  const section = [
    BEGIN,
    `Generated by \`tradedb bench ${scenarioArgument(report)}${report.quick ? ' --quick' : ''}\` on ${report.started_at}; do not edit by hand.`,
    '',
    '```text',
    text.trimEnd(),
    '```',
    END,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (begin === -1 || end < begin) return `${current}${current === '' ? '' : '\n'}${section}\n`;
  return current.slice(0, begin) + section + current.slice(end + END.length);
}

/** `all`, or the scenarios that ran. */
function scenarioArgument(report: BenchReport): string {
  const names = report.scenarios.map((scenario) => scenario.scenario);
  return names.length === SCENARIOS.length - 1 ? 'all' : names.join(' ');
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/** Drops the options a flag did not set, so that the library's defaults apply. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function count(lib: Library, text: string | undefined, flag: string, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
    throw new lib.UsageError(`${flag} "${text}": expected an integer >= ${minimum}`);
  }
  return value;
}

function seconds(lib: Library, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0 || value > 3600) {
    throw new lib.UsageError(`--duration "${text}": expected seconds, more than 0 and at most 3600`);
  }
  return value;
}

/** One self-overwriting status line on stderr (TTY only): scenario, step and elapsed time. */
function progressLine(ctx: CommandContext): { update: (progress: BenchProgress) => void; clear: () => void } {
  const started = performance.now();
  let shown = false;
  return {
    update: (progress) => {
      shown = true;
      const elapsed = Math.round((performance.now() - started) / 1000);
      ctx.err.writeNow(
        `\r\u001b[2Kbench [${progress.index + 1}/${progress.total}] ${progress.scenario}: ${progress.step} (${elapsed} s)`,
      );
    },
    clear: () => {
      if (shown) ctx.err.writeNow('\r\u001b[2K');
    },
  };
}
