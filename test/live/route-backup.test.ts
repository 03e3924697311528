import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, type RequestLogEntry } from '../../src/admin.js';
import type { TradeDbConfig } from '../../src/index.js';
import { BIN, ROOT, spawnBin, spawnNode, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { type LiveServer, serveInProcess, withRoutesPausedAt } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';
import { backupFolders, configIn, freshDatabase, tempFolders } from '../integration/backup/fixtures.js';

const CLEAR_LINE = '\r\u001b[2K';

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
  let directTty: string;
  const requests: RequestLogEntry[] = [];

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
    directTty = (await cli(['--database', config.database_path, 'backup'], { cwd: dir, env, tty: true }))
      .stderr;
    live = await serveInProcess(
      config.database_path,
      { onRequest: (entry) => requests.push(entry) },
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

  it('draws the same status line on a terminal as a direct backup, and clears it', async () => {
    const routed = await cli(['--database', config.database_path, 'backup'], { cwd: dir, env, tty: true });
    expect(routed.code, routed.stderr).toBe(0);
    // Each redraw starts with "erase the line"; the copy's redraws are throttled by time, so compare the first and last.
    const shown = (stderr: string) => stderr.split(CLEAR_LINE).filter((text) => text !== '');
    for (const stderr of [directTty, routed.stderr]) {
      expect(shown(stderr)[0]).toBe('backup: checkpoint');
      expect(shown(stderr).at(-1)).toBe('backup: verify');
      expect(stderr.endsWith(CLEAR_LINE)).toBe(true);
    }
  });

  it('lists and prunes backups beside the live service, and --keep prunes on the server', async () => {
    const listed = await run(['backup', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      JSON.parse(listed.stdout)
        .map((entry: { name: string }) => entry.name)
        .sort(),
    ).toEqual(backupFolders(config.backup.directory));
    const count = backupFolders(config.backup.directory).length;
    expect(count).toBeGreaterThan(3);
    const plan = await run(['backup', 'prune', '--keep', String(count - 1), '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).would_delete).toHaveLength(1);
    const made = await run(['backup', '--keep', '2', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout).pruned).toHaveLength(count + 1 - 2);
    expect(backupFolders(config.backup.directory)).toHaveLength(2);
    const pruned = await run(['backup', 'prune', '--keep', '1', '--yes', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(backupFolders(config.backup.directory)).toEqual([JSON.parse(made.stdout).name]);
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

  it('refuses what a caller of the socket may send that the CLI never would, writing nothing', async () => {
    const before = backupFolders(config.backup.directory);
    const client = await AdminClient.connect(live!.server.socketPath);
    for (const args of [
      { directory: '/tmp' },
      { directory: path.join(config.backup.directory, '..', 'elsewhere') },
      { method: 'copy' },
      { keep: 0 },
      { keep: '2' },
      { method: 'file', sql: 'COPY trades TO x' },
      [],
    ]) {
      await expect(client.call('backup', args), JSON.stringify(args)).rejects.toMatchObject({
        code: 'USAGE',
      });
    }
    // import takes bytes, never a path: a name is only what messages call the file.
    await expect(client.call('import', { kind: 'ticks', name: '/etc/passwd' })).rejects.toMatchObject({
      code: 'USAGE',
    });
    expect(backupFolders(config.backup.directory)).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'elsewhere'))).toBe(false);
  });

  it('cancels when a killed client goes away: no temporary folder left, the server keeps serving', async () => {
    const before = backupFolders(config.backup.directory);
    await withRoutesPausedAt(live!, 'manifest-written', async () => {
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
    });
    expect(requests.at(-1)).toMatchObject({ path: '/v1/backup', outcome: 'cancelled' });
    expect(tempFolders(config.backup.directory)).toEqual([]);
    expect(backupFolders(config.backup.directory)).toEqual(before);
    const next = await run(['backup', '--json']);
    expect(next.code, next.stderr).toBe(0);
  });

  it('exits 143 on SIGTERM while routed, as a direct run does, and the server cleans up', async () => {
    const before = backupFolders(config.backup.directory);
    const manifests = () =>
      tempFolders(config.backup.directory).filter((name) =>
        fs.existsSync(path.join(config.backup.directory, name, 'manifest.json')),
      );
    const stopped = await withRoutesPausedAt(live!, 'manifest-written', async () => {
      const controller = new AbortController();
      const running = cli(['--database', config.database_path, 'backup', '--method', 'export'], {
        cwd: dir,
        env,
        signal: controller.signal,
      });
      await waitFor(() => manifests().length === 1, 30_000, 'the routed backup to write its manifest');
      controller.abort('SIGTERM');
      return running;
    });
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(tempFolders(config.backup.directory)).toEqual([]);
    expect(backupFolders(config.backup.directory)).toEqual(before);
  });

  it('loads no DuckDB in the CLI process for a routed backup: the work is the server’s', async () => {
    const report = path.join(dir, 'engine.json');
    const preload = pathToFileURL(path.join(ROOT, 'test', 'fixtures', 'report-engine.mjs')).href;
    const client = spawnNode(
      [
        '--import',
        preload,
        BIN,
        '--database',
        config.database_path,
        'backup',
        '--method',
        'export',
        '--json',
      ],
      { cwd: dir, env: { ...env, TRADEDB_TEST_ENGINE_REPORT: report } },
    );
    const finished = await client.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toEqual({ binding: false, api: false });
  });
});
