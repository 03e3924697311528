import path from 'node:path';
import { Argument, Command } from 'commander';
import type { BenchProgress, BenchReport } from '../../src/admin.js';
import { action, type CliScope } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';
import { integerFlag } from '../cli/flags.js';
import type { Library } from '../cli/library.js';
import { statusLine } from '../render/status-line.js';
import { BEGIN, END, markdownWith, SCENARIOS, tableText, writeReport } from './report.js';

interface BenchFlags {
  quick?: boolean;
  rows?: string;
  symbols?: string;
  days?: string;
  readers?: string;
  duration?: string;
  keep?: boolean;
  yes?: boolean;
  markdown?: string;
}

/** `tradedb bench [scenario]`: the layer against raw @duckdb/node-api, with the budgets of BENCHMARKS.md. */
export function makeBenchCommand(scope: CliScope): Command {
  return new Command('bench')
    .description('benchmark tradedb against raw @duckdb/node-api baselines (budgets in BENCHMARKS.md)')
    .addArgument(new Argument('[scenario]', 'what to run').choices(SCENARIOS).default('all'))
    .option('--quick', 'small sizes and few rounds: a smoke run of a few seconds per scenario')
    .option('--rows <n>', 'ticks per batch (default 1000000; quick 20000)')
    .option('--symbols <n>', 'symbol cardinality of the generated ticks (default 50; quick 10)')
    .option(
      '--days <n>',
      "days of all five tables in the export scenario's many-partition case (default 120; quick 3)",
    )
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
is made beside PATH; export, process and live always use scratch databases.
Every number is the layer and a raw baseline doing the same work in the same
run, alternating after a warm-up; ratio = layer / baseline. Budgets are pass/fail
marks, not exit codes. "process" times whole CLI processes (needs npm run build).
"live" runs a service in a child process that holds a scratch database (at least
200 MiB; --quick: small), serves its admin endpoint and appends ticks; it times
\`query order --json\`, \`backup\` and \`export-partitions\` through it (needs npm run build).

Examples:
  $ tradedb bench --quick
  $ tradedb bench query --rows 5000000 --symbols 500
  $ tradedb bench export --days 120                many small partitions: 120 days x 5 tables
  $ tradedb bench live                             routed lookup, online backup, export
  $ tradedb bench all --json > bench.json
  $ tradedb bench all --markdown BENCHMARKS.md   regenerate the numbers of BENCHMARKS.md`,
    )
    .action(
      action<BenchFlags>(scope, async (ctx, flags, [scenario]) => {
        const lib = await ctx.library();
        const options = {
          rows: integerFlag(lib, flags.rows, '--rows', 1000),
          symbols: integerFlag(lib, flags.symbols, '--symbols', 1),
          exportDays: integerFlag(lib, flags.days, '--days', 1),
          readers: integerFlag(lib, flags.readers, '--readers', 1),
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
          stderr: ctx.globals.verbose ? { write: (text: string) => ctx.logLine(text) } : undefined,
        });
        const metrics = telemetry.registry !== undefined;
        const progress = progressLine(ctx);
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
            onProgress: progress.update,
            env: ctx.io.env,
          });
        } finally {
          progress.clear();
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

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/** Drops the options a flag did not set, so that the library's defaults apply. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function seconds(lib: Library, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0 || value > 3600) {
    throw new lib.UsageError(`--duration "${text}": expected seconds, more than 0 and at most 3600`);
  }
  return value;
}

/** Bench progress on the status line: scenario, step and elapsed time. */
function progressLine(ctx: CommandContext): { update: (progress: BenchProgress) => void; clear: () => void } {
  const started = performance.now();
  const line = statusLine(ctx);
  return {
    update: (progress) => {
      const elapsed = Math.round((performance.now() - started) / 1000);
      line.show(
        `bench [${progress.index + 1}/${progress.total}] ${progress.scenario}: ${progress.step} (${elapsed} s)`,
        true,
      );
    },
    clear: line.clear,
  };
}
