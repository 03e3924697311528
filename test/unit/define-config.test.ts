import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_SPECS } from '../../src/admin.js';
import {
  ConfigError,
  type ConfigInput,
  defineConfig,
  defineLoadedConfig,
  loadConfig,
} from '../../src/index.js';
import { tempDir } from '../helpers/temp.js';

function configError(build: () => unknown): ConfigError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe('defineConfig', () => {
  it('gives exactly what loadConfig gives for the same values, without reading a file or the environment', async () => {
    const cwd = tempDir();
    const input = {
      database_path: 'db/x.duckdb',
      pool: { max_readers: 9 },
      backup: { method: 'export' },
    } as const;
    const fromCode = defineConfig(input, { cwd, homeDir: cwd });
    const fromFlags = await loadConfig({
      cwd,
      env: {},
      homeDir: cwd,
      noFile: true,
      overrides: [
        { key: 'database_path', value: 'db/x.duckdb', flag: 'x' },
        { key: 'pool.max_readers', value: 9, flag: 'x' },
        { key: 'backup.method', value: 'export', flag: 'x' },
      ],
    });
    expect(fromCode).toEqual(fromFlags.config);
    expect(fromCode.database_path).toBe(path.join(cwd, 'db/x.duckdb'));
  });

  it('fills every key not given with its default, and freezes the result deeply', () => {
    const config = defineConfig({ database_path: ':memory:' });
    expect(config.database_path).toBe(':memory:');
    expect(config.pool.max_readers).toBe(50);
    expect(config.backup.keep).toBe(7);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.pool)).toBe(true);
  });

  it('records given keys as coming from code, the others as defaults', () => {
    const { sources, file } = defineLoadedConfig({ pool: { max_readers: 4 } });
    expect(file).toBeUndefined();
    expect(sources['pool.max_readers']).toBe('code');
    expect(sources['database_path']).toBe('default');
    expect(Object.keys(sources).sort()).toEqual(KEY_SPECS.map((spec) => spec.key).sort());
  });

  it('ignores keys given as undefined, as an unset optional property', () => {
    const { config, sources } = defineLoadedConfig({ pool: { max_readers: undefined } });
    expect(config.pool.max_readers).toBe(50);
    expect(sources['pool.max_readers']).toBe('default');
  });

  it('resolves "~" against the home folder', () => {
    const home = tempDir();
    expect(defineConfig({ export: { directory: '~/cold' } }, { homeDir: home }).export.directory).toBe(
      path.join(home, 'cold'),
    );
  });

  it('refuses an out-of-range value with the same message a file would get, naming code as its origin', () => {
    const error = configError(() => defineConfig({ pool: { max_readers: 0 } }));
    expect(error.message).toBe(
      'pool.max_readers = 0 given in code is invalid: expected an integer from 1 to 1000',
    );
  });

  it('refuses a value of the wrong type rather than converting it', () => {
    const input = { pool: { max_readers: '8' } } as unknown as ConfigInput;
    expect(configError(() => defineConfig(input)).message).toContain(
      'pool.max_readers = "8" given in code is invalid',
    );
  });

  it('refuses an unknown key with a did-you-mean hint', () => {
    const error = configError(() => defineConfig({ pool: { max_reader: 4 } } as unknown as ConfigInput));
    expect(error.message).toBe('unknown key pool.max_reader given in code: is not a tradedb setting');
    expect(error.hint).toBe('did you mean pool.max_readers?');
    expect(configError(() => defineConfig({ pol: {} } as unknown as ConfigInput)).message).toContain(
      'unknown key pol given in code',
    );
  });

  it('refuses a section given as a value', () => {
    expect(configError(() => defineConfig({ pool: 4 } as unknown as ConfigInput)).message).toContain(
      'pool given in code is invalid',
    );
  });

  it('applies the cross-field rules: hot <= warm <= cold', () => {
    const error = configError(() => defineConfig({ retention: { hot_data_days: 30, warm_data_days: 10 } }));
    expect(error.message).toContain(
      'retention.hot_data_days = 30 (code) is greater than retention.warm_data_days = 10 (code)',
    );
  });
});
