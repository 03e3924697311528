import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, Pool } from '../../src/index.js';
import { cronEnv } from '../faults/databases.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { fillUp, smallFileSystem } from '../helpers/small-fs.js';
import { tempDir } from '../helpers/temp.js';

/** Error messages name what failed: the file DuckDB could not open or write, not the database beside it. */
describe('messages that name the real culprit', () => {
  it('a missing database attached inside a query is named, and gets no `init` hint meant for the main one', async () => {
    const dir = tempDir('tradedb-messages-');
    const pool = await Pool.open({
      config: await testConfig({ database_path: path.join(dir, 'main.duckdb') }),
    });
    try {
      const missing = path.join(dir, 'elsewhere', 'missing.duckdb');
      const error = await pool
        .withWriter((session) => session.run(`ATTACH '${missing}' AS other (READ_ONLY)`))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe(`no database at ${missing}`);
      expect((error as NotFoundError).hint).toBeUndefined();
    } finally {
      await pool.close();
    }
  });

  it('a full disk during export-partitions names the Parquet file that did not fit, not the database', async (context) => {
    const dir = tempDir('tradedb-messages-');
    const database = path.join(dir, 'trading.duckdb');
    const env = cronEnv(dir, database);
    const seeded = await cli(
      ['seed', '--symbols', '1', '--days', '12', '--ticks-per-day', '24', '--orders', '10'],
      {
        cwd: dir,
        env,
      },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    fillUp(smallFileSystem(env.TRADEDB_EXPORT_DIRECTORY!, '256k', context), 0);
    const result = await cli(['export-partitions'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toMatch(/disk full writing \S+\/market_ticks-\d{4}-\d{2}-\d{2}\.parquet: /);
    expect(result.stderr).not.toContain(`disk full (${database})`);
  });

  it('backup --out naming a file (or a path under one): exit 73 saying so, nothing created', async () => {
    const dir = tempDir('tradedb-messages-');
    const database = path.join(dir, 'trading.duckdb');
    expect((await cli(['migrate', 'up', '--database', database], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    for (const out of [file, path.join(file, 'below')]) {
      const result = await cli(['backup', '--out', out, '--database', database], { cwd: dir });
      expect(result.code, result.stderr).toBe(73);
      expect(result.stderr).toMatch(
        new RegExp(`^error: ${out} is a file, or lies under one: backups go in a folder`),
      );
      expect(result.stderr).not.toMatch(/EEXIST|ENOTDIR|mkdir/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    expect(fs.readdirSync(dir).sort()).toEqual(['not-a-folder', 'trading.duckdb']);
  });
});
