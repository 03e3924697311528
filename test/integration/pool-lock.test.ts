import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, Pool } from '../../src/index.js';
import type { Spawned } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { holdDatabase } from '../helpers/holder.js';
import { tempDir } from '../helpers/temp.js';

const holders: Spawned[] = [];
afterEach(() => {
  for (const holder of holders.splice(0)) holder.child.kill('SIGKILL');
});

describe('the file lock across processes', () => {
  it('fails at once with DatabaseLocked naming the holder pid when lock_wait_ms is 0', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'locked.duckdb');
    const holder = await holdDatabase(file, { cwd });
    holders.push(holder);
    const error = await Pool.open({ config: await testConfig({ database_path: file }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as DatabaseLockedError).pid).toBe(holder.child.pid);
  });

  it('waits for the lock and opens once the holder lets go within lock_wait_ms', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'locked.duckdb');
    const holder = await holdDatabase(file, { cwd, holdMs: 800 });
    holders.push(holder);
    const pool = await Pool.open({
      config: await testConfig({ database_path: file, 'pool.lock_wait_ms': 30_000 }),
    });
    try {
      expect(await pool.withReader((db) => db.all('SELECT count(*) AS n FROM holder_heartbeat'))).toEqual([
        { n: 0n },
      ]);
    } finally {
      await pool.close();
    }
  });

  it('gives the lock up on close(), so another process can open the file', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'released.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: file }) });
    await pool.withWriter((db) => db.run('CREATE TABLE t (x INTEGER)'));
    await pool.withReader((db) => db.all('SELECT 1'));
    await pool.close();
    const holder = await holdDatabase(file, { cwd });
    holders.push(holder);
    expect(holder.output().stdout).toContain('ready');
  });

  it('is released when the holder is killed with SIGKILL', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'killed.duckdb');
    const holder = await holdDatabase(file, { cwd });
    holder.child.kill('SIGKILL');
    await holder.done;
    const pool = await Pool.open({ config: await testConfig({ database_path: file }) });
    await pool.close();
  });

  it('CLI: exits 75 naming the pid, or succeeds when the lock is released within --wait', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'cli.duckdb');
    const holder = await holdDatabase(file, { cwd });
    holders.push(holder);
    const locked = await cli(['query', 'sql', 'SELECT 1 AS x', '--database', file], { cwd });
    expect(locked.code).toBe(75);
    expect(locked.stderr).toContain(`PID ${holder.child.pid}`);
    expect(locked.stderr).toContain('hint:');
    holder.child.kill('SIGKILL');

    const briefHolder = await holdDatabase(file, { cwd, holdMs: 800 });
    holders.push(briefHolder);
    const waited = await cli(
      ['query', 'sql', 'SELECT 1 AS x', '--database', file, '--wait', '20s', '--json'],
      { cwd },
    );
    expect(waited.stderr).toBe('');
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toEqual([{ x: 1 }]);
  });

  it('CLI: exits 75 after --wait runs out', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'cli.duckdb');
    const holder = await holdDatabase(file, { cwd });
    holders.push(holder);
    const result = await cli(['query', 'sql', 'SELECT 1', '--database', file, '--wait', '300ms'], { cwd });
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(/still locked after waiting 300 ms/);
  });
});
