import { describe, expect, it } from 'vitest';
import { backup } from '../../../src/admin.js';
import { Pool } from '../../../src/index.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { openFromAnotherProcess } from '../../helpers/holder.js';
import { freshDatabase } from './fixtures.js';

/**
 * DuckDB's lock on its file is a POSIX record lock, which a process loses
 * when it closes any descriptor of the file. A backup on a service's own
 * pool reads the file (its header, or all of it): the service must still
 * hold the lock afterwards, or another process could open the database
 * read-write beside it. Another process is the only honest judge of a lock.
 */
describe('backup(pool) keeps the pool’s lock on the database file', () => {
  it.each(['file', 'export'] as const)('with the %s method', async (method) => {
    const { dir, config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    await backup(pool, { method });
    expect(await openFromAnotherProcess(config.database_path, dir)).toMatch(/Could not set lock on file/);
  });
});
