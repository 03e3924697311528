import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('tradedb config', () => {
  it('prints one JSON object keyed by dotted key with value and source', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'tradedb.toml'), 'database_path = "d/t.duckdb"\n');
    const result = await cli(['config', '--json', '--wait', '2m'], {
      cwd,
      env: { TRADEDB_POOL_MAX_READERS: '9' },
    });
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout) as Record<string, { value: unknown; source: string }>;
    expect(config['pool.max_readers']).toEqual({ value: 9, source: 'env:TRADEDB_POOL_MAX_READERS' });
    expect(config['database_path']).toEqual({
      value: path.join(cwd, 'd/t.duckdb'),
      source: `file:${path.join(cwd, 'tradedb.toml')}`,
    });
    expect(config['pool.lock_wait_ms']).toEqual({ value: 120_000, source: 'flag:--wait' });
    expect(config['backup.keep']).toEqual({ value: 7, source: 'default' });
  });

  it('shows a table with key, value and source', async () => {
    const cwd = tempDir();
    const result = await cli(['config', '--database', 'x.duckdb'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/database_path\s+│\s+\S+x\.duckdb\s+│\s+flag:--database/);
  });

  it.each([
    ['malformed TOML', '[pool\n', /line 1/],
    ['a wrong type', '[pool]\nmax_readers = "x"\n', /pool\.max_readers/],
    ['an unknown key', 'databse_path = "x"\n', /did you mean database_path/],
  ])('exits 78 on %s', async (_what, text, message) => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'tradedb.toml'), text);
    const result = await cli(['config'], { cwd });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^error: /);
  });

  it('exits 78 on a bad environment value and on a missing --config file', async () => {
    const cwd = tempDir();
    const env = await cli(['config'], { cwd, env: { TRADEDB_POOL_QUERY_TIMEOUT_MS: '-5' } });
    expect(env.code).toBe(78);
    expect(env.stderr).toContain('TRADEDB_POOL_QUERY_TIMEOUT_MS');
    const missing = await cli(['--config', 'nope.toml', 'config'], { cwd });
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain('nope.toml');
  });

  it('prints the error as JSON too with --format json', async () => {
    const cwd = tempDir();
    const result = await cli(['config', '--format', 'json', '--config', 'nope.toml'], { cwd });
    const last = result.stderr.trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ error: { code: 'CONFIG', retryable: false } });
  });
});

describe('the CLI frame', () => {
  it('exits 64 on an unknown command or flag, with a suggestion', async () => {
    const cwd = tempDir();
    const command = await cli(['confgi'], { cwd });
    expect(command.code).toBe(64);
    expect(command.stderr).toContain('config');
    const flag = await cli(['config', '--bogus'], { cwd });
    expect(flag.code).toBe(64);
  });

  it('exits 64 when --json and --format disagree, or the format is unknown', async () => {
    const cwd = tempDir();
    expect((await cli(['config', '--json', '--format', 'csv'], { cwd })).code).toBe(64);
    expect((await cli(['config', '--format', 'xml'], { cwd })).code).toBe(64);
  });

  it('exits 64 on a malformed --wait', async () => {
    const cwd = tempDir();
    const result = await cli(['config', '--wait', 'soon'], { cwd });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--wait');
  });

  it('prints the version and help with examples on stdout', async () => {
    const cwd = tempDir();
    const version = await cli(['--version'], { cwd });
    expect(version).toMatchObject({ code: 0 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await cli(['--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes');
  });

  it('accepts global options after the subcommand', async () => {
    const cwd = tempDir();
    const result = await cli(['config', '--json', '--database', 'after.duckdb'], { cwd });
    expect(JSON.parse(result.stdout)['database_path'].source).toBe('flag:--database');
  });
});
