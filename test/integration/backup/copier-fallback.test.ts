import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { startChildCopier } from '../../../src/backup/child-copy.js';
import { copyOpenPool } from '../../../src/backup/file-method.js';
import { keepingDatabaseLocks } from '../../../src/backup/lock-keeping-fs.js';
import { DATABASE_FILE } from '../../../src/backup/manifest.js';
import { NODE_FS } from '../../../src/fs/port.js';
import { Pool } from '../../../src/index.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { openFromAnotherProcess } from '../../helpers/holder.js';
import { freshDatabase } from './fixtures.js';

/**
 * The file method copies in a child process started from this process's
 * runtime. Where that runtime cannot run the copier (a service embedded in
 * something that is not node), the backup copies in this process instead,
 * through the instance's own descriptor: the copy is whole, and the
 * service keeps DuckDB's lock on its file.
 */
describe('a file backup whose copier cannot start', () => {
  it('copies in this process: every committed row, the right sha256, and the lock kept', async () => {
    const { dir, config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    // Committed but still in the .wal: only the backup's CHECKPOINT puts it in the copied file.
    await pool.withWriter((session) => session.run("CREATE TABLE after_fallback AS SELECT 'kept' AS note"));
    const folder = path.join(dir, 'snapshot');
    fs.mkdirSync(folder);
    const target = path.join(folder, DATABASE_FILE);
    const copier = startChildCopier(config.database_path, target, { runtime: '/bin/false' });
    const snapshot = await copyOpenPool(
      pool,
      { config, fs: keepingDatabaseLocks(NODE_FS), folder, copyInChild: true },
      copier,
    );
    const bytes = fs.readFileSync(target);
    expect(snapshot.files).toEqual([
      {
        path: DATABASE_FILE,
        size_bytes: bytes.length,
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      },
    ]);
    const copy = await DuckDBInstance.create(target, { access_mode: 'READ_ONLY' });
    try {
      const connection = await copy.connect();
      const rows = await connection.runAndReadAll('SELECT note FROM after_fallback');
      expect(rows.getRows()).toEqual([['kept']]);
      connection.closeSync();
    } finally {
      copy.closeSync();
    }
    expect(await openFromAnotherProcess(config.database_path, dir)).toMatch(/Could not set lock on file/);
  });
});
