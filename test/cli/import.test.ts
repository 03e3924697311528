import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pool, PositionRepository } from '../../src/index.js';
import { ROOT } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir, tempDir } from '../helpers/temp.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
const fixture = (name: string) => path.join(FIXTURES, name);
let template: string;

/** One migrated, empty database; each test imports into its own copy. */
beforeAll(async () => {
  const dir = suiteDir('tradedb-import-');
  template = path.join(dir, 'template.duckdb');
  const migrated = await cli(['migrate', 'up', '--database', template], { cwd: dir });
  expect(migrated.code, migrated.stderr).toBe(0);
});

function freshDatabase(): { cwd: string; database: string } {
  const cwd = tempDir('tradedb-import-test-');
  const database = path.join(cwd, 'trading.duckdb');
  fs.copyFileSync(template, database);
  return { cwd, database };
}

async function sql(
  where: { cwd: string; database: string },
  text: string,
): Promise<Record<string, unknown>[]> {
  const result = await cli(['query', 'sql', text, '--database', where.database, '--json'], {
    cwd: where.cwd,
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** Writes the result of `select` to a Parquet file, with DuckDB (in memory). */
async function toParquet(select: string, file: string): Promise<void> {
  const pool = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
  try {
    await pool.withWriter((session) => session.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`));
  } finally {
    await pool.close();
  }
}

const importFile = (where: { cwd: string; database: string }, ...argv: string[]) =>
  cli(['import', ...argv, '--database', where.database], { cwd: where.cwd });

describe('tradedb import ticks', () => {
  it('loads a CSV whose header names the columns in any order, with exact values, and reports rows per table', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'ticks', fixture('ticks-good.csv'), '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'ticks',
      table: 'market_ticks',
      file: fixture('ticks-good.csv'),
      format: 'csv',
      dry_run: false,
      rows_read: 3,
      rows_loaded: { market_ticks: 3 },
      rejects_file: null,
    });
    expect(await sql(db, 'SELECT * FROM market_ticks ORDER BY seq')).toEqual([
      {
        ts: '2026-11-27T08:00:00.123456Z',
        exchange: 'COINBASE',
        symbol: 'BTC-USD',
        price: '64000.12345678',
        size: '0.50000000',
        bid: null,
        ask: null,
        seq: 1,
      },
      {
        ts: '2026-11-27T08:00:01.000000Z',
        exchange: 'COINBASE',
        symbol: 'BTC-USD',
        price: '64000.50000000',
        size: '0.00000000',
        bid: null,
        ask: null,
        seq: 2,
      },
      {
        ts: '2026-11-27T07:00:02.000000Z',
        exchange: 'KRAKEN',
        symbol: 'ETH-USD',
        price: '3000.00000000',
        size: '1.25000000',
        bid: null,
        ask: null,
        seq: 3,
      },
    ]);
  });

  it('loads the same rows from Parquet, typed columns included', async () => {
    const db = freshDatabase();
    const parquet = path.join(db.cwd, 'ticks.parquet');
    await toParquet(
      `SELECT CAST(ts AS TIMESTAMPTZ) AS ts, exchange, symbol, CAST(price AS DECIMAL(18,8)) AS price, size, seq FROM read_csv('${fixture('ticks-good.csv')}', all_varchar = true)`,
      parquet,
    );
    const result = await importFile(db, 'ticks', parquet, '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'parquet', rows_loaded: { market_ticks: 3 } });
    const rows = await sql(db, 'SELECT ts, price, size FROM market_ticks ORDER BY seq');
    expect(rows).toEqual([
      { ts: '2026-11-27T08:00:00.123456Z', price: '64000.12345678', size: '0.50000000' },
      { ts: '2026-11-27T08:00:01.000000Z', price: '64000.50000000', size: '0.00000000' },
      { ts: '2026-11-27T07:00:02.000000Z', price: '3000.00000000', size: '1.25000000' },
    ]);
  });
});

describe('tradedb import: bad files', () => {
  it('exits 65, names the bad rows by file line (a quoted line break spans two lines), and writes nothing', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'ticks', fixture('ticks-bad.csv'));
    expect(result.code).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `error: ${fixture('ticks-bad.csv')}: 5 rows of 7 rejected; nothing was imported:\n`,
    );
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('  line '));
    expect(reported).toEqual([
      '  line 3: price "abc" is not a decimal number',
      '  line 4: price "100.123456789" has more than 8 fractional digits; size "-1" must not be negative',
      '  line 7: price "1e5" is not a decimal number; seq "x" is not a 64-bit integer',
      '  line 8: ts "not-a-time" is not an ISO-8601 date or time; exchange is required',
      '  line 10: exchange "X " has leading or trailing spaces; price "0" must be positive; bid " 1" is not a decimal number',
    ]);
    expect(result.stderr).toContain('hint: write every reject to a file with --rejects FILE');
    expect(await sql(db, 'SELECT count(*) AS n FROM market_ticks')).toEqual([{ n: 0 }]);
  });

  it('writes every reject to --rejects FILE with its line, problems and values, and refuses to overwrite it without --force', async () => {
    const db = freshDatabase();
    const rejects = path.join(db.cwd, 'rejects.csv');
    const result = await importFile(db, 'ticks', fixture('ticks-bad.csv'), '--rejects', rejects);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain(`hint: every reject is in ${rejects}`);
    const text = fs.readFileSync(rejects, 'utf8');
    expect(text.split('\r\n')[0]).toBe('line,error,ts,exchange,symbol,price,size,bid,ask,seq');
    expect(text).toContain(
      '\r\n4,"price ""100.123456789"" has more than 8 fractional digits; size ""-1"" must not be negative",2026-11-27T08:00:02Z,X,"BTC\nUSD",100.123456789,-1,,,3\r\n',
    );
    expect(
      text
        .trimEnd()
        .split('\r\n')
        .filter((line) => /^\d+,/.test(line))
        .map((line) => line.split(',')[0]),
    ).toEqual(['3', '4', '7', '8', '10']);
    const again = await importFile(db, 'ticks', fixture('ticks-good.csv'), '--rejects', rejects);
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('already exists; nothing was imported');
    const forced = await importFile(db, 'ticks', fixture('ticks-good.csv'), '--rejects', rejects, '--force');
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(rejects, 'utf8')).toBe('line,error,symbol,ts,price,size,seq,exchange\r\n');
  });

  it('lists the first ten rejects on stderr and counts the rest', async () => {
    const db = freshDatabase();
    const file = path.join(db.cwd, 'many.csv');
    const rows = Array.from(
      { length: 25 },
      (_, i) =>
        `2026-11-27T08:00:${String(i).padStart(2, '0')}Z,X,BTC-USD,${i % 2 === 0 ? '-1' : '1'},1,${i}`,
    );
    fs.writeFileSync(file, `ts,exchange,symbol,price,size,seq\n${rows.join('\n')}\n`);
    const result = await importFile(db, 'ticks', file);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('13 rows of 25 rejected');
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('  line '));
    expect(reported).toHaveLength(10);
    expect(reported[0]).toBe('  line 2: price "-1" must be positive');
    expect(reported[9]).toBe('  line 20: price "-1" must be positive');
    expect(result.stderr).toContain('  ... and 3 rows more');
  });

  it('names Parquet rejects by row', async () => {
    const db = freshDatabase();
    const parquet = path.join(db.cwd, 'bad.parquet');
    await toParquet(
      "SELECT * FROM (VALUES ('2026-11-27T08:00:00Z', 'X', 'BTC-USD', 1.5, 1, 1), ('2026-11-27T08:00:01Z', 'X', 'BTC-USD', -2.5, 1, 2)) t(ts, exchange, symbol, price, size, seq)",
      parquet,
    );
    const result = await importFile(db, 'ticks', parquet);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('  row 2: price "-2.5" must be positive');
  });

  it('reports malformed CSV records (wrong number of fields) by line', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'ticks', fixture('ticks-malformed.csv'));
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('2 rows of 3 rejected');
    expect(result.stderr).toMatch(/ {2}line 3: malformed CSV record: expected 6 fields, found 5\n/);
    expect(result.stderr).toMatch(/ {2}line 4: malformed CSV record: expected 6 fields, found 7\n/);
    expect(await sql(db, 'SELECT count(*) AS n FROM market_ticks')).toEqual([{ n: 0 }]);
  });

  it('says once per record how many fields it has, however many are missing or extra', async () => {
    const db = freshDatabase();
    const file = path.join(db.cwd, 'short-and-long.csv');
    fs.writeFileSync(
      file,
      'ts,exchange,symbol,price,size,bid,ask,seq\n' +
        '2026-11-27T08:00:00Z,X,BTC-USD,1.5\n' +
        '2026-11-27T08:00:01Z,X,BTC-USD,1.5,1,1.4,1.6,2,extra,extra\n',
    );
    const result = await importFile(db, 'ticks', file);
    expect(result.code).toBe(65);
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('  line '));
    expect(reported).toEqual([
      '  line 2: malformed CSV record: expected 8 fields, found 4',
      '  line 3: malformed CSV record: expected 8 fields, found 10',
    ]);
  });

  it.each([
    [
      'prise,ts,exchange,symbol,size,seq\n',
      /line 1 \(header\): unknown column "prise" for market_ticks/,
      /did you mean price\?/,
    ],
    [
      'ts,exchange,symbol,size\n',
      /line 1 \(header\): required columns price, seq missing/,
      /market_ticks needs ts, exchange/,
    ],
    ['ts,ts,exchange,symbol,price,size,seq\n', /line 1 \(header\): column "ts" appears twice/, undefined],
    ['', /the file is empty; line 1 must be a header/, undefined],
  ])('exits 65 on a bad header: %j', async (text, message, hint) => {
    const db = freshDatabase();
    const file = path.join(db.cwd, 'header.csv');
    fs.writeFileSync(file, text);
    const result = await importFile(db, 'ticks', file);
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(message);
    if (hint) expect(result.stderr).toMatch(hint);
  });

  it('exits 64 on an unknown kind or file type, 66 on a missing file or database', async () => {
    const db = freshDatabase();
    const kind = await importFile(db, 'candles', fixture('ticks-good.csv'));
    expect(kind.code).toBe(64);
    expect(kind.stderr).toMatch(
      /'candles' is invalid for argument 'kind'. Allowed choices are ticks, orders, trades/,
    );
    const type = await importFile(db, 'ticks', path.join(db.cwd, 'ticks.json'));
    expect(type.code).toBe(64);
    expect(type.stderr).toContain('expected a .csv or .parquet file');
    expect((await importFile(db, 'ticks', path.join(db.cwd, 'absent.csv'))).code).toBe(66);
    const noDatabase = await cli(
      ['import', 'ticks', fixture('ticks-good.csv'), '--database', path.join(db.cwd, 'none.duckdb')],
      { cwd: db.cwd },
    );
    expect(noDatabase.code).toBe(66);
    expect(noDatabase.stderr).toContain('hint: run `tradedb init` or `tradedb migrate up` first');
    expect(fs.existsSync(path.join(db.cwd, 'none.duckdb'))).toBe(false);
  });
});

describe('tradedb import --dry-run', () => {
  it('checks a good file and writes nothing, on a read-only open', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'ticks', fixture('ticks-good.csv'), '--dry-run', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dry_run: true, rows_read: 3, rows_loaded: {} });
    expect(result.stderr).toContain('3 rows checked, all valid; nothing was written (--dry-run)');
    expect(await sql(db, 'SELECT count(*) AS n FROM market_ticks')).toEqual([{ n: 0 }]);
  });

  it('reports the rejects of a bad file with exit 65', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'ticks', fixture('ticks-bad.csv'), '--dry-run');
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('5 rows of 7 rejected; checked with --dry-run');
  });
});

describe('tradedb import orders', () => {
  it('loads orders with nothing filled, in the statuses an order can have before its fills', async () => {
    const db = freshDatabase();
    const result = await importFile(db, 'orders', fixture('orders-good.csv'), '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows_loaded).toEqual({ orders: 5 });
    const order = await cli(['query', 'order', 'imp-5, quoted', '--json', '--database', db.database], {
      cwd: db.cwd,
    });
    expect(JSON.parse(order.stdout)).toMatchObject({
      order_id: '11111111-1111-4111-8111-000000000005',
      order_type: 'stop',
      quantity: '1.00000000',
      price: '9.00000000',
      filled_quantity: '0.00000000',
      status: 'pending',
      correlation_id: null,
      created_at: '2026-11-27T09:00:04.000001Z',
      updated_at: null,
      trades: [],
    });
  });

  it('rejects duplicate ids (in the file and in the table), bad enums, fills and a limit order without a price', async () => {
    const db = freshDatabase();
    expect((await importFile(db, 'orders', fixture('orders-good.csv'))).code).toBe(0);
    const result = await importFile(db, 'orders', fixture('orders-bad.csv'));
    expect(result.code).toBe(65);
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('  line '));
    expect(reported).toEqual([
      '  line 2: order_id "11111111-1111-4111-8111-000000000001" already exists in orders',
      '  line 3: client_order_id "imp-2" already exists in orders',
      expect.stringMatching(
        /^ {2}line 4: side "hold" is not one of buy, sell; quantity "0" must be positive; status "filled" is not one of pending, open, cancelled, rejected, expired; filled_quantity must be 0: import fills as trades/,
      ),
      '  line 5: price is required for a limit order',
      '  line 6: order_id "22222222-2222-4222-8222-000000000005" appears more than once in the file',
      '  line 7: order_id "22222222-2222-4222-8222-000000000005" appears more than once in the file',
      '  line 8: order_id "not-a-uuid" is not a UUID',
    ]);
    expect(await sql(db, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 5 }]);
  });

  it('falls back to the full check when only the table constraint sees the problem (a key already stored)', async () => {
    const db = freshDatabase();
    expect((await importFile(db, 'orders', fixture('orders-good.csv'))).code).toBe(0);
    const again = await importFile(db, 'orders', fixture('orders-good.csv'));
    expect(again.code).toBe(65);
    expect(again.stderr).toContain('5 rows of 5 rejected; nothing was imported');
    expect(again.stderr).toContain(
      '  line 2: order_id "11111111-1111-4111-8111-000000000001" already exists in orders; client_order_id "imp-1" already exists in orders',
    );
  });
});

describe('tradedb import trades', () => {
  it('records the trades as fills: orders fill, and positions equal a rebuild from the trades', async () => {
    const db = freshDatabase();
    expect((await importFile(db, 'orders', fixture('orders-good.csv'))).code).toBe(0);
    const result = await importFile(db, 'trades', fixture('trades-good.csv'), '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows_loaded).toEqual({ trades: 4, orders: 3, positions: 2 });
    expect(
      await sql(
        db,
        'SELECT client_order_id, status, filled_quantity, updated_at FROM orders ORDER BY client_order_id LIMIT 3',
      ),
    ).toEqual([
      {
        client_order_id: 'imp-1',
        status: 'filled',
        filled_quantity: '1.00000000',
        updated_at: '2026-11-27T10:05:00.000000Z',
      },
      {
        client_order_id: 'imp-2',
        status: 'partially_filled',
        filled_quantity: '0.50000000',
        updated_at: '2026-11-27T10:02:00.000000Z',
      },
      {
        client_order_id: 'imp-3',
        status: 'filled',
        filled_quantity: '5.00000000',
        updated_at: '2026-11-27T10:03:00.000000Z',
      },
    ]);
    expect(
      await sql(
        db,
        "SELECT exchange, symbol, side, fee FROM trades WHERE trade_id = '33333333-3333-4333-8333-000000000003'",
      ),
    ).toEqual([{ exchange: 'COINBASE', symbol: 'BTC-USD', side: 'sell', fee: '0.00000000' }]);
    // BTC-USD: buy 0.4 @ 100, sell 0.5 @ 110 (+4, short 0.1), buy 0.6 @ 101 (+0.9, long 0.5 @ 101).
    const positions = await sql(db, 'SELECT * FROM positions ORDER BY symbol');
    expect(positions).toEqual([
      expect.objectContaining({
        symbol: 'BTC-USD',
        quantity: '0.50000000',
        avg_entry_price: '101.00000000',
        realized_pnl: '4.90000000',
      }),
      expect.objectContaining({
        symbol: 'ETH-USD',
        quantity: '5.00000000',
        avg_entry_price: '20.50000000',
        realized_pnl: '0.00000000',
      }),
    ]);
    const pool = await Pool.open({
      config: await testConfig({ database_path: db.database }),
      readOnly: true,
    });
    try {
      expect(positions).toEqual(
        JSON.parse(JSON.stringify(await new PositionRepository(pool).computeFromTrades())),
      );
    } finally {
      await pool.close();
    }
  });

  it('rejects unknown and unfillable orders, overfills, mismatches and duplicates, and writes nothing', async () => {
    const db = freshDatabase();
    expect((await importFile(db, 'orders', fixture('orders-good.csv'))).code).toBe(0);
    const result = await importFile(db, 'trades', fixture('trades-bad.csv'));
    expect(result.code).toBe(65);
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('  line '));
    expect(reported).toEqual([
      '  line 2: order_id "99999999-9999-4999-8999-000000000001": no such order',
      '  line 3: order 11111111-1111-4111-8111-000000000004 is cancelled; only open or partially_filled orders take fills',
      '  line 5: fill of 0.40000000 would fill order 11111111-1111-4111-8111-000000000001 past its quantity (0.70000000 of 1.00000000 filled before it)',
      '  line 6: symbol "ETH-USD" does not match order 11111111-1111-4111-8111-000000000002 (BTC-USD)',
      '  line 7: fee "-0.1" must not be negative',
      '  line 8: trade_id "44444444-4444-4444-8444-000000000007" appears more than once in the file',
      '  line 9: trade_id "44444444-4444-4444-8444-000000000007" appears more than once in the file',
    ]);
    expect(await sql(db, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 0 }]);
    expect(
      await sql(
        db,
        "SELECT count(*) AS n FROM orders WHERE status <> 'open' AND status <> 'cancelled' AND status <> 'pending'",
      ),
    ).toEqual([{ n: 0 }]);
    expect(await sql(db, 'SELECT count(*) AS n FROM positions')).toEqual([{ n: 0 }]);
  });

  it('refuses trades that are already stored', async () => {
    const db = freshDatabase();
    expect((await importFile(db, 'orders', fixture('orders-good.csv'))).code).toBe(0);
    expect((await importFile(db, 'trades', fixture('trades-good.csv'))).code).toBe(0);
    const again = await importFile(db, 'trades', fixture('trades-good.csv'));
    expect(again.code).toBe(65);
    expect(again.stderr).toContain(
      '  line 2: trade_id "33333333-3333-4333-8333-000000000001" already exists in trades',
    );
    expect(await sql(db, 'SELECT count(*) AS n FROM trades')).toEqual([{ n: 4 }]);
  });
});
