import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradeDbConfig } from '../../src/index.js';
import { ROUTE_PAUSE_ENV } from '../../src/server/routes/test-pause.js';
import { spawnBin, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { type LiveServer, serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';
import { backupFolders, configIn, freshDatabase, tempFolders } from '../integration/backup/fixtures.js';

/** Fields of a backup's JSON that do not depend on when or where it ran. */
const STABLE = [
  'method',
  'tables',
  'rows',
  'files',
  'schema_version',
  'duckdb_version',
  'storage_version',
  'cleaned',
  'pruned',
  'prune_failed',
];

// One small database: backed up directly first, then through a live endpoint in this process.
describe('backup through the admin endpoint', () => {
  let dir: string;
  let config: TradeDbConfig;
  let env: Record<string, string>;
  let live: LiveServer | undefined;
  const direct: Record<string, Record<string, unknown>> = {};

  const run = (argv: string[]) => cli(['--database', config.database_path, ...argv], { cwd: dir, env });

  beforeAll(async () => {
    // freshDatabase's folder lasts one test; these tests share one database.
    const seeded = await freshDatabase(60);
    dir = suiteDir();
    config = await configIn(dir);
    fs.copyFileSync(seeded.config.database_path, config.database_path);
    env = { TRADEDB_BACKUP_DIRECTORY: config.backup.directory, TRADEDB_PERFORMANCE_NUM_THREADS: '1' };
    for (const method of ['file', 'export']) {
      const made = await run(['backup', '--method', method, '--json']);
      expect(made.code, made.stderr).toBe(0);
      direct[method] = JSON.parse(made.stdout);
    }
    live = await serveInProcess(
      config.database_path,
      {},
      { 'backup.directory': config.backup.directory, 'performance.num_threads': 1 },
    );
  });

  afterAll(async () => {
    await live?.stop();
  });

  it('makes both kinds on the serving pool: same JSON shape as a direct run, and verify --deep passes', async () => {
    for (const method of ['file', 'export']) {
      const made = await run(['backup', '--method', method, '--json']);
      expect(made.code, made.stderr).toBe(0);
      const routed = JSON.parse(made.stdout);
      expect(Object.keys(routed)).toEqual(Object.keys(direct[method]!));
      for (const field of STABLE) expect(routed[field], field).toEqual(direct[method]![field]);
      expect(routed.path).not.toBe(direct[method]!['path']);
      // verify reads the backup folder (and --deep a temporary database), never the served file.
      const verified = await run(['backup', 'verify', routed.path, '--deep', '--json']);
      expect(verified.code, verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    }
    expect(live!.server.running).toBe(0);
  });

  it('lists and prunes backups beside the live service, and --keep prunes on the server', async () => {
    const listed = await run(['backup', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      JSON.parse(listed.stdout)
        .map((entry: { name: string }) => entry.name)
        .sort(),
    ).toEqual(backupFolders(config.backup.directory));
    const plan = await run(['backup', 'prune', '--keep', '3', '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).would_delete).toHaveLength(1);
    const made = await run(['backup', '--keep', '2', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).pruned).toHaveLength(3);
    expect(backupFolders(config.backup.directory)).toHaveLength(2);
  });

  it('refuses an --out other than the server’s own backup folder, and writes nothing there', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    const refused = await run(['backup', '--out', elsewhere]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('backup.directory');
    expect(refused.stderr).toContain('may not choose where the serving process writes');
    expect(fs.existsSync(elsewhere)).toBe(false);
    // Its own folder, named, is fine.
    const own = await run(['backup', '--out', config.backup.directory, '--json']);
    expect(own.code, own.stderr).toBe(0);
  });

  it('cancels when a killed client goes away: no temporary folder left, the server keeps serving', async () => {
    const before = backupFolders(config.backup.directory);
    process.env[ROUTE_PAUSE_ENV] = 'manifest-written';
    try {
      // A real client process, so that SIGKILL closes its connection the way a killed operator's does.
      const client = spawnBin(['--database', config.database_path, '-v', 'backup', '--method', 'export'], {
        cwd: dir,
        env,
      });
      await waitFor(
        () => client.output().stderr.includes('backup: manifest-written') || client.child.exitCode !== null,
        30_000,
        'the routed backup to reach manifest-written',
      );
      expect(client.output().stderr).toContain('backup: manifest-written');
      expect(tempFolders(config.backup.directory)).toHaveLength(1);
      client.child.kill('SIGKILL');
      await client.done;
      await waitFor(() => live!.server.running === 0, 30_000, 'the cancelled backup to end');
    } finally {
      delete process.env[ROUTE_PAUSE_ENV];
    }
    expect(tempFolders(config.backup.directory)).toEqual([]);
    expect(backupFolders(config.backup.directory)).toEqual(before);
    const next = await run(['backup', '--json']);
    expect(next.code, next.stderr).toBe(0);
  });
});
