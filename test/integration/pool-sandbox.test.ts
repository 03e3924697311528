import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/admin.js';
import { Pool, TradeDbError, ValidationError } from '../../src/index.js';
import { atTestEnd } from '../helpers/cleanup.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';

let root: string;
let database: string;
let allowed: string;

beforeAll(async () => {
  root = suiteDir('tradedb-pool-sandbox-');
  database = path.join(root, 'db.duckdb');
  allowed = path.join(root, 'allowed');
  fs.mkdirSync(allowed);
  fs.writeFileSync(path.join(allowed, 'in.csv'), 'n\n7\n');
  fs.writeFileSync(path.join(root, 'out.csv'), 'n\nsecret\n');
  const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
  await pool.withWriter((db) => db.run('CREATE TABLE t AS SELECT 1 AS n'));
  await pool.close();
});

async function open(sandbox: Sandbox | undefined, readOnly = true): Promise<Pool> {
  const pool = await Pool.open({
    config: await testConfig({ database_path: database }),
    readOnly,
    ...(sandbox ? { sandbox } : {}),
  });
  atTestEnd(() => pool.close());
  return pool;
}

const read = (pool: Pool, sql: string) => pool.withReader((db) => db.all(sql));

async function failure(work: Promise<unknown>): Promise<TradeDbError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TradeDbError);
  return error as TradeDbError;
}

describe('Pool.open with a sandbox', () => {
  it('reads the database and the allowed folder, and no other file', async () => {
    const pool = await open({ readDirectories: [allowed] });
    expect(await read(pool, 'SELECT n FROM t')).toEqual([{ n: 1 }]);
    expect(await read(pool, `SELECT n FROM read_csv('${path.join(allowed, 'in.csv')}')`)).toEqual([
      { n: 7n },
    ]);
    const outside = await failure(read(pool, `SELECT * FROM read_csv('${path.join(root, 'out.csv')}')`));
    expect(outside.message).toMatch(/Permission Error/);
    // `allowed/../out.csv` names a file outside the folder: DuckDB normalises before it compares.
    const climbedOut = await failure(read(pool, `SELECT * FROM read_csv('${allowed}/../out.csv')`));
    expect(climbedOut.message).toMatch(/Permission Error/);
  });

  it('reads no file at all with no folder listed', async () => {
    const pool = await open({ readDirectories: [] });
    const error = await failure(read(pool, `SELECT * FROM read_csv('${path.join(allowed, 'in.csv')}')`));
    expect(error.message).toMatch(/Permission Error/);
  });

  it('refuses to change any setting, install or load an extension, or attach a file', async () => {
    const pool = await open({ readDirectories: [allowed] });
    for (const sql of [
      "SET memory_limit = '1GB'",
      'SET enable_external_access = true',
      "SET allowed_directories = ['/']",
      'RESET lock_configuration',
    ]) {
      expect((await failure(read(pool, sql))).message).toMatch(/configuration has been locked/);
    }
    await failure(read(pool, 'INSTALL httpfs'));
    await failure(read(pool, 'LOAD httpfs'));
    await failure(read(pool, `ATTACH '${path.join(allowed, 'x.duckdb')}' AS x`));
    expect(fs.existsSync(path.join(allowed, 'x.duckdb'))).toBe(false);
  });

  it('keeps every connection on UTC although the configuration is locked', async () => {
    const pool = await open({ readDirectories: [] });
    const [row] = await pool.withReader((db) => db.all("SELECT current_setting('TimeZone') AS tz"));
    expect(['UTC', 'Etc/UTC']).toContain(row!['tz']);
  });

  it('is never shared with an open of the same file that has full access, in either order', async () => {
    const full = await open(undefined);
    const sandboxed = await failure(open({ readDirectories: [] }));
    expect(sandboxed).toBeInstanceOf(ValidationError);
    expect(sandboxed.message).toMatch(/needs a process of its own/);
    await full.close();
    const first = await open({ readDirectories: [] });
    const second = await failure(open(undefined));
    expect(second.message).toMatch(/open sandboxed in this process/);
    const otherFolders = await failure(open({ readDirectories: [allowed] }));
    expect(otherFolders).toBeInstanceOf(ValidationError);
    // The same sandbox shares the instance, as any two pools of one file in one process must.
    const same = await open({ readDirectories: [] });
    expect(await read(same, 'SELECT n FROM t')).toEqual([{ n: 1 }]);
    expect(await read(first, 'SELECT n FROM t')).toEqual([{ n: 1 }]);
  });

  it('sandboxes an in-memory database too', async () => {
    const pool = await Pool.open({
      config: await testConfig({ database_path: ':memory:' }),
      sandbox: { readDirectories: [] },
    });
    atTestEnd(() => pool.close());
    await failure(read(pool, `SELECT * FROM read_csv('${path.join(root, 'out.csv')}')`));
    await failure(read(pool, `COPY (SELECT 1) TO '${path.join(root, 'copy.csv')}'`));
    expect(fs.existsSync(path.join(root, 'copy.csv'))).toBe(false);
  });
});
