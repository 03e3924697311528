import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, waitFor } from '../helpers/bin.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { serveInProcess } from '../helpers/live-server.js';
import { writeMigration } from '../helpers/migrations.js';
import { suiteDir } from '../helpers/temp.js';

const FORMATS = [[], ['--json'], ['--format', 'ndjson'], ['--format', 'csv']];

/** util-linux script(1), which runs a command on a pseudo-terminal: `stats --watch` draws only on one. */
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((file) => fs.existsSync(file));
if (!SCRIPT) console.warn('route-state: util-linux script(1) not found; the stats --watch test is skipped');

/** A run's JSON with its durations (which differ from run to run) set to 0. */
function withoutDurations(result: CliResult): unknown {
  return JSON.parse(result.stdout, (key, value) => (key === 'duration_ms' && value !== null ? 0 : value));
}

/**
 * stats, partitions and migrate status|validate|up, run directly first and
 * then through an endpoint served in this process. The project has two
 * pending migrations, the second of which fails, so `migrate up` has both
 * an applied and a failed migration to report.
 */
describe('stats, partitions and migrate through the admin endpoint', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (argv: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
    cli(argv, { cwd: dir, env: { ...env, ...extra } });

  beforeAll(async () => {
    dir = suiteDir();
    const project = path.join(dir, 'project-migrations');
    fs.mkdirSync(project);
    env = { TRADEDB_DATABASE_PATH: path.join(dir, 'live.duckdb'), TRADEDB_MIGRATIONS_DIRECTORY: project };
    const seeded = await run([
      'seed',
      '--symbols',
      '1',
      '--days',
      '2',
      '--ticks-per-day',
      '4',
      '--orders',
      '3',
    ]);
    expect(seeded.code, seeded.stderr).toBe(0);
    writeMigration(project, '901_add_desk.sql', 'ALTER TABLE orders ADD COLUMN desk VARCHAR;');
    writeMigration(project, '902_broken.sql', 'SELECT * FROM no_such_table;');
  });

  it('prints the same bytes routed as direct; migrate up applies through the server as it does directly', async () => {
    const runs = [
      ...FORMATS.map((format) => ['migrate', 'status', ...format]),
      ['migrate', 'status', '--exit-code'],
      ['migrate', 'validate'],
      ['migrate', 'validate', '--json'],
      ['migrate', 'up', '--dry-run'],
      ['migrate', 'up', '--dry-run', '--to', '901', '--format', 'csv'],
      ['migrate', 'up', '--dry-run', '--to', '999'],
      ...FORMATS.map((format) => ['partitions', ...format]),
      ['partitions', '--table', 'trades', '--json'],
      ['partitions', '--table', 'no_such_table'],
    ];
    const direct: CliResult[] = [];
    for (const argv of runs) direct.push(await run(argv));
    const dryRunJson = await run(['migrate', 'up', '--dry-run', '--json']);
    const statsJson = await run(['stats', '--json']);
    // The same database, migrated directly, to compare with the routed `migrate up`.
    const copy = path.join(dir, 'copy.duckdb');
    fs.copyFileSync(env.TRADEDB_DATABASE_PATH!, copy);
    const upDirect = await run(['migrate', 'up', '--json'], { TRADEDB_DATABASE_PATH: copy });

    const requests: string[] = [];
    const live = await serveInProcess(
      env.TRADEDB_DATABASE_PATH!,
      { onRequest: (entry) => requests.push(entry.path) },
      { 'migrations.directory': env.TRADEDB_MIGRATIONS_DIRECTORY! },
    );
    for (const [index, argv] of runs.entries()) {
      expect({ argv, ...(await run(argv)) }).toEqual({ argv, ...direct[index] });
    }
    expect(direct[4]!.code).toBe(3);
    expect(direct[0]!.stderr).toContain('2 pending');
    expect(direct[9]!.code).toBe(64);
    expect(withoutDurations(await run(['migrate', 'up', '--dry-run', '--json']))).toEqual(
      withoutDurations(dryRunJson),
    );

    // Through the server the pool is the server's (read-write, its readers) and the file is held open,
    // so the pool section and the file sizes differ; everything the database holds is the same.
    const routedStats = JSON.parse((await run(['stats', '--json'])).stdout);
    const directStats = JSON.parse(statsJson.stdout);
    expect(routedStats.pool.read_only).toBe(false);
    expect(directStats.pool.read_only).toBe(true);
    for (const section of ['schema', 'partitions', 'last_backup', 'metrics']) {
      expect({ section, value: routedStats[section] }).toEqual({ section, value: directStats[section] });
    }
    const rows = (stats: { tables: Array<{ table: string; rows: number }> }) =>
      stats.tables.map(({ table, rows }) => ({ table, rows }));
    expect(rows(routedStats)).toEqual(rows(directStats));
    expect(routedStats.database.path).toBe(directStats.database.path);

    // 901 applies, 902 fails (exit 65) and is rolled back, through the server as directly.
    const upRouted = await run(['migrate', 'up', '--json']);
    expect(upRouted.code).toBe(65);
    expect({ ...upRouted, stdout: withoutDurations(upRouted) }).toEqual({
      ...upDirect,
      stdout: withoutDurations(upDirect),
    });
    const status = JSON.parse((await run(['migrate', 'status', '--json'])).stdout);
    expect(status.map((row: { state: string }) => row.state).slice(-2)).toEqual(['applied', 'pending']);
    expect(requests).toContain('/v1/migrate/up');
    expect(requests).toContain('/v1/stats');

    // The migrations of a live server come from its config: a caller's folder is refused, naming the server.
    const refused = await run(['migrate', 'status', '--migrations-dir', dir]);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain(`pid ${process.pid}`);
    expect(refused.stderr).toContain('--migrations-dir');
    await live.stop();
  });

  // The CLI as a real process on a pseudo-terminal: ink draws only there.
  it.skipIf(!SCRIPT)('stats --watch on a terminal draws from the endpoint and stops on q', async () => {
    const requests: string[] = [];
    const live = await serveInProcess(
      env.TRADEDB_DATABASE_PATH!,
      { onRequest: (entry) => requests.push(entry.path) },
      { 'migrations.directory': env.TRADEDB_MIGRATIONS_DIRECTORY! },
    );
    try {
      const command = `stty cols 120 rows 50; exec '${process.execPath}' '${BIN}' stats --watch`;
      // Without CI or CONTINUOUS_INTEGRATION: under CI the CLI (and ink) draw no live view, even on a terminal.
      const { CI: _ci, CONTINUOUS_INTEGRATION: _continuous, ...outsideCi } = process.env;
      const child = spawn(SCRIPT!, ['-qfec', command, '/dev/null'], {
        cwd: dir,
        env: { ...outsideCi, ...env },
      });
      let screen = '';
      child.stdout.on('data', (chunk: Buffer) => {
        screen += chunk.toString('utf8');
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await waitFor(() => screen.includes('migrated') || child.exitCode !== null, 20_000, 'the first frame');
      expect(requests).toContain('/v1/stats');
      expect(screen).toContain('q to quit');
      child.stdin.write('q');
      expect(await closed).toBe(0);
    } finally {
      await live.stop();
    }
  });
});
