import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/admin.js';
import { MigrationRunner } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { copyMigrations, writeMigration } from '../helpers/migrations.js';
import { suiteDir } from '../helpers/temp.js';
import { counts, digest, migratedDatabase, SMALL_ENV, withDatabase } from './databases.js';
import { type CrashCase, expectEveryKindHit, runCrashCase, timeoutFor, type Workspace } from './harness.js';

const BIG_ROWS = 40_000;

/** Migrations 004-007 on top of the shipped ones: a slow one, a backfill, an update of existing rows, an index. */
function extraMigrations(dir: string): string {
  const migrations = copyMigrations(dir);
  writeMigration(
    migrations,
    '004_big.sql',
    `CREATE TABLE big AS SELECT range AS x, md5(CAST(range AS VARCHAR)) AS h FROM range(${BIG_ROWS});`,
    'DROP TABLE big;',
  );
  writeMigration(
    migrations,
    '005_order_notes.sql',
    "CREATE TABLE order_notes AS SELECT order_id, 'note ' || client_order_id AS note FROM orders;",
    'DROP TABLE order_notes;',
  );
  writeMigration(
    migrations,
    '006_usdt_fees.sql',
    "UPDATE trades SET fee_currency = 'USDT' WHERE fee_currency = 'USD';",
    "UPDATE trades SET fee_currency = 'USD' WHERE fee_currency = 'USDT';",
  );
  writeMigration(
    migrations,
    '007_fee_index.sql',
    'CREATE INDEX trades_fee_currency ON trades (fee_currency);',
    'DROP INDEX trades_fee_currency;',
  );
  return migrations;
}

const EXTRA = ['big', 'order_notes', 'schema_migrations'];

describe('SIGKILL at seeded random moments during migrate up', () => {
  const states = new Map<number, { before: Record<string, string>; after: Record<string, string> }>();
  const migrationsOf = (dir: string) => path.join(dir, 'migrations');
  const databaseOf = (dir: string) => path.join(dir, 'trading.duckdb');

  /** What the database says about itself: applied versions, states, and each extra migration's effect. */
  async function inspect(workspace: Workspace) {
    return withDatabase(databaseOf(workspace.dir), async (pool) => {
      const status = await new MigrationRunner({ pool, directory: migrationsOf(workspace.dir) }).status();
      const facts = await pool.withReader((session) =>
        session.one<Record<string, bigint>>(
          `SELECT
             (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'big') AS big_table,
             (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'order_notes') AS notes_table,
             (SELECT count(*) FROM trades WHERE fee_currency = 'USD') AS usd,
             (SELECT count(*) FROM trades WHERE fee_currency = 'USDT') AS usdt,
             (SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'trades_fee_currency') AS "index"`,
        ),
      );
      const big =
        facts!['big_table'] === 1n
          ? await pool.withReader((session) => session.one<{ n: bigint }>('SELECT count(*) AS n FROM big'))
          : undefined;
      const notes =
        facts!['notes_table'] === 1n
          ? await pool.withReader((session) =>
              session.one<{ n: bigint }>('SELECT count(*) AS n FROM order_notes'),
            )
          : undefined;
      return {
        status,
        facts: facts! as unknown as Record<string, bigint>,
        bigRows: big?.n,
        noteRows: notes?.n,
      };
    });
  }

  const migrateCase: CrashCase = {
    name: 'migrate up',
    async build(dir, slot) {
      const database = databaseOf(dir);
      // 001-003 applied, rows in every table; 004-007 pending.
      await migratedDatabase(database, 80);
      extraMigrations(dir);
      const before = await digest(database, EXTRA);
      // The state a whole run must reach, from a copy.
      const copy = path.join(dir, 'expected.duckdb');
      fs.copyFileSync(database, copy);
      await withDatabase(copy, (pool) => new MigrationRunner({ pool, directory: migrationsOf(dir) }).up());
      const after = await digest(copy, ['schema_migrations']);
      fs.rmSync(copy);
      states.set(slot, { before, after });
      return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: database };
    },
    args: (workspace) => ['migrate', 'up', '--migrations-dir', migrationsOf(workspace.dir), '--json'],
    async checkAfterKill(workspace, outcome) {
      const { before, after } = states.get(workspace.slot)!;
      const { status, facts, bigRows, noteRows } = await inspect(workspace);
      // No changed, missing or out-of-order migration; the applied ones are a prefix.
      expect(status.map((s) => s.state).join(' ')).toMatch(/^(applied ?)*(pending ?)*$/);
      const applied = new Set(status.filter((s) => s.state === 'applied').map((s) => s.version));
      for (const v of ['001', '002', '003']) expect(applied.has(v)).toBe(true);
      // Each migration committed with its ledger row, or not at all.
      const trades = Number(facts['usd']! + facts['usdt']!);
      expect(facts['big_table'] === 1n, 'big').toBe(applied.has('004'));
      expect(facts['notes_table'] === 1n, 'order_notes').toBe(applied.has('005'));
      expect(Number(applied.has('006') ? facts['usdt'] : facts['usd']), 'fee currencies').toBe(trades);
      expect(facts['index'] === 1n, 'index').toBe(applied.has('007'));
      // Every row committed before: the untouched tables are identical, trades are the old or updated ones.
      const now = await digest(databaseOf(workspace.dir), EXTRA);
      for (const [table, sum] of Object.entries(before)) {
        if (table === 'trades') expect([sum, after[table]]).toContain(now[table]);
        else expect(now[table], table).toBe(sum);
      }
      if (applied.has('004')) expect(bigRows).toBe(BigInt(BIG_ROWS));
      if (applied.has('005')) expect(`${noteRows}`).toBe(before['orders']!.split(':')[0]);
      if (!outcome.killed) expect(applied.size).toBe(7);
    },
    async recover(workspace) {
      const { after } = states.get(workspace.slot)!;
      const next = await cli(['migrate', 'up', '--migrations-dir', migrationsOf(workspace.dir), '--json'], {
        cwd: workspace.dir,
        env: workspace.env,
      });
      expect(next.code, next.stderr).toBe(0);
      const { status } = await inspect(workspace);
      expect(status.every((s) => s.state === 'applied')).toBe(true);
      expect(await digest(databaseOf(workspace.dir), ['schema_migrations'])).toEqual(after);
    },
  };

  it(
    'every migration is applied with its ledger row or not at all, nothing committed is lost, and the next run finishes',
    async () => {
      const report = await runCrashCase(migrateCase, suiteDir('tradedb-crash-migrate-'));
      expectEveryKindHit(report);
    },
    timeoutFor(),
  );
});

