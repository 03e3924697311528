import type { Command } from 'commander';
import type { CliScope } from './action.js';

type Factory = (scope: CliScope) => Command;

/** A subcommand as top-level help lists it, and how to load its module when it runs. */
export interface CommandEntry {
  name: string;
  /** The factory's own description; a test keeps the two equal. */
  summary: string;
  load: () => Promise<Factory>;
}

/**
 * Every subcommand, in the order of `tradedb --help`. Only the module of the
 * command that runs is imported: start-up does not pay for the others.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'write tradedb.toml from the example, create the folders, and migrate up',
    load: async () => (await import('../init.js')).makeInitCommand,
  },
  {
    name: 'config',
    summary: 'print the effective configuration and the source of every value',
    load: async () => (await import('../config.js')).makeConfigCommand,
  },
  {
    name: 'migrate',
    summary: 'apply, revert and check schema migrations',
    load: async () => (await import('../migrate/index.js')).makeMigrateCommand,
  },
  {
    name: 'query',
    summary: 'read-only lookups: orders, trades, positions, ticks, bars, snapshots, sql',
    load: async () => (await import('../query/index.js')).makeQueryCommand,
  },
  {
    name: 'seed',
    summary: 'migrate up, then write a deterministic synthetic data set ending today (UTC)',
    load: async () => (await import('../seed.js')).makeSeedCommand,
  },
  {
    name: 'import',
    summary: 'validated, all-or-nothing bulk load of ticks, orders or trades from CSV or Parquet',
    load: async () => (await import('../import.js')).makeImportCommand,
  },
  {
    name: 'partitions',
    summary: 'list UTC-day partitions with tier (hot/warm/cold/expired), rows and export state',
    load: async () => (await import('../partitions.js')).makePartitionsCommand,
  },
  {
    name: 'export-partitions',
    summary: 'export partitions past the hot tier to Parquet; optionally apply the retention policy',
    load: async () => (await import('../export-partitions.js')).makeExportPartitionsCommand,
  },
  {
    name: 'backup',
    summary: 'make a verified backup of the database (and list, verify, prune backups)',
    load: async () => (await import('../backup/index.js')).makeBackupCommand,
  },
  {
    name: 'restore',
    summary:
      'verify a backup and restore it atomically: the target is the old database or the new one, whole',
    load: async () => (await import('../restore.js')).makeRestoreCommand,
  },
  {
    name: 'stats',
    summary: 'database, tables, partitions, migrations, backups, pool and job metrics',
    load: async () => (await import('../stats.js')).makeStatsCommand,
  },
  {
    name: 'serve',
    summary: 'hold the database read-write and serve the admin endpoint the CLI routes its commands to',
    load: async () => (await import('../serve/index.js')).makeServeCommand,
  },
  {
    name: 'bench',
    summary: 'benchmark tradedb against raw @duckdb/node-api baselines (budgets in BENCHMARKS.md)',
    load: async () => (await import('../bench/index.js')).makeBenchCommand,
  },
  {
    name: 'demo',
    summary: 'create a small demo database (migrated, seeded) and take a short tour of the lookups',
    load: async () => (await import('../demo.js')).makeDemoCommand,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish) for subcommands, options and values',
    load: async () => (await import('../completion/index.js')).makeCompletionCommand,
  },
];

/** Global options that take a value: their value is not the subcommand's name. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--database', '--format', '--wait', '--metrics-file']);

/**
 * The subcommand named on the command line, if any: the first operand that
 * is not an option or an option's value. `help <name>` names `<name>`.
 */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let index = 0; index < argv.length && operands.length < 2; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) index += 1;
      continue;
    }
    operands.push(arg);
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}
