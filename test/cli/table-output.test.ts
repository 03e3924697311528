import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../../commands/cli/io.js';
import { Renderer, TABLE_MAX_ROWS, TABLE_PAGE_ROWS } from '../../commands/render/renderer.js';
import { renderTable } from '../../commands/render/table.js';
import type { Row } from '../../src/index.js';
import { spawnBin, waitFor } from '../helpers/bin.js';
import { Capture, cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

/**
 * Tables are drawn a page at a time: linear in rows, no deep recursion, and
 * a signal is answered between pages. Past TABLE_MAX_ROWS a table stops
 * with a warning that names the streaming formats.
 */
let cwd: string;
let database: string;

beforeAll(async () => {
  cwd = suiteDir('tradedb-table-');
  database = path.join(cwd, 'trading.duckdb');
  const created = await cli(['init', '--database', database], { cwd });
  expect(created.code, created.stderr).toBe(0);
});

const ROWS_200K = "SELECT range AS n, 'BTC-USD' AS symbol, range * 0.5 AS price FROM range(200000)";

describe('table output', () => {
  it('200,000 rows: exits 0 with the first rows as a table and a warning that names csv and ndjson', async () => {
    const result = await spawnBin(['query', 'sql', ROWS_200K, '--database', database], { cwd }).done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/call stack/);
    expect(result.stderr).toMatch(
      new RegExp(
        `warning: the table stops at ${TABLE_MAX_ROWS} rows and more rows follow; --format csv or ndjson`,
      ),
    );
    const lines = result.stdout.trimEnd().split('\n');
    // Top border, header, the rows, bottom border: one table, not one per page.
    expect(lines).toHaveLength(TABLE_MAX_ROWS + 3);
    expect(lines.filter((line) => line.startsWith('┌'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^└/);
    expect(lines.at(-2)).toMatch(new RegExp(`│ +${TABLE_MAX_ROWS - 1} │`));
  });

  it('| head -1 on a large table: exit 0', async () => {
    const child = spawnBin(['query', 'sql', ROWS_200K, '--database', database], { cwd });
    child.child.stdout!.once('data', () => child.child.stdout!.destroy());
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
  });

  it.for([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s while a table is being drawn: exit %i, the table left unfinished',
    async ([signal, code]) => {
      // Held after its first page (a test seam) so that the signal lands mid-table every time.
      const child = spawnBin(['query', 'sql', ROWS_200K, '--database', database], {
        cwd,
        env: { TRADEDB_TEST_PAUSE_AFTER: 'table-page' },
      });
      await waitFor(
        () => child.output().stderr.includes('paused after table-page'),
        60_000,
        'the first page',
      );
      child.child.kill(signal);
      const result = await child.done;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toMatch(/interrupted while printing the table/);
      expect(result.stdout.trimEnd().split('\n')).toHaveLength(TABLE_PAGE_ROWS + 2);
    },
  );

  it('pages line up: every held row sizes the columns, so a wide value on a later page is neither cut nor wrapped', async () => {
    const rows: Row[] = Array.from({ length: TABLE_PAGE_ROWS + 1 }, (_, index) => ({
      n: BigInt(index),
      note: index === TABLE_PAGE_ROWS ? 'a value wider than any before, 漢字' : 'short',
    }));
    const stream = new Capture();
    const columns = [
      { name: 'n', type: 'BIGINT' },
      { name: 'note', type: 'VARCHAR' },
    ];
    await new Renderer('table', new Output(stream), () => {}, undefined, undefined).list({ columns, rows });
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(TABLE_PAGE_ROWS + 1 + 3);
    expect(lines.at(-2)).toBe('│ 200 │ a value wider than any before, 漢字 │');
    // 漢字 takes four columns on screen: the short cells are padded to match.
    expect(lines[2]).toBe(`│   0 │ ${'short'.padEnd('a value wider than any before, '.length + 4)} │`);
  });

  it('a table small enough for one page looks as it always did', () => {
    const columns = [
      { name: 'symbol', type: 'VARCHAR' },
      { name: 'qty', type: 'DECIMAL(18,8)' },
    ];
    const rows = [
      { symbol: 'BTC-USD', qty: '1.50000000' },
      { symbol: 'ETH', qty: '12.00000000' },
    ];
    expect(renderTable(columns, rows, { chalk: undefined, columns: undefined })).toBe(
      [
        '┌─────────┬─────────────┐',
        '│ symbol  │         qty │',
        '│ BTC-USD │  1.50000000 │',
        '│ ETH     │ 12.00000000 │',
        '└─────────┴─────────────┘',
        '',
      ].join('\n'),
    );
  });
});