describe('SIGKILL at seeded random moments during seed --append', () => {
  const OPTIONS = { days: 1, symbols: 2, ticksPerDay: 30, orders: 8, seed: 'crash', endDate: '2026-01-10' };
  const ARGS = [
    'seed',
    '--append',
    '--days',
    `${OPTIONS.days}`,
    '--symbols',
    `${OPTIONS.symbols}`,
    '--ticks-per-day',
    `${OPTIONS.ticksPerDay}`,
    '--orders',
    `${OPTIONS.orders}`,
    '--seed',
    OPTIONS.seed,
    '--end-date',
    OPTIONS.endDate,
    '--json',
  ];
  const states = new Map<number, { before: Record<string, string>; after: Record<string, string> }>();
  /** Per slot, what the database held right after the kill (the recovery starts from it). */
  const afterKill = new Map<number, Record<string, string>>();
  const databaseOf = (dir: string) => path.join(dir, 'trading.duckdb');

  const seedCase: CrashCase = {
    name: 'seed --append',
    async build(dir, slot) {
      const database = databaseOf(dir);
      await migratedDatabase(database, 0);
      // Batch 1, committed before any kill.
      await withDatabase(database, (pool) => seedDatabase(pool, { ...OPTIONS, seed: 'first' }));
      const before = await digest(database);
      const copy = path.join(dir, 'expected.duckdb');
      fs.copyFileSync(database, copy);
      await withDatabase(copy, (pool) => seedDatabase(pool, { ...OPTIONS, append: true }));
      const after = await digest(copy);
      fs.rmSync(copy);
      states.set(slot, { before, after });
      return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: database };
    },
    args: () => ARGS,
    critical: /COMMIT|CHECKPOINT|BEGIN|flush|close|INSERT|UPDATE/,
    async checkAfterKill(workspace, outcome) {
      const { before, after } = states.get(workspace.slot)!;
      // One transaction: the database holds batch 1 alone, or batch 1 and the whole of batch 2.
      const now = await digest(databaseOf(workspace.dir));
      afterKill.set(workspace.slot, now);
      expect([before, after]).toContainEqual(now);
      if (!outcome.killed) expect(now).toEqual(after);
    },
    async recover(workspace) {
      const { before, after } = states.get(workspace.slot)!;
      const was = afterKill.get(workspace.slot)!;
      const next = await cli(ARGS, { cwd: workspace.dir, env: workspace.env });
      expect(next.code, next.stderr).toBe(0);
      if (was['orders'] === before['orders']) {
        expect(await digest(databaseOf(workspace.dir))).toEqual(after);
      } else {
        // The killed run had committed: this one adds batch 3.
        expect(JSON.parse(next.stdout).batch).toBe(3);
        const orders = (await counts(databaseOf(workspace.dir)))['orders'];
        expect(orders).toBe(Number(after['orders']!.split(':')[0]) + OPTIONS.orders);
      }
    },
  };

  it(
    'leaves the earlier batch alone and the new batch whole or absent, and the next run succeeds',
    async () => {
      const report = await runCrashCase(seedCase, suiteDir('tradedb-crash-seed-'));
      expectEveryKindHit(report);
    },
    timeoutFor(),
  );
});
