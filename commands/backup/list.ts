import { Command } from 'commander';
import type { Column } from '../../src/index.js';
import { action, type CliScope } from '../action.js';

const COLUMNS: Column[] = [
  { name: 'name', type: 'VARCHAR' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'verified', type: 'BOOLEAN' },
  { name: 'method', type: 'VARCHAR' },
  { name: 'created_at', type: 'VARCHAR' },
  { name: 'age', type: 'VARCHAR' },
  { name: 'size_bytes', type: 'BIGINT' },
  { name: 'tables', type: 'INTEGER' },
  { name: 'rows', type: 'BIGINT' },
  { name: 'problem', type: 'VARCHAR' },
  { name: 'path', type: 'VARCHAR' },
];

/** `tradedb backup list`: every backup in the backup folder, newest first, with a quick check. */
export function makeBackupListCommand(scope: CliScope): Command {
  return new Command('list')
    .description('list backups, newest first: method, size, age, tables, and whether they check out')
    .addHelpText(
      'after',
      `
Status: ok (manifest, files and sizes match; run "backup verify" for checksums),
corrupt (does not match its manifest), incomplete (a temporary or interrupted
folder: never a backup).`,
    )
    .action(
      action(scope, async (ctx) => {
        const { config } = await ctx.config();
        const { listBackups } = await ctx.library();
        const entries = await listBackups({ config });
        const renderer = await ctx.renderer();
        await renderer.list({ columns: COLUMNS, rows: entries.map((entry) => ({ ...entry })) }, COLUMNS);
        return undefined;
      }),
    );
}
