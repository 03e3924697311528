import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { openFromAnotherProcess } from '../helpers/holder.js';
import { seededLiveDatabase } from '../helpers/live-database.js';
import { serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

const LOCKED = /Could not set lock on file/;

/**
 * The routes run in the service's own process, which holds DuckDB's lock on
 * the file: a POSIX record lock, lost when that process closes any
 * descriptor of the file. A route that opened and closed the database file
 * with node's fs (to read its header, copy it, hash it) would let another
 * process open the database beside the service. So after the routed
 * commands, another process must still find the file locked.
 */
describe('every routed command leaves the service holding its lock', () => {
  it('after lookups, stats, partitions, migrate, import, export-partitions and both backups', async () => {
    const dir = suiteDir();
    const { db, orderId } = await seededLiveDatabase(dir);
    fs.copyFileSync(
      path.join(ROOT, 'test', 'fixtures', 'import', 'ticks-good.csv'),
      path.join(dir, 'ticks.csv'),
    );
    const live = await serveInProcess(
      db,
      {},
      {
        'export.directory': path.join(dir, 'cold'),
        'backup.directory': path.join(dir, 'backups'),
        'retention.hot_data_days': 1,
        'retention.warm_data_days': 2,
        'retention.cold_data_days': 3650,
      },
    );
    expect(await openFromAnotherProcess(db, dir)).toMatch(LOCKED);
    // Checked after each group of commands (a check loads DuckDB in another process, ~0.3 s): a lost
    // lock stays lost, so a failure names the group to bisect.
    const groups = {
      lookups: [
        ['query', 'order', orderId, '--json'],
        ['query', 'orders', '--json'],
        ['query', 'trades', '--json'],
        ['query', 'positions', '--json'],
        ['query', 'ticks', '--symbol', 'BTC-USD', '--json'],
      ],
      state: [
        ['stats', '--json'],
        ['partitions', '--json'],
        ['migrate', 'status', '--json'],
        ['migrate', 'validate'],
        ['migrate', 'up'],
      ],
      jobs: [
        ['import', 'ticks', 'ticks.csv', '--json'],
        ['export-partitions', '--json'],
        ['export-partitions', '--apply-retention', '--yes', '--json'],
      ],
      'file backup': [['backup', '--method', 'file', '--json']],
      'export backup': [['backup', '--method', 'export', '--json']],
    };
    for (const [group, commands] of Object.entries(groups)) {
      for (const argv of commands) {
        const result = await cli(['-v', '--database', db, ...argv], { cwd: dir });
        expect({ argv, code: result.code, stderr: result.stderr }).toMatchObject({ argv, code: 0 });
        expect({ argv, routed: result.stderr.includes('through the admin endpoint') }).toEqual({
          argv,
          routed: true,
        });
      }
      expect({ group, lock: await openFromAnotherProcess(db, dir) }).toEqual({
        group,
        lock: expect.stringMatching(LOCKED),
      });
    }
    await live.stop();
    expect(await openFromAnotherProcess(db, dir)).toBe('opened');
  });
});
