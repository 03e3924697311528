import { Command, Option } from 'commander';
import { action, type CliScope } from '../action.js';
import { makeBackupListCommand } from './list.js';
import { type BackupFlags, runBackupCommand } from './make.js';
import { makeBackupPruneCommand } from './prune.js';
import { makeBackupVerifyCommand } from './verify.js';

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
Examples:
  $ tradedb backup --keep 7 --wait 2m       nightly, from cron
  $ tradedb backup --method export --json   Parquet, readable by other DuckDB versions
  $ tradedb backup list
  $ tradedb backup verify latest --deep
  $ tradedb backup prune --keep 3 --dry-run`,
    )
    .action(action<BackupFlags>(scope, runBackupCommand))
    .addCommand(makeBackupListCommand(scope))
    .addCommand(makeBackupVerifyCommand(scope))
    .addCommand(makeBackupPruneCommand(scope));
}
