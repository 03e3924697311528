import fs from 'node:fs';
import type { BenchReport, BenchResult } from '../../src/admin.js';
import type { Column, PlainValue, Row } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';
import { csvLine } from '../render/csv.js';
import { toJsonText } from '../render/json-text.js';
import { renderTable } from '../render/table.js';

/** The bench report in each output format, and as the generated part of BENCHMARKS.md. */

// Kept here rather than read from the library: commander needs the choices when the command is
// built, before (and without) loading the library. test/cli/bench.test.ts runs every one of them.
export const SCENARIOS = [
  'insert',
  'query',
  'concurrent',
  'export',
  'backup',
  'process',
  'live',
  'all',
] as const;

export async function writeReport(ctx: CommandContext, report: BenchReport): Promise<void> {
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
export function tableText(report: BenchReport, chalk: Chalk, width: number | undefined): string {
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
    `budgets: ${passed} pass, ${report.failed.length} fail${unmeasured > 0 ? `, ${unmeasured} not measured` : ''}`,
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

export const BEGIN = '<!-- tradedb-bench:begin -->';
export const END = '<!-- tradedb-bench:end -->';

/**
 * `file`'s text with the part between the markers replaced by this run's
 * output (the rest is prose written by hand); a file without the markers
 * gets them appended.
 */
export function markdownWith(file: string, report: BenchReport, text: string): string {
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
