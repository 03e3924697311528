import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { digest } from '../faults/databases.js';
import { cli } from '../helpers/cli.js';
import { serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

// Commands that cannot run beside a live service are refused up front (75),
// naming the serving pid and what to do, and change nothing. The database is
// where the example config puts it, so that `init --force` would point at it.
describe('commands refused while a live server holds the database', () => {
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  const configText = 'database_path = "data/trading.duckdb"\n';

  beforeAll(async () => {
    dir = suiteDir();
    db = path.join(dir, 'data', 'trading.duckdb');
    fs.writeFileSync(path.join(dir, 'tradedb.toml'), configText);
    env = { TRADEDB_BACKUP_DIRECTORY: path.join(dir, 'backups') };
    const seeded = await cli(['seed', '--days', '1', '--orders', '10', '--end-date', '2026-11-30'], {
      cwd: dir,
      env,
    });
    expect(seeded.code, seeded.stderr).toBe(0);
    const backedUp = await cli(['backup'], { cwd: dir, env });
    expect(backedUp.code, backedUp.stderr).toBe(0);
  });

  it('refuses restore onto it, migrate down, seed, query sql and init; restore --to elsewhere works', async () => {
    const before = await digest(db);
    const live = await serveInProcess(db);
    const pid = `pid ${process.pid}`;
    const refusals: Array<[string[], RegExp, RegExp]> = [
      [
        ['restore', 'latest', '--force', '--yes'],
        /restore replaces the database file/,
        /restore elsewhere with --to/,
      ],
      [['restore', 'latest', '--to', db, '--dry-run'], /restore replaces the database file/, /--to <path>/],
      // Refused before it asks: no --yes, no terminal, still 75 rather than 64.
      [['migrate', 'down'], /a revert drops tables/, /stop the process holding the database/],
      [['seed', '--append'], /seed writes a synthetic data set/, /stop the process/],
      [
        ['query', 'sql', 'SELECT count(*) FROM orders'],
        /ad-hoc SQL is not run by the serving process/,
        /query a copy: `tradedb backup`/,
      ],
      [['init', '--force'], /init rewrites the config and migrates the database/, /stop the process/],
    ];
    for (const [argv, message, hint] of refusals) {
      const refused = await cli(argv, { cwd: dir, env });
      expect(refused.code, argv.join(' ')).toBe(75);
      const [error, help] = refused.stderr.split('\n');
      expect(error, argv.join(' ')).toMatch(message);
      expect(error).toContain(pid);
      expect(error).toContain(
        `\`tradedb ${argv[0] === 'query' || argv[0] === 'migrate' ? argv.slice(0, 2).join(' ') : argv[0]}\``,
      );
      expect(help, argv.join(' ')).toMatch(hint);
    }
    // init wrote nothing: not the config, not its staging copy.
    expect(fs.readFileSync(path.join(dir, 'tradedb.toml'), 'utf8')).toBe(configText);
    expect(fs.readdirSync(dir).filter((name) => name.includes('tradedb.toml'))).toEqual(['tradedb.toml']);

    const elsewhere = path.join(dir, 'check', 'restored.duckdb');
    const restored = await cli(['restore', 'latest', '--to', elsewhere, '--json'], { cwd: dir, env });
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ target: elsewhere, replaced: false });

    await live.stop();
    expect(await digest(db)).toEqual(before);
    expect(await digest(elsewhere)).toEqual(before);
  });
});
