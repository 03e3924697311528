import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionTimeoutError,
  InterruptedError,
  NotFoundError,
  Pool,
  QueryTimeoutError,
  ValidationError,
} from '../../src/index.js';
import { testConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/temp.js';

const LONG_QUERY = 'SELECT count(*) FROM range(1000000000000) a';
const pools: Pool[] = [];

async function open(values: Record<string, string | number | boolean> = {}, readOnly = false): Promise<Pool> {
  const pool = await Pool.open({
    config: await testConfig({ database_path: ':memory:', ...values }),
    readOnly,
  });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

describe('Pool', () => {
  it('lends concurrent readers different connections and creates them lazily', async () => {
    const pool = await open({ 'pool.max_readers': 4 });
    expect(pool.stats().readers_total).toBe(0);
    const seen = new Set<unknown>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const readers = Array.from({ length: 3 }, () =>
      pool.withReader(async (session) => {
        seen.add(session);
        await gate;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pool.stats()).toMatchObject({ readers_total: 3, readers_busy: 3 });
    release();
    await Promise.all(readers);
    expect(seen.size).toBe(3);
    expect(pool.stats()).toMatchObject({ readers_busy: 0, readers_idle: 3 });
  });

  it('fails with ConnectionTimeout when every reader stays busy past connection_timeout_ms', async () => {
    const pool = await open({ 'pool.max_readers': 1, 'pool.connection_timeout_ms': 50 });
    let release!: () => void;
    let holding!: () => void;
    const held = pool.withReader(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          holding();
        }),
    );
    // The reader is created lazily: wait until it is really held before asking for another.
    await new Promise<void>((resolve) => {
      holding = resolve;
    });
    await expect(pool.withReader(async () => 1)).rejects.toBeInstanceOf(ConnectionTimeoutError);
    expect(pool.stats().waiters).toBe(0);
    release();
    await held;
    await expect(pool.withReader(async () => 2)).resolves.toBe(2);
  });

  it('runs writers one at a time in the order they asked', async () => {
    const pool = await open();
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        pool.withWriter(async (session) => {
          await session.run('SELECT 1');
          order.push(n);
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('rolls back a transaction on any error and rethrows it', async () => {
    const pool = await open();
    await pool.withWriter((db) => db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR)'));
    await expect(
      pool.transaction(async (db) => {
        await db.run('INSERT INTO t VALUES (1, $1)', ['a']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      pool.transaction(async (db) => {
        await db.run('INSERT INTO t VALUES (2, $1)', ['b']);
        await db.run('INSERT INTO t VALUES (2, $1)', ['duplicate']);
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const rows = await pool.withReader((db) => db.all('SELECT count(*) AS n FROM t'));
    expect(rows).toEqual([{ n: 0n }]);
    await pool.transaction((db) => db.run('INSERT INTO t VALUES (3, $1)', ['c']));
    expect(await pool.withReader((db) => db.all('SELECT id FROM t'))).toEqual([{ id: 3 }]);
  });

  it('lets a nested transaction join the outer one', async () => {
    const pool = await open();
    await pool.withWriter((db) => db.run('CREATE TABLE t (id INTEGER)'));
    await expect(
      pool.transaction(async (db) => {
        await db.run('INSERT INTO t VALUES (1)');
        await pool.transaction((inner) => inner.run('INSERT INTO t VALUES (2)'));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await pool.withReader((db) => db.all('SELECT count(*) AS n FROM t'))).toEqual([{ n: 0n }]);
  });

  it('interrupts a statement past query_timeout_ms and keeps the connection usable', async () => {
    const pool = await open({ 'pool.query_timeout_ms': 200, 'pool.max_readers': 1 });
    await expect(pool.withReader((db) => db.all(LONG_QUERY))).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(await pool.withReader((db) => db.all('SELECT 42 AS x'))).toEqual([{ x: 42 }]);
  });

  it('interrupt() stops running statements with InterruptedError and refuses new work', async () => {
    const pool = await open({ 'pool.query_timeout_ms': 0 });
    const running = pool.withReader((db) => db.all(LONG_QUERY));
    await new Promise((resolve) => setTimeout(resolve, 200));
    pool.interrupt('interrupted by SIGINT');
    await expect(running).rejects.toBeInstanceOf(InterruptedError);
    await expect(pool.withReader((db) => db.all('SELECT 1'))).rejects.toBeInstanceOf(InterruptedError);
  });

  it('binds decimals as strings and reads them back exactly', async () => {
    const pool = await open();
    const rows = await pool.withReader((db) =>
      db.all('SELECT $1::DECIMAL(18,8) AS d, $2::DECIMAL(18,8) * $3::DECIMAL(38,8) AS n', [
        '12345678.12345678',
        '0.00000001',
        '3',
      ]),
    );
    expect(rows).toEqual([{ d: '12345678.12345678', n: '0.0000000300000000' }]);
  });

  it('binds a Date as a timestamp and keeps microseconds written as text', async () => {
    const pool = await open();
    const [row] = await pool.withReader((db) =>
      db.all("SELECT $1::TIMESTAMPTZ AS a, '2026-11-27 08:00:00.123456+00'::TIMESTAMPTZ AS b", [
        new Date('2026-11-27T08:00:00.123Z'),
      ]),
    );
    expect(row).toEqual({ a: '2026-11-27T08:00:00.123000Z', b: '2026-11-27T08:00:00.123456Z' });
  });

  it('streams a large result in batches', async () => {
    const pool = await open();
    let batches = 0;
    let rows = 0;
    await pool.withReader(async (db) => {
      for await (const batch of db.stream('SELECT range AS n FROM range(10000)')) {
        batches += 1;
        rows += batch.rows.length;
      }
    });
    expect(rows).toBe(10000);
    expect(batches).toBeGreaterThan(1);
  });

  it('counts statements in stats()', async () => {
    const pool = await open();
    const before = pool.stats().queries;
    await pool.withReader((db) => db.all('SELECT 1'));
    expect(pool.stats().queries).toBe(before + 1);
  });

  it('refuses writes on a read-only open, in the pool and in DuckDB itself', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ro.duckdb');
    const writer = await Pool.open({ config: await testConfig({ database_path: file }) });
    await writer.withWriter((db) => db.run('CREATE TABLE t (id INTEGER)'));
    await writer.close();
    const reader = await Pool.open({ config: await testConfig({ database_path: file }), readOnly: true });
    pools.push(reader);
    await expect(reader.withWriter(async () => 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(reader.withReader((db) => db.run('INSERT INTO t VALUES (1)'))).rejects.toThrow(/read-only/);
  });

  it("reports a missing file on a read-only open as NotFound, with a hint in a service's words and the remedy by name", async () => {
    const file = path.join(tempDir(), 'missing.duckdb');
    const error = await Pool.open({
      config: await testConfig({ database_path: file }),
      readOnly: true,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).hint).toContain('MigrationRunner.up()');
    expect((error as NotFoundError).fix).toBe('create-database');
  });

  it('shares one instance per file in a process: two pools see each other at once', async () => {
    const file = path.join(tempDir(), 'shared.duckdb');
    const config = await testConfig({ database_path: file });
    const a = await Pool.open({ config });
    const b = await Pool.open({
      config: await testConfig({ database_path: path.join(path.dirname(file), '.', 'shared.duckdb') }),
    });
    pools.push(a, b);
    await a.withWriter((db) => db.run('CREATE TABLE t AS SELECT 7 AS x'));
    expect(await b.withReader((db) => db.all('SELECT x FROM t'))).toEqual([{ x: 7 }]);
  });

  it('creates the parent folder of a new database file', async () => {
    const file = path.join(tempDir(), 'deep', 'er', 'new.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: file }) });
    pools.push(pool);
    await pool.withWriter((db) => db.run('CREATE TABLE t (x INTEGER)'));
  });

  it('sets UTC on every connection', async () => {
    const pool = await open();
    const rows = await pool.withReader((db) => db.all("SELECT current_setting('TimeZone') AS tz"));
    expect(rows).toEqual([{ tz: 'UTC' }]);
  });

  it('holdWrites: writes that arrive meanwhile wait for it, past the connection timeout, instead of failing', async () => {
    const pool = await open({ 'pool.connection_timeout_ms': 20 });
    await pool.withWriter((db) => db.run('CREATE TABLE t (x INTEGER)'));
    let started: () => void = () => {};
    const holding = new Promise<void>((resolve) => {
      started = resolve;
    });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold = pool.holdWrites(async (db) => {
      await db.run('INSERT INTO t VALUES (1)');
      started();
      await released;
      return db.all('SELECT x FROM t ORDER BY x');
    });
    await holding;
    // From outside the hold's async flow, as another part of a service would write.
    const writes = [2, 3].map((x) => pool.withWriter((db) => db.run(`INSERT INTO t VALUES (${x})`)));
    // Ten times the connection timeout: without the hold, both writes would fail with ConnectionTimeoutError.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const held = await hold;
    await Promise.all(writes);
    expect(held.value).toEqual([{ x: 1 }]);
    expect(held.writers_waited).toBe(2);
    expect(held.longest_wait_ms).toBeGreaterThan(0);
    expect(await pool.withReader((db) => db.all('SELECT x FROM t ORDER BY x'))).toEqual([
      { x: 1 },
      { x: 2 },
      { x: 3 },
    ]);
  });
});
