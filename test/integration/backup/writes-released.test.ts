import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { type ChildCopier, startChildCopier } from '../../../src/backup/child-copy.js';
import { copyOpenPool } from '../../../src/backup/file-method.js';
import { keepingDatabaseLocks } from '../../../src/backup/lock-keeping-fs.js';
import { DATABASE_FILE } from '../../../src/backup/manifest.js';
import { NODE_FS } from '../../../src/fs/port.js';
import { Pool } from '../../../src/index.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { freshDatabase } from './fixtures.js';

/**
 * A file backup on a service's pool holds its writes for the CHECKPOINT and
 * the copy only: the copy's sha256 and fsync, which read 245 MB again on a
 * real database, run while the service writes. Shown without a clock: the
 * copier's hash is held back until a write has committed through the pool
 * (a 20 s timeout: were the writes still held, the test would wait on itself).
 */
describe('a file backup on an open pool', () => {
  it('lets the pool write again before it waits for the copy’s hash and fsync', async () => {
    const { dir, config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    const folder = path.join(dir, 'snapshot');
    fs.mkdirSync(folder);
    const real = startChildCopier(config.database_path, path.join(folder, DATABASE_FILE));
    let hashAsked!: () => void;
    const hashIsAsked = new Promise<void>((resolve) => {
      hashAsked = resolve;
    });
    let letHashGo!: () => void;
    const hashMayGo = new Promise<void>((resolve) => {
      letHashGo = resolve;
    });
    const gated: ChildCopier = {
      ready: real.ready,
      pid: real.pid,
      dispose: () => real.dispose(),
      async copy(signal) {
        const finish = await real.copy(signal);
        return async () => {
          hashAsked();
          await hashMayGo;
          return finish();
        };
      },
    };
    const backup = copyOpenPool(
      pool,
      { config, fs: keepingDatabaseLocks(NODE_FS), folder, copyInChild: true },
      gated,
    );
    await hashIsAsked;
    // Were the writes still held, this would wait for the hash, which waits for this: the test would time out.
    await pool.withWriter((session) =>
      session.run("CREATE TABLE written_during_hash AS SELECT 'yes' AS note"),
    );
    letHashGo();
    const snapshot = await backup;
    expect(snapshot.files[0]?.path).toBe(DATABASE_FILE);
    expect(snapshot.writes.held_ms).toBeGreaterThanOrEqual(0);
    // Written after the copy was made: in the database, not in the backup.
    const rows = await pool.withReader((session) => session.all('SELECT note FROM written_during_hash'));
    expect(rows).toEqual([{ note: 'yes' }]);
    const copy = await DuckDBInstance.create(path.join(folder, DATABASE_FILE), { access_mode: 'READ_ONLY' });
    try {
      const connection = await copy.connect();
      const tables = await connection.runAndReadAll(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'written_during_hash'",
      );
      expect(tables.getRows()).toEqual([[0n]]);
      connection.closeSync();
    } finally {
      copy.closeSync();
    }
  }, 20_000);
});
