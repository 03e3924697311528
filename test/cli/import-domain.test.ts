import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { suiteDir, tempDir } from '../helpers/temp.js';

/**
 * What the rest of tradedb cannot represent, or what contradicts the
 * domain, is a reject with its line, not a row stored differently from the
 * file or never found again.
 */
let template: string;

beforeAll(async () => {
  const dir = suiteDir('tradedb-import-domain-');
  template = path.join(dir, 'template.duckdb');
  const migrated = await cli(['migrate', 'up', '--database', template], { cwd: dir });
  expect(migrated.code, migrated.stderr).toBe(0);
});

function fresh(): { cwd: string; database: string; write: (name: string, text: string) => string } {
  const cwd = tempDir('tradedb-import-domain-test-');
  const database = path.join(cwd, 'trading.duckdb');
  fs.copyFileSync(template, database);
  const write = (name: string, text: string) => {
    const file = path.join(cwd, name);
    fs.writeFileSync(file, text);
    return file;
  };
  return { cwd, database, write };
}

const rejected = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('  line '));

async function count(db: { cwd: string; database: string }, table: string): Promise<number> {
  const result = await cli(
    ['query', 'sql', `SELECT count(*) AS n FROM ${table}`, '--database', db.database, '--json'],
    {
      cwd: db.cwd,
    },
  );
  return JSON.parse(result.stdout)[0].n;
}

describe('import refuses what tradedb cannot represent', () => {
  it('rejects times finer than microseconds, years outside 0001-9999 and a negative seq, by line', async () => {
    const db = fresh();
    const file = db.write(
      'ticks.csv',
      [
        'ts,exchange,symbol,price,size,seq',
        '2026-11-27T08:00:00.1234567Z,X,BTC-USD,1,1,1',
        '10000-01-01T00:00:00Z,X,BTC-USD,1,1,2',
        '-0001-01-01T00:00:00Z,X,BTC-USD,1,1,3',
        '2026-11-27T08:00:00.123456Z,X,BTC-USD,1,1,-4',
        '0001-01-01T00:00:00Z,X,BTC-USD,1,1,5',
        '9999-12-31T23:59:59.999999Z,X,BTC-USD,1,1,6',
        '2026-11-27T08:00:00.123456000Z,X,BTC-USD,1,1,7',
        '',
      ].join('\n'),
    );
    const result = await cli(['import', 'ticks', file, '--database', db.database], { cwd: db.cwd });
    expect(result.code).toBe(65);
    expect(rejected(result.stderr)).toEqual([
      '  line 2: ts "2026-11-27T08:00:00.1234567Z" has more than 6 fractional digits of seconds',
      '  line 3: ts "10000-01-01T00:00:00Z" is outside the years 0001-9999 (UTC)',
      '  line 4: ts "-0001-01-01T00:00:00Z" is outside the years 0001-9999 (UTC)',
      '  line 5: seq "-4" must not be negative',
    ]);
    expect(await count(db, 'market_ticks')).toBe(0);
  });

  it('rejects a fill executed before its order was created, by line', async () => {
    const db = fresh();
    const orders = path.join(ROOT, 'test', 'fixtures', 'import', 'orders-good.csv');
    const loaded = await cli(['import', 'orders', orders, '--database', db.database], { cwd: db.cwd });
    expect(loaded.code, loaded.stderr).toBe(0);
    // Order ...0001 was created at 2026-11-27T09:00:00Z.
    const file = db.write(
      'trades.csv',
      [
        'trade_id,order_id,quantity,price,fee_currency,executed_at',
        '33333333-3333-4333-8333-000000000001,11111111-1111-4111-8111-000000000001,0.1,100,USD,2026-11-27T09:00:00Z',
        '33333333-3333-4333-8333-000000000002,11111111-1111-4111-8111-000000000001,0.1,100,USD,2026-11-27T08:59:59.999999Z',
        '',
      ].join('\n'),
    );
    const result = await cli(['import', 'trades', file, '--database', db.database], { cwd: db.cwd });
    expect(result.code).toBe(65);
    expect(rejected(result.stderr)).toEqual([
      '  line 3: executed_at "2026-11-27T08:59:59.999999Z" is before order 11111111-1111-4111-8111-000000000001 was created (2026-11-27T09:00:00.000000Z)',
    ]);
    expect(await count(db, 'trades')).toBe(0);
  });
});
