import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../commands/cli/main.js';
import { loadConfig, OrderRepository, Pool, PositionRepository } from '../../src/index.js';
import { Capture, cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;
/** A client_order_id made of SQL: it must match literally and change nothing. */
const HOSTILE = 'x\'; DROP TABLE orders; -- /* "q"';

beforeAll(async () => {
  cwd = suiteDir('tradedb-query-lists-');
  database = path.join(cwd, 'q.duckdb');
  const seeded = await cli(
    [
      'seed',
      '--symbols',
      '2',
      '--days',
      '3',
      '--ticks-per-day',
      '24',
      '--orders',
      '40',
      '--end-date',
      '2026-01-15',
    ],
    { cwd, env: { TRADEDB_DATABASE_PATH: database } },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  const { config } = await loadConfig({ cwd, env: { TRADEDB_DATABASE_PATH: database }, noFile: true });
  const pool = await Pool.open({ config });
  await new OrderRepository(pool).create({
    client_order_id: HOSTILE,
    exchange: 'TEST',
    symbol: 'ZZZ-USD',
    side: 'buy',
    order_type: 'limit',
    quantity: '1',
    price: '2.5',
    created_at: '2026-01-10T00:00:00Z',
  });
  await pool.close();
});

/** Runs the CLI with stdout on a terminal of `columns` columns, without colour. */
async function onTerminal(columns: number, ...argv: string[]) {
  const stdout = new Capture(true, columns);
  const stderr = new Capture(true);
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: { isTTY: false },
    env: { HOME: cwd, NO_COLOR: '1', TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '600000' },
    cwd,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const query = (...argv: string[]) => cli(['query', ...argv, '--database', database], { cwd });

async function json(...argv: string[]): Promise<Record<string, unknown>[]> {
  const result = await query(...argv, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('tradedb query orders', () => {
  it('lists every column newest first (created_at, then order_id), with exact decimals and UTC micros', async () => {
    const rows = await json('orders', '--limit', '100');
    expect(rows).toHaveLength(41);
    expect(Object.keys(rows[0]!)).toEqual([
      'order_id',
      'client_order_id',
      'exchange',
      'symbol',
      'side',
      'order_type',
      'quantity',
      'price',
      'filled_quantity',
      'status',
      'correlation_id',
      'created_at',
      'updated_at',
    ]);
    const times = rows.map((row) => row['created_at'] as string);
    expect([...times].sort().reverse()).toEqual(times);
    for (const row of rows) {
      expect(row['quantity']).toMatch(/^\d+\.\d{8}$/);
      expect(row['created_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  it('defaults to 100 rows and says on stderr when more follow', async () => {
    const page = await query('orders', '--limit', '5', '--json');
    expect(JSON.parse(page.stdout)).toHaveLength(5);
    expect(page.stderr).toContain('more rows follow: add --offset 5');
    const last = await query('orders', '--limit', '5', '--offset', '40', '--json');
    expect(JSON.parse(last.stdout)).toHaveLength(1);
    expect(last.stderr).not.toContain('more rows follow');
  });

  it('pages with --limit and --offset through the same order as one long list', async () => {
    const all = await json('orders', '--order-by', 'price:desc');
    const pages = [
      ...(await json('orders', '--order-by', 'price:desc', '--limit', '15')),
      ...(await json('orders', '--order-by', 'price:desc', '--limit', '15', '--offset', '15')),
      ...(await json('orders', '--order-by', 'price:desc', '--limit', '15', '--offset', '30')),
    ];
    expect(pages.map((row) => row['order_id'])).toEqual(all.map((row) => row['order_id']));
    const prices = all.filter((row) => row['price'] !== null).map((row) => Number(row['price']));
    expect([...prices].sort((a, b) => b - a)).toEqual(prices);
  });

  it('filters by --symbol, --status, --side and --exchange', async () => {
    const rows = await json('orders', '--symbol', 'ZZZ-USD');
    expect(rows.map((row) => row['client_order_id'])).toEqual([HOSTILE]);
    for (const [flag, column, value] of [
      ['--status', 'status', 'filled'],
      ['--side', 'side', 'sell'],
      ['--exchange', 'exchange', 'TEST'],
    ]) {
      const matched = await json('orders', flag!, value!);
      expect(matched.length).toBeGreaterThan(0);
      expect(matched.every((row) => row[column!] === value)).toBe(true);
    }
  });

  it('takes ISO and relative times for --since (inclusive) and --until (exclusive)', async () => {
    const day = await json('orders', '--since', '2026-01-14', '--until', '2026-01-15T00:00:00Z');
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((row) => (row['created_at'] as string).startsWith('2026-01-14'))).toBe(true);
    // The data ends on 2026-01-15, well before "now": a relative window back from now is empty or whole.
    expect(await json('orders', '--since', '-1d')).toEqual([]);
    expect(await json('orders', '--since', '-100000d')).toHaveLength(41);
    expect(await json('orders', '--until', '-2h')).toHaveLength(41);
  });

  it('combines repeated --where conditions, with ~ as case-insensitive contains', async () => {
    const rows = await json('orders', '--where', 'quantity>=0.5', '--where', 'client_order_id~SEED-B1');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Number(row['quantity'])).toBeGreaterThanOrEqual(0.5);
      expect(row['client_order_id']).toMatch(/^seed-b1-/);
    }
    expect(await json('orders', '--where', 'price=null', '--where', 'order_type!=market')).toEqual([]);
  });

  it('binds --where values: quotes, semicolons and comments match literally', async () => {
    const rows = await json('orders', '--where', `client_order_id=${HOSTILE}`);
    expect(rows.map((row) => row['client_order_id'])).toEqual([HOSTILE]);
    expect(await json('orders', '--where', "symbol=BTC-USD' OR '1'='1")).toEqual([]);
    expect(await json('orders', '--where', 'symbol=x; DROP TABLE orders; --')).toEqual([]);
    expect(await json('orders', '--limit', '100')).toHaveLength(41);
  });

  it.each([
    [['--where', 'prise>1'], /--where "prise>1": unknown column "prise" for orders/, /did you mean price/],
    [['--where', 'price=>1'], /--where "price=>1": unknown operator "=>"/, /operators/],
    [['--where', 'price'], /--where "price" is not column<op>value/, /operators/],
    [['--where', 'price>abc'], /--where "price>abc": .*"abc" is not a decimal number/, undefined],
    [
      ['--where', 'created_at>tomorrow'],
      /--where "created_at>tomorrow": .*"tomorrow" is not a time/,
      undefined,
    ],
    [['--order-by', 'nope:desc'], /--order-by "nope:desc": unknown sort column "nope"/, /columns:/],
    [
      ['--order-by', 'price:sideways'],
      /--order-by "price:sideways": unknown direction "sideways"/,
      undefined,
    ],
    [
      ['--order-by', 'price; DROP TABLE orders'],
      /--order-by "price; DROP TABLE orders" is not column\[:asc\|desc\]/,
      undefined,
    ],
    [['--since', 'yesterday'], /--since: "yesterday" is not a time/, /-15m, -2h, -7d/],
    [['--until', '2026-02-30'], /--until: "2026-02-30" is not a time/, undefined],
    // Relative times further back than year 0000 name no time a filter can take (were exit 65, "-infinity").
    [['--since', '-999999d'], /--since: "-999999d" is outside the years 0000 to 9999/, /0000-01-01/],
    [['--since', '-99999999999d'], /--since: "-99999999999d" is outside the years 0000 to 9999/, undefined],
    [['--until', '-99999999999w'], /--until: "-99999999999w" is outside the years 0000 to 9999/, undefined],
    [['--status', 'bogus'], /--status "bogus": .*is not one of pending, open/, undefined],
    [['--side', 'long'], /--side "long": .*is not one of buy, sell/, undefined],
    [['--limit', '0'], /--limit "0": expected a positive integer/, undefined],
    [['--limit', 'ten'], /--limit "ten": expected a positive integer/, undefined],
    [['--offset', '-1'], /--offset "-1": expected a non-negative integer/, undefined],
  ])('exits 64 naming the bad part: %j', async (argv, message, hint) => {
    const result = await query('orders', ...argv);
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: ${message.source}`));
    if (hint) expect(result.stderr).toMatch(new RegExp(`hint: .*${hint.source}`));
  });

  it('prints NDJSON, CSV with a header, and a table that fits an 80-column terminal with ids shortened only there', async () => {
    const ndjson = await query('orders', '--limit', '3', '--format', 'ndjson');
    const lines = ndjson.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]!);
    const csv = await query('orders', '--limit', '3', '--format', 'csv');
    const records = csv.stdout.trimEnd().split('\r\n');
    expect(records[0]).toBe(
      'order_id,client_order_id,exchange,symbol,side,order_type,quantity,price,filled_quantity,status,correlation_id,created_at,updated_at',
    );
    expect(records[1]!.startsWith(`${first.order_id},`)).toBe(true);
    // An 80-column terminal; the full table is about 200 wide.
    const table = await onTerminal(80, 'query', 'orders', '--limit', '3', '--database', database);
    expect(table.code).toBe(0);
    for (const line of table.stdout.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(table.stdout).toContain(`${first.order_id.slice(0, 8)}…`);
    expect(table.stdout).not.toContain(first.order_id);
    expect(table.stderr).toMatch(/not shown, to fit the terminal: .*client_order_id/);
  });

  it('prints a JSON [] and a CSV header when nothing matches', async () => {
    expect((await query('orders', '--symbol', 'NONE', '--json')).stdout).toBe('[]\n');
    const csv = await query('orders', '--symbol', 'NONE', '--format', 'csv');
    expect(csv.stdout.startsWith('order_id,client_order_id,')).toBe(true);
  });
});

describe('tradedb query trades', () => {
  it('lists trades newest first and filters by --order (order_id or client_order_id), --symbol and time', async () => {
    const all = await json('trades', '--limit', '1000');
    expect(all.length).toBeGreaterThan(0);
    const times = all.map((row) => row['executed_at'] as string);
    expect([...times].sort().reverse()).toEqual(times);
    const orderId = all[0]!['order_id'] as string;
    const byId = await json('trades', '--order', orderId);
    expect(byId.every((row) => row['order_id'] === orderId)).toBe(true);
    const order = JSON.parse((await query('order', orderId, '--json')).stdout) as { client_order_id: string };
    const byClientId = await json('trades', '--order', order.client_order_id);
    expect(byClientId).toEqual(byId);
    const symbol = all[0]!['symbol'] as string;
    const bySymbol = await json('trades', '--symbol', symbol, '--since', '2026-01-15', '--limit', '1000');
    expect(bySymbol.length).toBeGreaterThan(0);
    expect(
      bySymbol.every((row) => row['symbol'] === symbol && (row['executed_at'] as string) >= '2026-01-15'),
    ).toBe(true);
    const exchange = all[0]!['exchange'] as string;
    const bySide = await json('trades', '--side', 'sell', '--exchange', exchange, '--limit', '1000');
    expect(bySide.length).toBeGreaterThan(0);
    expect(bySide).toEqual(all.filter((row) => row['side'] === 'sell' && row['exchange'] === exchange));
  });

  it('exits 66 when --order names no order, and 64 on a bad filter', async () => {
    expect((await query('trades', '--order', 'no-such-client-id')).code).toBe(66);
    const bad = await query('trades', '--where', 'fee<-x');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^error: --where "fee<-x"/);
  });
});

describe('tradedb query positions', () => {
  it('lists positions as the repository has them, and --open only the non-zero ones', async () => {
    const rows = await json('positions');
    const { config } = await loadConfig({ cwd, env: { TRADEDB_DATABASE_PATH: database }, noFile: true });
    const pool = await Pool.open({ config, readOnly: true });
    try {
      const stored = await new PositionRepository(pool).findAll();
      expect(rows).toEqual(JSON.parse(JSON.stringify(stored.rows)));
    } finally {
      await pool.close();
    }
    const open = await json('positions', '--open');
    expect(open).toEqual(rows.filter((row) => Number(row['quantity']) !== 0));
    const symbol = rows[0]!['symbol'] as string;
    expect(await json('positions', '--symbol', symbol)).toEqual(
      rows.filter((row) => row['symbol'] === symbol),
    );
    const exchange = rows[0]!['exchange'] as string;
    expect(await json('positions', '--exchange', exchange)).toEqual(
      rows.filter((row) => row['exchange'] === exchange),
    );
    expect(await json('positions', '--exchange', 'NOWHERE')).toEqual([]);
  });
});

describe('tradedb query snapshots', () => {
  it('lists snapshots newest first with their positions document in JSON, and filters by time', async () => {
    const rows = await json('snapshots');
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => (row['taken_at'] as string).slice(0, 10))).toEqual([
      '2026-01-15',
      '2026-01-14',
      '2026-01-13',
    ]);
    expect(typeof rows[0]!['positions']).toBe('object');
    expect(rows[0]!['total_value']).toMatch(/^-?\d+\.\d{8}$/);
    expect(await json('snapshots', '--since', '2026-01-14', '--until', '2026-01-15')).toHaveLength(1);
    // The positions document is JSON output only; a table has no room for it.
    const table = await query('snapshots');
    expect(table.stdout).toContain('total_value');
    expect(table.stdout).not.toContain('{');
  });
});
