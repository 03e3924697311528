import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { configValue, KEY_SPECS, PACKAGE_ROOT } from '../../src/admin.js';
import { ConfigError, loadConfig } from '../../src/index.js';
import { tempDir } from '../helpers/temp.js';

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('uses the defaults when there is no file, and resolves default paths against the working directory', async () => {
    const cwd = tempDir();
    const { config, sources, file } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(file).toBeUndefined();
    expect(config.pool.max_readers).toBe(50);
    expect(config.database_path).toBe(path.join(cwd, 'data/trading.duckdb'));
    expect(config.export.directory).toBe(path.join(cwd, 'data/cold'));
    expect(Object.values(sources).every((source) => source === 'default')).toBe(true);
  });

  it('finds tradedb.toml in a parent folder and resolves its relative paths against that folder', async () => {
    const root = tempDir();
    write(path.join(root, 'tradedb.toml'), 'database_path = "db/x.duckdb"\n[pool]\nmax_readers = 9\n');
    const cwd = path.join(root, 'a', 'b');
    fs.mkdirSync(cwd, { recursive: true });
    const { config, sources, file } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(file).toBe(path.join(root, 'tradedb.toml'));
    expect(config.database_path).toBe(path.join(root, 'db/x.duckdb'));
    expect(config.pool.max_readers).toBe(9);
    expect(sources['pool.max_readers']).toBe(`file:${path.join(root, 'tradedb.toml')}`);
  });

  it('searches past an empty or blank file and a folder of that name, in search order', async () => {
    const root = tempDir();
    write(path.join(root, 'tradedb.toml'), '[pool]\nmax_readers = 7\n');
    const cwd = path.join(root, 'a');
    write(path.join(cwd, 'tradedb.toml'), ' \n\t\n');
    fs.mkdirSync(path.join(cwd, '.tradedbrc.toml'));
    const { config, file } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(file).toBe(path.join(root, 'tradedb.toml'));
    expect(config.pool.max_readers).toBe(7);
    // The first non-empty name of a folder wins over the next folder up.
    write(path.join(cwd, '.config/tradedb.toml'), '[pool]\nmax_readers = 4\n');
    expect((await loadConfig({ cwd, env: {}, homeDir: cwd })).config.pool.max_readers).toBe(4);
  });

  it.each(['.tradedbrc.toml', '.config/tradedb.toml'])('finds %s', async (name) => {
    const cwd = tempDir();
    write(path.join(cwd, name), '[pool]\nmax_readers = 3\n');
    const { config } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(config.pool.max_readers).toBe(3);
  });

  it("falls back to the user's ~/.config/tradedb/config.toml", async () => {
    const home = tempDir();
    const cwd = tempDir();
    write(path.join(home, '.config/tradedb/config.toml'), '[backup]\nkeep = 2\n');
    const { config, file } = await loadConfig({ cwd, env: {}, homeDir: home });
    expect(config.backup.keep).toBe(2);
    expect(file).toBe(path.join(home, '.config/tradedb/config.toml'));
  });

  it('takes flags over environment over file over defaults, and names each source', async () => {
    const cwd = tempDir();
    write(
      path.join(cwd, 'tradedb.toml'),
      '[pool]\nmax_readers = 9\nquery_timeout_ms = 100\nlock_wait_ms = 5\n',
    );
    const { config, sources } = await loadConfig({
      cwd,
      homeDir: cwd,
      env: { TRADEDB_POOL_MAX_READERS: '7', TRADEDB_POOL_LOCK_WAIT_MS: '6' },
      overrides: [{ key: 'pool.lock_wait_ms', value: 30_000, flag: 'wait' }],
    });
    expect(config.pool.query_timeout_ms).toBe(100);
    expect(config.pool.max_readers).toBe(7);
    expect(config.pool.lock_wait_ms).toBe(30_000);
    expect(sources['pool.query_timeout_ms']).toMatch(/^file:/);
    expect(sources['pool.max_readers']).toBe('env:TRADEDB_POOL_MAX_READERS');
    expect(sources['pool.lock_wait_ms']).toBe('flag:--wait');
    expect(sources['backup.keep']).toBe('default');
  });

  it('reads the DATABASE_PATH and DATABASE_MEMORY_LIMIT_MB aliases, relative to the working directory', async () => {
    const cwd = tempDir();
    const { config, sources } = await loadConfig({
      cwd,
      homeDir: cwd,
      env: { DATABASE_PATH: 'alias.duckdb', DATABASE_MEMORY_LIMIT_MB: '512' },
    });
    expect(config.database_path).toBe(path.join(cwd, 'alias.duckdb'));
    expect(config.performance.memory_limit_mb).toBe(512);
    expect(sources['database_path']).toBe('env:DATABASE_PATH');
  });

  it('lets TRADEDB_DATABASE_PATH win over the DATABASE_PATH alias', async () => {
    const cwd = tempDir();
    const { config } = await loadConfig({
      cwd,
      homeDir: cwd,
      env: { DATABASE_PATH: 'alias.duckdb', TRADEDB_DATABASE_PATH: 'main.duckdb' },
    });
    expect(config.database_path).toBe(path.join(cwd, 'main.duckdb'));
  });

  it('treats an empty variable as unset, an unknown one included', async () => {
    const cwd = tempDir();
    const { config } = await loadConfig({
      cwd,
      homeDir: cwd,
      env: { TRADEDB_POOL_MAX_READERS: '', TRADEDB_NOT_A_SETTING: '' },
    });
    expect(config.pool.max_readers).toBe(50);
  });

  it('returns one deeply frozen object', async () => {
    const cwd = tempDir();
    const { config } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.pool)).toBe(true);
    expect(() => {
      (config.pool as { max_readers: number }).max_readers = 1;
    }).toThrow();
  });

  it('reports malformed TOML with the file and line', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[pool]\nmax_readers = 9\nquery_timeout_ms = = 3\n');
    const error = await configError(loadConfig({ cwd, env: {}, homeDir: cwd }));
    expect(error.message).toContain('tradedb.toml');
    expect(error.message).toContain('line 3');
    expect(error.exitCode).toBe(78);
  });

  it('names the key, the value and what was expected for a wrong type', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[pool]\nmax_readers = "nine"\n');
    const error = await configError(loadConfig({ cwd, env: {}, homeDir: cwd }));
    expect(error.message).toContain('pool.max_readers');
    expect(error.message).toContain('"nine"');
    expect(error.message).toContain('an integer from 1 to 1000');
  });

  it('refuses an out-of-range value', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[pool]\nmax_readers = 0\n');
    const error = await configError(loadConfig({ cwd, env: {}, homeDir: cwd }));
    expect(error.message).toMatch(/pool\.max_readers = 0 .* expected an integer from 1 to 1000/);
  });

  it('refuses an unknown key with a did-you-mean hint', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[pool]\nmax_reader = 3\n');
    const error = await configError(loadConfig({ cwd, env: {}, homeDir: cwd }));
    expect(error.message).toContain('unknown key pool.max_reader');
    expect(error.hint).toBe('did you mean pool.max_readers?');
  });

  it('refuses an unknown section', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[pools]\nmax_readers = 3\n');
    const error = await configError(loadConfig({ cwd, env: {}, homeDir: cwd }));
    expect(error.message).toContain('unknown key pools.max_readers');
  });

  it('names the variable of a bad environment value', async () => {
    const cwd = tempDir();
    const error = await configError(
      loadConfig({ cwd, env: { TRADEDB_OBSERVABILITY_ENABLE_METRICS: 'maybe' }, homeDir: cwd }),
    );
    expect(error.message).toContain('environment variable TRADEDB_OBSERVABILITY_ENABLE_METRICS');
    expect(error.message).toContain('"maybe"');
    expect(error.message).toContain('true or false');
  });

  it('refuses a --config file that does not exist, and TRADEDB_CONFIG the same way', async () => {
    const cwd = tempDir();
    const flag = await configError(loadConfig({ cwd, env: {}, homeDir: cwd, configPath: 'nope.toml' }));
    expect(flag.message).toContain(path.join(cwd, 'nope.toml'));
    const variable = await configError(
      loadConfig({ cwd, env: { TRADEDB_CONFIG: 'gone.toml' }, homeDir: cwd }),
    );
    expect(variable.message).toContain('TRADEDB_CONFIG');
  });

  it('enforces hot <= warm <= cold across sources', async () => {
    const cwd = tempDir();
    write(path.join(cwd, 'tradedb.toml'), '[retention]\nwarm_data_days = 30\n');
    const error = await configError(
      loadConfig({ cwd, env: { TRADEDB_RETENTION_HOT_DATA_DAYS: '40' }, homeDir: cwd }),
    );
    expect(error.message).toContain('retention.hot_data_days = 40');
    expect(error.message).toContain('retention.warm_data_days = 30');
  });

  it('refuses an enum value outside its set', async () => {
    const cwd = tempDir();
    const error = await configError(loadConfig({ cwd, env: { TRADEDB_BACKUP_METHOD: 'tar' }, homeDir: cwd }));
    expect(error.message).toContain('one of file, export');
  });
});

