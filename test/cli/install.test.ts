import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bin.js';
import { suiteDir } from '../helpers/temp.js';

const run = promisify(execFile);

let project: string;
let packed: string[];

/**
 * The package as an operator installs it outside the clone: `npm pack`,
 * then `npm install <tgz>` in an empty folder. Packing and installing take
 * ~10-40 s (88 packages, from the npm cache that `npm ci` filled where it
 * can), so the file installs once and every command runs against that one
 * install. No lifecycle scripts: dist is already built, and the
 * dependencies' prebuilt DuckDB binding needs none.
 */
beforeAll(async () => {
  const work = suiteDir('tradedb-install-');
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((file) => file.path);
  project = path.join(work, 'ops');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "ops", "private": true }\n');
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      path.join(work, info!.filename),
    ],
    { cwd: project },
  );
}, 300_000);

/** `npx --no tradedb ...`: --no makes npx fail instead of fetching tradedb from the registry. */
async function tradedb(...argv: string[]) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? project, NO_COLOR: '1' };
  return run('npx', ['--no', 'tradedb', ...argv], { cwd: project, env });
}

describe('installed from a packed tarball, outside the clone', () => {
  it('ships the LICENSE, the built CLI, and the schema migrations, not the sources or tests', () => {
    expect(packed).toContain('LICENSE');
    expect(packed).toContain('bin/tradedb.cjs');
    expect(packed).toContain('dist/cli/main.js');
    expect(packed).toContain('migrations/001_initial_schema.sql');
    expect(packed.some((file) => file.startsWith('test/') || file.startsWith('src/'))).toBe(false);
  });

  it('runs init, migrate status, seed and query orders in the project folder', async () => {
    await tradedb('init');
    expect(fs.existsSync(path.join(project, 'tradedb.toml'))).toBe(true);
    const status = JSON.parse((await tradedb('migrate', 'status', '--json')).stdout);
    expect(status.map((item: { state: string }) => item.state)).toEqual(['applied', 'applied', 'applied']);
    const seeded = JSON.parse(
      (
        await tradedb(
          'seed',
          '--days',
          '1',
          '--symbols',
          '1',
          '--ticks-per-day',
          '4',
          '--orders',
          '5',
          '--json',
        )
      ).stdout,
    );
    expect(seeded.rows.orders).toBe(5);
    const orders = JSON.parse((await tradedb('query', 'orders', '--json')).stdout);
    expect(orders).toHaveLength(5);
    // migrate create writes into the project, where a reinstall keeps it; an empty file is pending, not an error.
    const created = await tradedb('migrate', 'create', 'add_fee_currency');
    expect(created.stdout.trim()).toBe(path.join(project, 'migrations', '004_add_fee_currency.sql'));
    const pending = JSON.parse((await tradedb('migrate', 'status', '--json')).stdout);
    expect(pending.at(-1)).toMatchObject({ version: '004', state: 'pending' });
    // Nothing was written into the installed package.
    expect(fs.readdirSync(path.join(project, 'node_modules', 'tradedb', 'migrations')).sort()).toEqual([
      '001_initial_schema.sql',
      '002_add_metrics.sql',
      '003_add_indexes.sql',
    ]);
  });
});
