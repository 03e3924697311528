import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, listBackups, pruneBackups } from '../../../src/admin.js';
import { type FsPort, NODE_FS } from '../../../src/fs/port.js';
import type { TradeDbConfig } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp.js';
import { backupFolders, configIn, flipByte, freshDatabase, tempFolders } from './fixtures.js';

const day = (n: number) => () => new Date(Date.UTC(2026, 0, n, 12));

/** A database and `count` backups, one a day from 2026-01-01. */
async function withBackups(count: number, method: 'file' | 'export' = 'file') {
  const { dir, config } = await freshDatabase(30);
  const names: string[] = [];
  for (let i = 1; i <= count; i++) names.push((await backup({ config, method, now: day(i) })).name);
  return { dir, config, names, root: config.backup.directory };
}

describe('listBackups', () => {
  it('lists backups newest first with method, size, age, tables and a quick check', async () => {
    const { config, names } = await withBackups(2);
    const exported = await backup({ config, method: 'export', now: day(3) });
    const entries = await listBackups({ config, now: () => new Date(Date.UTC(2026, 0, 4, 12)) });
    expect(entries.map((entry) => entry.name)).toEqual([exported.name, names[1], names[0]]);
    expect(entries[0]).toMatchObject({
      status: 'ok',
      verified: true,
      method: 'export',
      created_at: '2026-01-03T12:00:00.000Z',
      age: '1d',
      age_seconds: 86_400,
      tables: 10,
      size_bytes: exported.size_bytes,
      problem: null,
    });
    expect(entries[2]).toMatchObject({ method: 'file', age: '3d', verified: true });
  });

  it('shows temporary and manifest-less folders as incomplete and damaged ones as corrupt, never as backups', async () => {
    const { config, names, root } = await withBackups(2);
    fs.mkdirSync(path.join(root, `.tmp-backup-20260105T000000.000Z-file-${process.pid}-abcdef01`));
    fs.mkdirSync(path.join(root, '20260106T000000.000Z-file'));
    fs.truncateSync(path.join(root, names[0]!, 'database.duckdb'), 100);
    fs.mkdirSync(path.join(root, '.not-ours'));
    const entries = await listBackups({ config });
    const byName = Object.fromEntries(entries.map((entry) => [entry.name, entry]));
    expect(Object.keys(byName)).toHaveLength(4);
    expect(byName[`.tmp-backup-20260105T000000.000Z-file-${process.pid}-abcdef01`]).toMatchObject({
      status: 'incomplete',
      verified: false,
      problem: expect.stringMatching(/backup in progress/),
    });
    expect(byName['20260106T000000.000Z-file']).toMatchObject({
      status: 'incomplete',
      problem: expect.stringMatching(/manifest\.json is missing/),
    });
    expect(byName[names[0]!]).toMatchObject({ status: 'corrupt', verified: false, method: 'file' });
    expect(byName[names[1]!]).toMatchObject({ status: 'ok', verified: true });
  });

  it('is empty when the backup folder does not exist', async () => {
    const config = await configIn(tempDir());
    expect(await listBackups({ config })).toEqual([]);
  });
});

describe('pruneBackups', () => {
  it('deletes the oldest backups beyond keep, and a dry run deletes nothing', async () => {
    const { config, names, root } = await withBackups(4);
    const dry = await pruneBackups({ config, keep: 2, dryRun: true });
    expect(dry.items.filter((item) => item.action === 'would_delete').map((item) => item.name)).toEqual([
      names[1],
      names[0],
    ]);
    expect(backupFolders(root)).toEqual(names);
    const result = await pruneBackups({ config, keep: 2 });
    expect(result.deleted).toEqual([names[1], names[0]]);
    expect(result.newest_verified).toBe(names[3]);
    expect(backupFolders(root)).toEqual([names[2], names[3]]);
    expect(tempFolders(root)).toEqual([]);
  });

  it('never deletes the newest verified backup, even when newer ones are corrupt', async () => {
    const { config, names, root } = await withBackups(4);
    // Same sizes, wrong bytes: only a full check (sha256) sees it.
    flipByte(path.join(root, names[3]!, 'database.duckdb'));
    flipByte(path.join(root, names[2]!, 'database.duckdb'));
    const result = await pruneBackups({ config, keep: 1 });
    expect(result.newest_verified).toBe(names[1]);
    expect(result.items.find((item) => item.name === names[1])).toMatchObject({
      action: 'kept',
      reason: 'newest verified backup',
    });
    expect(backupFolders(root)).toEqual([names[1], names[3]]);
  });

  it('deletes the manifest before the data, out of sight of list', async () => {
    const { config, names, root } = await withBackups(2);
    const seen: Array<{ backups: string[]; doomed: string[] }> = [];
    await pruneBackups({
      config,
      keep: 1,
      onStep: () => {
        const doomed = tempFolders(root).map((name) => path.join(root, name));
        seen.push({ backups: backupFolders(root), doomed: doomed.flatMap((d) => fs.readdirSync(d)) });
      },
    });
    expect(seen).toEqual([{ backups: [names[1]], doomed: ['database.duckdb'] }]);
    expect(tempFolders(root)).toEqual([]);
  });

  it('reports a backup it could not delete and goes on with the others', async () => {
    const { config, names, root } = await withBackups(3);
    const fsFailing: FsPort = {
      ...NODE_FS,
      rename: async (from, to) => {
        if (from.endsWith(names[1]!))
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return NODE_FS.rename(from, to);
      },
    };
    const result = await pruneBackups({ config, keep: 1, fs: fsFailing });
    expect(result.failed).toEqual([names[1]]);
    expect(result.deleted).toEqual([names[0]]);
    expect(result.items.find((item) => item.name === names[1])?.reason).toMatch(/permission denied/);
    expect(backupFolders(root)).toEqual([names[1], names[2]]);
  });

  it('uses backup.keep by default and refuses keep < 1', async () => {
    const { config: base, names, root } = await withBackups(3);
    const config: TradeDbConfig = { ...base, backup: { ...base.backup, keep: 2 } };
    await pruneBackups({ config });
    expect(backupFolders(root)).toEqual(names.slice(1));
    await expect(pruneBackups({ config, keep: 0 })).rejects.toMatchObject({ exitCode: 64 });
  });
});
