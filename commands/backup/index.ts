import { Command, Option } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { makeBackupListCommand } from './list.js';
import { type BackupFlags, runBackupCommand } from './make.js';
import { makeBackupPruneCommand } from './prune.js';
import { makeBackupVerifyCommand } from './verify.js';

/** The options of `backup` itself: making a backup. */
const MAKE_OPTIONS = ['out', 'method', 'keep'] as const;

/**
 * `tradedb backup [--out DIR] [--method file|export] [--keep N]` makes a
 * backup; `backup list | verify | prune` are its subcommands (commander
 * runs the parent's action when no subcommand is named).
 */
export function makeBackupCommand(scope: CliScope): Command {
  return new Command('backup')
    .description('make a verified backup of the database (and list, verify, prune backups)')
    .option('--out <dir>', 'backup folder (default: backup.directory)')
    .addOption(
      new Option('--method <method>', 'file (copy, fastest) or export (Parquet, portable)').choices([
        'file',
        'export',
      ]),
    )
    .option('--keep <n>', 'prune afterwards, keeping the newest N backups (its own consent)')
    .addHelpText(
      'after',
      `
Beside a live service (a process serving the admin endpoint) the backup runs
in that process, on its pool; --out may then only be its backup.directory
(exit 64 otherwise). list, verify and prune read only the backup folder.

Examples:
  $ tradedb backup --keep 7 --wait 2m       nightly, from cron
  $ tradedb backup --method export --json   Parquet, readable by other DuckDB versions
  $ tradedb backup list
  $ tradedb backup verify latest --deep
  $ tradedb backup prune --keep 3 --dry-run`,
    )
    .hook('preAction', refuseMakeOptions)
    .action(action<BackupFlags>(scope, runBackupCommand))
    .addCommand(makeBackupListCommand(scope))
    .addCommand(makeBackupVerifyCommand(scope))
    .addCommand(makeBackupPruneCommand(scope));
}

/**
 * Commander gives the parent's options to the parent wherever they stand,
 * so `backup list --out DIR` would list the configured folder and ignore
 * --out. A subcommand refuses the options of making a backup (exit 64),
 * except `prune`'s --keep, which it reads from there.
 */
function refuseMakeOptions(backup: Command, running: Command): void {
  if (running === backup) return;
  const used: readonly string[] = running.name() === 'prune' ? ['keep'] : [];
  const given = MAKE_OPTIONS.find(
    (name) => backup.getOptionValueSource(name) === 'cli' && !used.includes(name),
  );
  if (given === undefined) return;
  backup.error(
    `error: \`backup ${running.name()}\` does not use --${given} (an option for making a backup)`,
    {
      exitCode: 64,
      code: 'tradedb.unusedOption',
    },
  );
}
