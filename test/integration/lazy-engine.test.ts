import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MigrationRunner, Pool } from '../../src/index.js';
import { LIB, ROOT, spawnNode, spawnScript } from '../helpers/bin.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';

/**
 * Loading the library must not load DuckDB's native binding (~50 ms, ~25 MB):
 * a CLI that hands its work to a live server never needs it. Each check runs
 * in a child process, since this suite's workers share one module graph
 * (isolate: false) in which DuckDB is long loaded.
 */

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const ADMIN = path.join(ROOT, 'dist', 'src', 'admin.js');
const url = (file: string) => JSON.stringify(pathToFileURL(file).href);

interface EngineLoaded {
  binding: boolean;
  api: boolean;
}

let cwd: string;

beforeAll(() => {
  cwd = suiteDir('tradedb-lazy-engine-');
});

describe('the library entries', () => {
  it('load without DuckDB, which Pool.open then loads', async () => {
    const source = `
      import { createRequire } from 'node:module';
      import { engineLoaded } from ${url(path.join(FIXTURES, 'engine-loaded.mjs'))};
      const cache = createRequire(import.meta.url).cache;
      const lib = await import(${url(LIB)});
      await import(${url(ADMIN)});
      const before = engineLoaded(cache);
      const pool = await lib.Pool.open({ config: lib.defineConfig({ database_path: ':memory:' }) });
      const after = engineLoaded(cache);
      await pool.close();
      process.stdout.write(JSON.stringify({ before, after }));
    `;
    const finished = await spawnScript(source, { cwd }).done;
    expect(finished.code, finished.stderr).toBe(0);
    const { before, after } = JSON.parse(finished.stdout) as { before: EngineLoaded; after: EngineLoaded };
    expect(before).toEqual({ binding: false, api: false });
    expect(after).toEqual({ binding: true, api: true });
  });

  it('loads without DuckDB installed, and the first open says so with a typed error', async () => {
    const source = `
      const lib = await import(${url(LIB)});
      await import(${url(ADMIN)});
      try {
        await lib.Pool.open({ config: lib.defineConfig({ database_path: ':memory:' }) });
        process.stdout.write('opened');
      } catch (error) {
        process.stdout.write(JSON.stringify({ code: error.code, message: error.message }));
      }
    `;
    const finished = await spawnNode(
      ['--require', path.join(FIXTURES, 'hide-engine.cjs'), '--input-type=module', '-e', source],
      { cwd },
    ).done;
    expect(finished.code, finished.stderr).toBe(0);
    const failure = JSON.parse(finished.stdout) as { code: string; message: string };
    expect(failure.code).toBe('INTERNAL');
    expect(failure.message).toMatch(/^cannot load DuckDB \(@duckdb\/node-api\): Cannot find module/);
  });
});

describe('the built CLI', () => {
  let database: string;

  beforeAll(async () => {
    database = path.join(cwd, 'lazy.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
    try {
      await new MigrationRunner({ pool }).up();
    } finally {
      await pool.close();
    }
  });

  /** Runs `tradedb <args>` with the reporting preload and returns what it loaded. */
  async function loadedBy(args: string[]): Promise<EngineLoaded> {
    const report = path.join(cwd, `engine-${args.join('-')}.json`);
    const preload = pathToFileURL(path.join(FIXTURES, 'report-engine.mjs')).href;
    const finished = await spawnNode(['--import', preload, path.join(ROOT, 'bin', 'tradedb.cjs'), ...args], {
      cwd,
      env: { TRADEDB_TEST_ENGINE_REPORT: report, TRADEDB_DATABASE_PATH: database },
    }).done;
    expect(finished.code, finished.stderr).toBe(0);
    return JSON.parse(fs.readFileSync(report, 'utf8')) as EngineLoaded;
  }

  it('answers `config --json` without loading DuckDB', async () => {
    expect(await loadedBy(['config', '--json'])).toEqual({ binding: false, api: false });
  });

  it('loads DuckDB for `query orders`, which opens the database', async () => {
    expect(await loadedBy(['query', 'orders', '--json'])).toEqual({ binding: true, api: true });
  });
});
