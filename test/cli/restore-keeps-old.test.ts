import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../src/admin.js';
import { cli } from '../helpers/cli.js';
import { holdDatabase } from '../helpers/holder.js';
import { commitAndKill, freshDatabase, tableChecksums } from '../integration/backup/fixtures.js';

const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A database with committed rows only in its `.wal` (its writer was
 * killed before a checkpoint), and a backup of another state to restore
 * over it.
 */
async function databaseWithWal() {
  const { dir, config } = await freshDatabase(20);
  const made = await backup({ config });
  await commitAndKill(config.database_path, "CREATE TABLE only_in_wal AS SELECT 'kept' AS note", dir);
  const target = config.database_path;
  expect(fs.existsSync(`${target}.wal`)).toBe(true);
  const env = { TRADEDB_DATABASE_PATH: target, TRADEDB_BACKUP_DIRECTORY: config.backup.directory };
  return { dir, config, made, target, env };
}

describe('restore over a database with a .wal', () => {
  it('keeps the old file and its .wal byte for byte, never replaying the WAL into them', async () => {
    const { dir, config, made, target, env } = await databaseWithWal();
    const before = { file: hashOf(target), wal: hashOf(`${target}.wal`) };
    const result = await cli(['restore', made.path, '--force', '--yes', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const kept = JSON.parse(result.stdout).previous_path as string;
    expect(kept).toMatch(/trading\.duckdb\.pre-restore-/);
    expect(hashOf(kept)).toBe(before.file);
    expect(hashOf(`${kept}.wal`)).toBe(before.wal);
    // The restored target stands alone: no .wal beside it, no temporary files of the restore.
    expect(fs.existsSync(`${target}.wal`)).toBe(false);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.restore-'))).toEqual([]);
    // And the kept pair is the old database, whole: its WAL-only table is there when opened.
    const keptTables = await tableChecksums({ ...config, database_path: kept });
    expect(Object.keys(keptTables)).toContain('only_in_wal');
  });

  it.each([
    ['a writer', false],
    ['a reader', true],
  ])(
    'exits 75 while %s holds the target, leaving the file and its .wal as they were',
    async (_who, readOnly) => {
      const { dir, made, target, env } = await databaseWithWal();
      const before = { file: hashOf(target), wal: hashOf(`${target}.wal`) };
      const holder = await holdDatabase(target, { cwd: dir, readOnly });
      try {
        const result = await cli(['restore', made.path, '--force', '--yes'], { cwd: dir, env });
        expect(result.code).toBe(75);
        expect(result.stderr).toContain(`database ${target} is locked by another process`);
      } finally {
        holder.child.kill('SIGKILL');
        await holder.done;
      }
      if (readOnly) {
        // A writer replays and changes the file itself; a reader does not, so neither may the refused restore.
        expect(hashOf(target)).toBe(before.file);
        expect(hashOf(`${target}.wal`)).toBe(before.wal);
      }
      expect(fs.readdirSync(path.dirname(target)).filter((name) => name.includes('restore'))).toEqual([]);
    },
  );
});
