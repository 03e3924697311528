import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/admin.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { counts, digest, migratedDatabase, SMALL_ENV, withDatabase } from './databases.js';
import {
  type CrashCase,
  crashAt,
  crashLabels,
  expectEveryKindHit,
  killAt,
  runCrashCase,
  timeoutFor,
} from './harness.js';

const databaseOf = (dir: string) => path.join(dir, 'trading.duckdb');

/** Two partial fills for each open order of the database, as a trades CSV. */
async function fillsFile(database: string, file: string): Promise<number> {
  const orders = await withDatabase(database, (pool) =>
    pool.withReader((session) =>
      session.all<{ id: string; exchange: string; symbol: string; side: string; quantity: string }>(
        `SELECT CAST(order_id AS VARCHAR) AS id, exchange, symbol, side, CAST(quantity AS VARCHAR) AS quantity
         FROM orders WHERE status = 'open' ORDER BY client_order_id`,
      ),
    ),
  );
  const lines = ['trade_id,order_id,exchange,symbol,side,quantity,price,fee,fee_currency,executed_at'];
  for (const [i, order] of orders.entries()) {
    const part = (Number(order.quantity) / 4).toFixed(8);
    for (const n of [1, 2]) {
      const id = `00000000-0000-4000-8000-${String(i * 2 + n).padStart(12, '0')}`;
      lines.push(
        `${id},${order.id},${order.exchange},${order.symbol},${order.side},${part},100.5,0.01,USD,2026-01-02T0${n}:00:00.000001Z`,
      );
    }
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length - 1;
}

function ticksFile(file: string, rows: number): void {
  const lines = ['ts,exchange,symbol,price,size,seq'];
  for (let i = 0; i < rows; i++) {
    const micros = String(i % 1_000_000).padStart(6, '0');
    lines.push(
      `2026-01-03T00:00:${String(i % 60).padStart(2, '0')}.${micros}Z,XNAS,SYM${i % 4},${100 + i / 1e8},0.5,${i}`,
    );
  }
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
}

describe('SIGKILL at seeded random moments during import', () => {
  const states = new Map<number, { before: Record<string, string>; after: Record<string, string> }>();
  /** Per slot, what the database held right after the kill (the recovery starts from it). */
  const afterKill = new Map<number, Record<string, string>>();

  /** The state a whole import reaches, computed on a copy with the library. */
  async function expected(dir: string, kind: 'trades' | 'ticks', file: string) {
    const database = databaseOf(dir);
    const before = await digest(database);
    const copy = path.join(dir, 'expected.duckdb');
    fs.copyFileSync(database, copy);
    await withDatabase(copy, async (pool) => {
      const result = await importFile(pool, { kind, file });
      if (result.rows_rejected > 0) throw new Error(JSON.stringify(result.rejects));
    });
    const after = await digest(copy);
    fs.rmSync(copy);
    return { before, after };
  }

  const tradesCase: CrashCase = {
    name: 'import trades',
    async build(dir, slot) {
      await migratedDatabase(databaseOf(dir), 6);
      await fillsFile(databaseOf(dir), path.join(dir, 'fills.csv'));
      states.set(slot, await expected(dir, 'trades', path.join(dir, 'fills.csv')));
      return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: databaseOf(dir) };
    },
    args: (workspace) => ['import', 'trades', path.join(workspace.dir, 'fills.csv'), '--json'],
    critical: /COMMIT|CHECKPOINT|BEGIN|INSERT|UPDATE/,
    async checkAfterKill(workspace, outcome) {
      const { before, after } = states.get(workspace.slot)!;
      // One transaction: no trade without its order and position moving, and nothing half-imported.
      const now = await digest(databaseOf(workspace.dir));
      afterKill.set(workspace.slot, now);
      expect([before, after]).toContainEqual(now);
      if (!outcome.killed) expect(now).toEqual(after);
    },
    async recover(workspace) {
      const { before, after } = states.get(workspace.slot)!;
      const was = afterKill.get(workspace.slot)!;
      const args = ['import', 'trades', path.join(workspace.dir, 'fills.csv'), '--json'];
      const next = await cli(args, { cwd: workspace.dir, env: workspace.env });
      if (was['trades'] === before['trades']) {
        expect(next.code, next.stderr).toBe(0);
        expect(await digest(databaseOf(workspace.dir))).toEqual(after);
      } else {
        // The killed run had committed: the same file again is refused, naming the existing trade ids.
        expect(next.code, next.stderr).toBe(65);
        expect(next.stderr).toMatch(/already exists in trades/);
        expect(await digest(databaseOf(workspace.dir))).toEqual(after);
      }
    },
  };

  const TICKS = 4000;
  const ticksCase: CrashCase = {
    name: 'import ticks (--rejects)',
    async build(dir, slot) {
      await migratedDatabase(databaseOf(dir), 10);
      ticksFile(path.join(dir, 'ticks.csv'), TICKS);
      states.set(slot, await expected(dir, 'ticks', path.join(dir, 'ticks.csv')));
      return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: databaseOf(dir) };
    },
    args: (workspace) => [
      'import',
      'ticks',
      path.join(workspace.dir, 'ticks.csv'),
      '--rejects',
      path.join(workspace.dir, 'rejects.csv'),
      '--force',
      '--json',
    ],
    async checkAfterKill(workspace, outcome) {
      const { before, after } = states.get(workspace.slot)!;
      const now = await digest(databaseOf(workspace.dir));
      afterKill.set(workspace.slot, now);
      expect([before, after]).toContainEqual(now);
      if (!outcome.killed) expect(now).toEqual(after);
      // The rejects file is absent or whole (here: a header and no rejects), never part of one.
      const rejects = path.join(workspace.dir, 'rejects.csv');
      if (fs.existsSync(rejects))
        expect(fs.readFileSync(rejects, 'utf8')).toBe('line,error,ts,exchange,symbol,price,size,seq\r\n');
    },
    async recover(workspace) {
      const { before, after } = states.get(workspace.slot)!;
      const was = afterKill.get(workspace.slot)!;
      const next = await cli(ticksCase.args(workspace), { cwd: workspace.dir, env: workspace.env });
      expect(next.code, next.stderr).toBe(0);
      if (was['market_ticks'] === before['market_ticks']) {
        expect(await digest(databaseOf(workspace.dir))).toEqual(after);
      } else {
        // Ticks have no key: the same file again adds the same rows again, all of them.
        expect((await counts(databaseOf(workspace.dir)))['market_ticks']).toBe(
          Number(after['market_ticks']!.split(':')[0]) + TICKS,
        );
      }
    },
  };

  // writeCsvFile names its temporary file after the writing process; the next write removes those of dead ones.
  it('a killed import leaves no temporary rejects file behind', async () => {
    const root = suiteDir('tradedb-crash-import-rejects-');
    const dir = path.join(root, 'one');
    fs.mkdirSync(dir);
    const env = await ticksCase.build(dir, 99);
    const workspace = { dir, slot: 99, run: 0, env };
    const labels = await crashLabels(ticksCase, workspace);
    const at = labels.findIndex((label) => /^open .*\.rejects\.csv\.\d+\.tmp/.test(label)) + 1;
    expect(at).toBeGreaterThan(0);
    const killed = await killAt(ticksCase, workspace, crashAt(labels, at, 'after'));
    expect(killed.killed).toBe(true);
    expect((await cli(ticksCase.args(workspace), { cwd: dir, env })).code).toBe(0);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.rejects.csv'))).toEqual([]);
  });

  // Trades are the import with the most steps (a fill per row, orders and positions moving with it); ticks
  // and orders are one INSERT in one transaction. TRADEDB_SOAK=1 crashes the ticks import too.
  const cases = process.env['TRADEDB_SOAK'] === '1' ? [tradesCase, ticksCase] : [tradesCase];
  for (const testCase of cases) {
    it(
      `${testCase.name}: the file is imported whole or not at all, and the next run behaves`,
      async () => {
        const report = await runCrashCase(testCase, suiteDir('tradedb-crash-import-'));
        expectEveryKindHit(report);
      },
      timeoutFor(),
    );
  }
});
