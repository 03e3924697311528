import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnvNames } from '../../src/config/env-names.js';
import { ConfigError } from '../../src/index.js';
import { ROOT } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { freshDatabase } from '../integration/backup/fixtures.js';

/**
 * An input tradedb would not act on is refused, never ignored: a misspelt
 * TRADEDB_ variable is exit 78 with a suggestion, as a misspelt key in the
 * config file is; an option a subcommand does not use is exit 64.
 */
describe('TRADEDB_ environment variables', () => {
  it('a misspelt setting is exit 78 naming it, with did-you-mean, as in the file', async () => {
    const cwd = tempDir('tradedb-env-');
    const env = { TRADEDB_DATABASE_PATH: path.join(cwd, 'x.duckdb'), TRADEDB_POOL_MAX_READER: '5' };
    const result = await cli(['config'], { cwd, env });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: unknown environment variable TRADEDB_POOL_MAX_READER: /);
    expect(result.stderr).toMatch(/hint: did you mean TRADEDB_POOL_MAX_READERS\?/);

    const file = path.join(cwd, 'tradedb.toml');
    fs.writeFileSync(file, '[pool]\nmax_reader = 5\n');
    const inFile = await cli(['config'], { cwd, env: { TRADEDB_DATABASE_PATH: env.TRADEDB_DATABASE_PATH } });
    expect(inFile.code).toBe(78);
    expect(inFile.stderr).toMatch(/did you mean pool\.max_readers\?/);
  });

  it('names every unknown variable, and an empty one counts as unset', () => {
    expect(() => checkEnvNames({ TRADEDB_ZZZ: '1', TRADEDB_AAA: '1', TRADEDB_EMPTY: '' })).toThrow(
      /unknown environment variable TRADEDB_AAA \(and TRADEDB_ZZZ\)/,
    );
    expect(() => checkEnvNames({ TRADEDB_EMPTY: '' })).not.toThrow();
    expect(() => checkEnvNames({ TRADEDB_AAA: 'x' })).toThrow(ConfigError);
  });

  it('accepts every TRADEDB_ name the project itself uses (settings, launcher, test harnesses)', () => {
    // Names the tests use on purpose as ones that are not settings.
    const NOT_SETTINGS = new Set([
      'TRADEDB_',
      'TRADEDB_NOPE',
      'TRADEDB_POOL_NOPE',
      'TRADEDB_NOT_A_SETTING',
      'TRADEDB_POOL_MAX_READER',
      'TRADEDB_ZZZ',
      'TRADEDB_AAA',
      'TRADEDB_EMPTY',
    ]);
    const names = new Set<string>();
    for (const file of projectFiles()) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/TRADEDB_[A-Z0-9_]*/g)) names.add(match[0]);
    }
    const used = [...names].filter((name) => !NOT_SETTINGS.has(name) && !name.endsWith('_'));
    expect(used.length).toBeGreaterThan(20);
    for (const name of used) expect(() => checkEnvNames({ [name]: '1' }), name).not.toThrow();
  });
});

describe('options a subcommand does not use', () => {
  async function workspace() {
    const { dir, config } = await freshDatabase(10);
    const env = {
      TRADEDB_DATABASE_PATH: config.database_path,
      TRADEDB_BACKUP_DIRECTORY: config.backup.directory,
    };
    const made = await cli(['backup', '--json'], { cwd: dir, env });
    expect(made.code, made.stderr).toBe(0);
    return { dir, env };
  }

  const CASES = [
    ['backup', 'list', '--out', 'elsewhere'],
    ['backup', 'list', '--keep', '1'],
    ['backup', '--method', 'export', 'list'],
    ['backup', 'verify', 'latest', '--out', 'elsewhere'],
    ['backup', '--out', 'elsewhere', 'verify', 'latest'],
    ['backup', 'prune', '--out', 'elsewhere', '--dry-run'],
  ];
  it.for(CASES.map((argv) => [argv.join(' '), argv] as const))(
    '%s: exit 64 naming the option, nothing done',
    async ([, argv]) => {
      const { dir, env } = await workspace();
      const result = await cli(argv, { cwd: dir, env });
      expect(result.code, result.stderr).toBe(64);
      expect(result.stdout).toBe('');
      const option = argv.find((arg) => arg.startsWith('--'))!;
      expect(result.stderr).toMatch(
        new RegExp(
          `^error: \`backup ${argv.find((a) => ['list', 'verify', 'prune'].includes(a))}\` does not use ${option}`,
        ),
      );
      expect(fs.existsSync(path.join(dir, 'elsewhere'))).toBe(false);
    },
  );

  it('backup prune --keep, on either side of prune, is used', async () => {
    const { dir, env } = await workspace();
    for (const argv of [
      ['backup', 'prune', '--keep', '3', '--dry-run', '--json'],
      ['backup', '--keep', '3', 'prune', '--dry-run', '--json'],
    ]) {
      const result = await cli(argv, { cwd: dir, env });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).keep).toBe(3);
    }
  });
});

/** The project's own source, tests, scripts and docs. */
function projectFiles(): string[] {
  const files = [path.join(ROOT, 'README.md'), path.join(ROOT, 'bin', 'tradedb.cjs')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mjs|cjs|js|md|sh)$/.test(entry.name)) files.push(full);
    }
  };
  for (const dir of ['src', 'commands', 'test', 'scripts', 'bin']) walk(path.join(ROOT, dir));
  return files;
}