describe('config.example.toml', () => {
  it('documents every key with its default value and a comment', () => {
    const text = fs.readFileSync(path.join(PACKAGE_ROOT, 'config.example.toml'), 'utf8');
    const document = parseToml(text) as Record<string, Record<string, unknown> | unknown>;
    for (const spec of KEY_SPECS) {
      const [first, second] = spec.key.split('.') as [string, string | undefined];
      const value =
        second === undefined ? document[first] : (document[first] as Record<string, unknown>)[second];
      expect(value, spec.key).toEqual(spec.default);
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${second ?? first} =`));
      expect(line, spec.key).toMatch(/#\s*\S/);
    }
  });

  it('loads as a valid config', async () => {
    const cwd = tempDir();
    fs.copyFileSync(path.join(PACKAGE_ROOT, 'config.example.toml'), path.join(cwd, 'tradedb.toml'));
    const { config } = await loadConfig({ cwd, env: {}, homeDir: cwd });
    expect(configValue(config, 'backup.method')).toBe('file');
  });
});

describe('":memory:"', () => {
  it('is kept as the database path, but is an ordinary file name for any other path', async () => {
    const cwd = tempDir();
    const { config } = await loadConfig({
      cwd,
      homeDir: cwd,
      env: { TRADEDB_DATABASE_PATH: ':memory:', TRADEDB_OBSERVABILITY_METRICS_FILE: ':memory:' },
    });
    expect(config.database_path).toBe(':memory:');
    expect(config.observability.metrics_file).toBe(path.join(cwd, ':memory:'));
  });
});
