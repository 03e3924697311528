import type { TradeDbError } from '../../src/index.js';

type FixCode = NonNullable<TradeDbError['fix']>;

/**
 * The CLI's words for each remedy the library names: its flags and
 * subcommands. The library's own hints speak to a service (options, config
 * keys); an error that names a remedy gets its hint from here instead. One
 * entry per code, so a new code fails the type check until it is worded.
 */
export const CLI_HINTS: Record<FixCode, string> = {
  'create-database': 'run `tradedb init` or `tradedb migrate up` to create it, or check --database',
  'check-database-path': 'check --database or database_path',
  'not-a-database':
    'check --database or database_path; if it is the database, restore a backup (tradedb backup list); an empty file holds nothing and can be removed',
  'restore-damaged':
    'it cannot be repaired in place: restore the newest backup with `tradedb restore latest --force --yes` (the damaged file is kept as <name>.pre-restore-<time>); `tradedb backup list` shows the backups',
  'wait-for-lock': 'wait for that process to finish, or retry with --wait 30s',
  'replace-target':
    'add --force to replace it (the old one is kept as <name>.pre-restore-<time> unless --no-keep)',
  'allow-out-of-order': 'renumber them after the newest migration, or apply them with --allow-out-of-order',
  'add-down-section': 'nothing was reverted; add a down section or stop before this version with --to',
  'allow-file-reads': 'add --allow-read <dir> to let it read the files under <dir>',
  'same-order': 'page with the same --order-by as the first page',
  'free-export-space':
    'free space under export.directory (or use --out) and run again; nothing partial is visible',
  'backup-folder': 'give --out (or backup.directory) a folder, new or existing',
  'apply-migrations': 'run `tradedb migrate up` first',
  'list-backups': 'tradedb backup list shows the backups',
  'list-orders': 'list recent orders with `tradedb query orders`',
  'other-backup': 'this backup cannot be trusted; use another one (tradedb backup list)',
  'write-config': 'check the path, or run `tradedb init` to write one',
  'server-folder':
    'leave out --out (the serving process writes only to its configured folder), or run the command with --direct in a maintenance window',
};

/** The hint the CLI prints: its own wording of the error's remedy, else the library's hint. */
export function cliHint(error: TradeDbError): string | undefined {
  return error.fix === undefined ? error.hint : CLI_HINTS[error.fix];
}
