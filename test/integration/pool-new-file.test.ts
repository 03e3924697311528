import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { BIN, spawnNode } from '../helpers/bin.js';
import { testConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/temp.js';

/** Everything in `dir` but `keep`. */
const others = (dir: string, ...keep: string[]) => fs.readdirSync(dir).filter((name) => !keep.includes(name));

/** A preload that SIGKILLs the process just before (or after) the new database is linked in under its name. */
function killingPreload(dir: string): string {
  const preload = path.join(dir, 'kill-at-link.cjs');
  fs.writeFileSync(
    preload,
    `const fs = require('node:fs');
     const link = fs.linkSync;
     fs.linkSync = (from, to) => {
       if (process.env.KILL_AT === 'before-link') process.kill(process.pid, 'SIGKILL');
       link(from, to);
       if (process.env.KILL_AT === 'after-link') process.kill(process.pid, 'SIGKILL');
     };`,
  );
  return preload;
}

/**
 * DuckDB creates a new database file in place and writes its headers
 * after: a process killed in between used to leave a file DuckDB refuses
 * ("not a valid DuckDB database file"). A new database is made under a
 * temporary name and linked in whole.
 */
describe('a new database file', () => {
  it('is created whole under its name by a writable pool, with nothing left beside it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'fresh.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: file }) });
    await pool.withWriter((session) => session.run('CREATE TABLE t AS SELECT 1 AS x'));
    await pool.close();
    expect(others(dir)).toEqual(['fresh.duckdb']);
    const reader = await Pool.open({ config: await testConfig({ database_path: file }), readOnly: true });
    expect(await reader.withReader((session) => session.all('SELECT x FROM t'))).toEqual([{ x: 1 }]);
    await reader.close();
  });

  it('a read-write open removes what killed creations left in its folder, of any database, but not a live one', async () => {
    const dir = tempDir();
    const gone = await spawnNode(['-e', 'process.stdout.write(String(process.pid))'], { cwd: dir }).done;
    const dead = `.restored.duckdb.creating-${gone.stdout}-0badc0de`;
    const live = `.other.duckdb.creating-${process.pid}-01234567`;
    for (const name of [dead, `${dead}.wal`, live]) fs.writeFileSync(path.join(dir, name), 'x');
    const pool = await Pool.open({
      config: await testConfig({ database_path: path.join(dir, 'trading.duckdb') }),
    });
    await pool.close();
    expect(others(dir).sort()).toEqual([live, 'trading.duckdb']);
  });

  it.each(['before-link', 'after-link'])(
    'killed %s: no half-made file under its name, and the next open cleans up and works',
    async (killAt) => {
      const dir = tempDir();
      const file = path.join(dir, 'trading.duckdb');
      const run = spawnNode(['-r', killingPreload(dir), BIN, 'migrate', 'up', '--database', file], {
        cwd: dir,
        env: { KILL_AT: killAt },
      });
      const killed = await run.done;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      // The temporary, a whole database, is all that a kill before the link leaves; after it, both names.
      expect(fs.existsSync(file)).toBe(killAt === 'after-link');
      expect(others(dir, 'kill-at-link.cjs', 'trading.duckdb')).toEqual([
        expect.stringMatching(/^\.trading\.duckdb\.creating-\d+-[0-9a-f]{8}$/),
      ]);
      const next = await spawnNode([BIN, 'migrate', 'up', '--database', file, '--json'], { cwd: dir }).done;
      expect(next.code, next.stderr).toBe(0);
      expect(others(dir, 'kill-at-link.cjs')).toEqual(['trading.duckdb']);
    },
  );
});
