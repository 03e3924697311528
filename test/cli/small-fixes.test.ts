import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('small things an operator trips over', () => {
  it('keeps the demo folder of the README quick start out of git', () => {
    // check-ignore exits 0 when the path is ignored, 1 (a throw here) when it is not.
    const ignored = execFileSync(
      'git',
      ['check-ignore', 'tradedb-demo/trading.duckdb', 'tradedb-demo/tradedb.toml'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(ignored.trim().split('\n')).toHaveLength(2);
  });

  it('shows pruned as an empty list with and without --keep', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    const env = { TRADEDB_DATABASE_PATH: database, TRADEDB_BACKUP_DIRECTORY: path.join(cwd, 'backups') };
    expect((await cli(['migrate', 'up'], { cwd, env })).code).toBe(0);
    const plain = await cli(['backup', '--json'], { cwd, env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ pruned: [], prune_failed: [] });
    const kept = await cli(['backup', '--keep', '5', '--json'], { cwd, env });
    expect(JSON.parse(kept.stdout)).toMatchObject({ pruned: [], prune_failed: [] });
  });

  it('asks for consent in lower case, like every other message', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    const env = { TRADEDB_DATABASE_PATH: database, TRADEDB_BACKUP_DIRECTORY: path.join(cwd, 'backups') };
    expect((await cli(['migrate', 'up'], { cwd, env })).code).toBe(0);
    expect((await cli(['backup'], { cwd, env })).code).toBe(0);
    const restore = await cli(['restore', 'latest', '--force'], { cwd, env });
    expect(restore.code).toBe(64);
    expect(restore.stderr).toMatch(/^error: replace the database /);
  });
});
