import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, listBackups, pruneBackups, restore, TOOL_VERSION } from '../../../src/admin.js';
import { DatabaseLockedError, NotFoundError, type Observer, Pool } from '../../../src/index.js';
import { spawnScript } from '../../helpers/bin.js';
import { holdDatabase } from '../../helpers/holder.js';
import { tempDir } from '../../helpers/temp.js';
import { addRows, backupFolders, commitAndKill, configIn, freshDatabase, tempFolders } from './fixtures.js';

const NAME = /^\d{8}T\d{6}\.\d{3}Z-(file|export)(-\d+)?$/;

async function countOrders(config: Awaited<ReturnType<typeof configIn>>, file: string): Promise<number> {
  const pool = await Pool.open({ config: { ...config, database_path: file }, readOnly: true });
  try {
    const row = await pool.withReader((db) => db.one<{ n: bigint }>('SELECT count(*) AS n FROM orders'));
    return Number(row?.n);
  } finally {
    await pool.close();
  }
}

describe('backup', () => {
  it('writes into a .tmp folder, writes manifest.json last, then renames to <UTC ms>-<method>', async () => {
    const { config } = await freshDatabase(60);
    const root = config.backup.directory;
    const seen: Record<string, { temp: string[]; backups: string[]; manifest: boolean; data: boolean }> = {};
    const result = await backup({
      config,
      onStep: (step) => {
        const temp = tempFolders(root);
        const inTemp = temp[0] ? path.join(root, temp[0]) : '';
        seen[step] = {
          temp,
          backups: backupFolders(root),
          manifest: inTemp !== '' && fs.existsSync(path.join(inTemp, 'manifest.json')),
          data: inTemp !== '' && fs.existsSync(path.join(inTemp, 'database.duckdb')),
        };
      },
    });
    expect(seen['copied']).toMatchObject({ backups: [], manifest: false, data: true });
    expect(seen['copied']!.temp[0]).toMatch(/^\.tmp-backup-/);
    expect(seen['manifest-written']).toMatchObject({ backups: [], manifest: true, data: true });
    expect(seen['renamed']).toMatchObject({ temp: [], backups: [result.name] });
    expect(result.name).toMatch(NAME);
    expect(result.name.startsWith(result.created_at.replace(/[-:]/g, ''))).toBe(true);
  });

  it('records sizes, sha256, row counts and versions in the manifest', async () => {
    const { config } = await freshDatabase(60);
    const result = await backup({ config });
    const manifest = JSON.parse(fs.readFileSync(path.join(result.path, 'manifest.json'), 'utf8'));
    const copy = fs.readFileSync(path.join(result.path, 'database.duckdb'));
    expect(manifest).toMatchObject({
      format: 'tradedb-backup/1',
      method: 'file',
      tool_version: TOOL_VERSION,
      duckdb_version: expect.stringMatching(/^v1\.\d+\.\d+/),
      storage_version: expect.stringMatching(/^v\d+\.\d+\.\d+/),
      storage_version_number: copy.readUInt32LE(12),
      schema_version: '003',
      source_path: config.database_path,
      files: [
        {
          path: 'database.duckdb',
          size_bytes: copy.length,
          sha256: crypto.createHash('sha256').update(copy).digest('hex'),
        },
      ],
    });
    expect(manifest.storage_version_number).toBeGreaterThanOrEqual(64);
    expect(manifest.tables).toMatchObject({ orders: 60, trades: 60, schema_migrations: 3, query_metrics: 0 });
    expect(result.rows).toBe(
      Object.values(manifest.tables as Record<string, number>).reduce((a, b) => a + b),
    );
  });

  it('gives two backups made in the same millisecond different folders', async () => {
    const { config } = await freshDatabase(60);
    const now = () => new Date('2026-03-04T05:06:07.089Z');
    const first = await backup({ config, now });
    const second = await backup({ config, now });
    expect(first.name).toBe('20260304T050607.089Z-file');
    expect(second.name).toBe('20260304T050607.089Z-file-2');
    expect(backupFolders(config.backup.directory)).toEqual([first.name, second.name]);
  });

  it('writes Parquet (zstd) with the export method, from a read-only open', async () => {
    const { config } = await freshDatabase(60);
    const result = await backup({ config, method: 'export' });
    const files = result.manifest.files.map((file) => file.path);
    expect(files).toContain('data/schema.sql');
    expect(files).toContain('data/load.sql');
    expect(files).toContain('data/orders.parquet');
    const pool = await Pool.open({ config: { ...config, database_path: ':memory:' } });
    try {
      const codecs = await pool.withReader((db) =>
        db.all<{ c: string }>(
          `SELECT DISTINCT compression AS c FROM parquet_metadata('${path.join(result.path, 'data', 'orders.parquet')}')`,
        ),
      );
      expect(codecs.map((row) => row.c)).toEqual(['ZSTD']);
    } finally {
      await pool.close();
    }
  });

  for (const method of ['file', 'export'] as const) {
    it(`includes rows committed before it started, still in the WAL of an open pool (${method})`, async () => {
      const { dir, config } = await freshDatabase(60);
      const pool = await Pool.open({ config });
      try {
        await pool.withWriter((db) => addRows(db, 25, 1000));
        expect(fs.existsSync(`${config.database_path}.wal`)).toBe(true);
        const made = await backup({ config, method });
        expect(made.manifest.tables['orders']).toBe(85);
        const target = path.join(dir, 'check.duckdb');
        await restore({ config, backup: made.path, to: target });
        expect(await countOrders(config, target)).toBe(85);
      } finally {
        await pool.close();
      }
    });

    it(`includes rows a killed process committed to the WAL (${method})`, async () => {
      const { dir, config } = await freshDatabase(60);
      await commitAndKill(
        config.database_path,
        "INSERT INTO orders SELECT gen_random_uuid(), 'k' || i, 'ex', 'S', 'buy', 'limit', 1, 1, 0, 'open', NULL, now(), NULL FROM range(17) t(i)",
        dir,
      );
      expect(fs.statSync(`${config.database_path}.wal`).size).toBeGreaterThan(0);
      const made = await backup({ config, method });
      expect(made.manifest.tables['orders']).toBe(77);
    });
  }

  it('fails with DatabaseLocked while another process holds the database, and leaves no folder', async () => {
    const { dir, config } = await freshDatabase(60);
    const holder = await holdDatabase(config.database_path, { cwd: dir });
    try {
      for (const method of ['file', 'export'] as const) {
        const error = await backup({ config, method, lockWaitMs: 100 }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DatabaseLockedError);
        expect((error as DatabaseLockedError).pid).toBe(holder.child.pid);
      }
      expect(fs.readdirSync(config.backup.directory)).toEqual([]);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
  });

  it('fails with NotFound for a missing database and creates none', async () => {
    const dir = tempDir();
    const config = await configIn(dir);
    await expect(backup({ config })).rejects.toBeInstanceOf(NotFoundError);
    expect(fs.existsSync(config.database_path)).toBe(false);
  });

  it('removes temporary folders of dead processes, not those of live ones', async () => {
    const { dir, config } = await freshDatabase(60);
    const dead = spawnScript('0', { cwd: dir });
    await dead.done;
    const root = config.backup.directory;
    const stale = `.tmp-backup-20260101T000000.000Z-file-${dead.child.pid}-0123abcd`;
    const live = `.tmp-backup-20260101T000000.000Z-file-${process.pid}-0123abcd`;
    for (const name of [stale, live]) fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, stale, 'database.duckdb'), 'partial');
    expect((await listBackups({ config })).map((entry) => [entry.name, entry.status])).toEqual(
      expect.arrayContaining([
        [stale, 'incomplete'],
        [live, 'incomplete'],
      ]),
    );
    const result = await backup({ config });
    expect(result.cleaned).toEqual([stale]);
    expect(tempFolders(root)).toEqual([live]);
  });

  it('prunes afterwards with keep', async () => {
    const { config } = await freshDatabase(60);
    const names: string[] = [];
    for (let i = 0; i < 3; i++)
      names.push((await backup({ config, now: () => new Date(Date.UTC(2026, 0, 1 + i)) })).name);
    const last = await backup({ config, keep: 2 });
    expect(last.prune?.deleted.sort()).toEqual(names.slice(0, 2).sort());
    expect(backupFolders(config.backup.directory)).toEqual([names[2], last.name]);
  });

  it('reports the backup, restore and prune jobs to the observer, failures included', async () => {
    const { dir, config } = await freshDatabase(60);
    const jobs: Array<{ job: string; ok: boolean; rows?: number | undefined; bytes?: number | undefined }> =
      [];
    const observer: Observer = {
      startStatement: () => () => {},
      startJob: (job) => (outcome) => void jobs.push({ job, ...outcome }),
      rowsWritten: () => {},
    };
    const made = await backup({ config, observer });
    await restore({ config, observer, backup: made.path, to: path.join(dir, 'copy.duckdb') });
    await pruneBackups({ config, observer, keep: 1 });
    await restore({ config, observer, backup: made.path }).catch(() => {});
    expect(jobs).toEqual([
      { job: 'backup', ok: true, rows: made.rows, bytes: made.size_bytes },
      { job: 'restore', ok: true, rows: made.rows, bytes: made.size_bytes },
      { job: 'prune', ok: true, rows: 0 },
      { job: 'restore', ok: false },
    ]);
  });
});
