import { Command } from 'commander';
import type { Column } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { fitView, type TableView } from '../query/table-view.js';

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

/**
 * The table's columns, and which go first on a narrow terminal: the path is
 * the backup folder joined with the name, the age says when, and a problem
 * shows in the status too. --json keeps every field.
 */
const VIEW: TableView = {
  columns: COLUMNS.map((column) => column.name),
  dropOrder: ['path', 'created_at', 'tables', 'method', 'rows', 'verified', 'problem'],
};

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
        const rows = entries.map((entry) => ({ ...entry }));
        let columns = COLUMNS;
        if (renderer.format === 'table') {
          const fitted = fitView(VIEW, rows, ctx.terminal.columns);
          columns = COLUMNS.filter((column) => fitted.columns.includes(column.name));
          if (fitted.hidden.length > 0 && rows.length > 0) {
            ctx.info(
              `not shown, to fit the terminal: ${fitted.hidden.join(', ')} (--format json shows every column)`,
            );
          }
        }
        await renderer.list({ columns, rows }, columns);
        return undefined;
      }),
    );
}
