import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackupResult, backup, verifyBackup } from '../../../src/admin.js';
import { storageErrorFrom } from '../../../src/backup/storage-version.js';
import { IntegrityError, NotFoundError, Pool, type TradeDbConfig } from '../../../src/index.js';
import { suiteDir } from '../../helpers/temp.js';
import { configIn, flipByte, forgeStorageVersion, rehash, seedDatabase } from './fixtures.js';

let config: TradeDbConfig;
const made: Record<'file' | 'export', BackupResult> = {} as never;
let scratch: string;

/** A private copy of a backup folder, to damage. */
function copyOf(method: 'file' | 'export'): string {
  const dir = fs.mkdtempSync(path.join(scratch, `${method}-`));
  const copy = path.join(dir, made[method].name);
  fs.cpSync(made[method].path, copy, { recursive: true });
  return copy;
}

async function failure(dir: string, deep = false): Promise<IntegrityError> {
  const error = await verifyBackup({ config, path: dir, deep }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(IntegrityError);
  expect((error as IntegrityError).exitCode).toBe(65);
  return error as IntegrityError;
}

beforeAll(async () => {
  const dir = suiteDir();
  scratch = path.join(dir, 'scratch');
  fs.mkdirSync(scratch);
  config = await configIn(dir);
  await seedDatabase(config, 300);
  made.file = await backup({ config, method: 'file' });
  made.export = await backup({ config, method: 'export' });
});

describe('verifyBackup', () => {
  for (const method of ['file', 'export'] as const) {
    it(`passes a sound ${method} backup, quick and deep`, async () => {
      const quick = await verifyBackup({ config, path: made[method].path });
      expect(quick).toMatchObject({ ok: true, method, deep: false, tables: 10 });
      const deep = await verifyBackup({ config, path: copyOf(method), deep: true });
      expect(deep).toMatchObject({ ok: true, deep: true, rows: made[method].rows });
      // The temporary database of --deep is gone again.
      expect(fs.readdirSync(path.dirname(deep.path))).toEqual([deep.name]);
    });
  }

  it('finds a backup by its name in the backup folder, or as latest', async () => {
    expect((await verifyBackup({ config, path: made.file.name })).path).toBe(made.file.path);
    expect((await verifyBackup({ config, path: 'latest' })).path).toBe(made.export.path);
    await expect(verifyBackup({ config, path: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('names a file with one flipped byte', async () => {
    const dir = copyOf('file');
    flipByte(path.join(dir, 'database.duckdb'));
    expect((await failure(dir)).message).toMatch(/database\.duckdb does not match its sha256/);
  });

  it('names a truncated file', async () => {
    const dir = copyOf('export');
    const file = path.join(dir, 'data', 'orders.parquet');
    fs.truncateSync(file, fs.statSync(file).size - 7);
    expect((await failure(dir)).message).toMatch(/data\/orders\.parquet is \d+ bytes, the manifest says \d+/);
  });

  it('names a missing file', async () => {
    const dir = copyOf('export');
    fs.rmSync(path.join(dir, 'data', 'trades.parquet'));
    expect((await failure(dir)).message).toMatch(/data\/trades\.parquet is missing/);
  });

  it('names an extra file', async () => {
    const dir = copyOf('file');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    expect((await failure(dir)).message).toMatch(/notes\.txt is not in the manifest/);
  });

  it('names a corrupt or missing manifest', async () => {
    const corrupt = copyOf('file');
    fs.writeFileSync(path.join(corrupt, 'manifest.json'), '{"format": "tradedb-backup/1", "files": [');
    expect((await failure(corrupt)).message).toMatch(
      /corrupt backup manifest .*manifest\.json: not valid JSON/,
    );
    const wrong = copyOf('file');
    rehash(wrong, 'database.duckdb', { tables: { orders: -1 } });
    expect((await failure(wrong)).message).toMatch(/manifest\.json: tables is not an object of row counts/);
    const missing = copyOf('export');
    fs.rmSync(path.join(missing, 'manifest.json'));
    expect((await failure(missing)).message).toMatch(/manifest\.json is missing/);
  });

  it('with deep, catches row counts that differ from the manifest', async () => {
    for (const method of ['file', 'export'] as const) {
      const dir = copyOf(method);
      const manifestPath = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
      manifest.tables.orders += 1;
      fs.writeFileSync(manifestPath, JSON.stringify(manifest));
      // The files still match: only a restore can tell.
      await verifyBackup({ config, path: dir });
      expect((await failure(dir, true)).message).toMatch(/table orders: .* should hold 301 rows, .* has 300/);
    }
  });

  it('refuses a backup whose storage version this build cannot read', async () => {
    const dir = copyOf('file');
    forgeStorageVersion(dir, 69);
    const error = await failure(dir);
    expect(error.message).toMatch(
      /database\.duckdb uses DuckDB storage version 69; this build reads 64 to \d+/,
    );
    expect(error.hint).toMatch(/newer DuckDB/);
  });

  it("turns DuckDB's own refusal of a newer storage version into an IntegrityError", async () => {
    const dir = copyOf('file');
    forgeStorageVersion(dir, 69);
    const opened = await Pool.open({
      config: { ...config, database_path: path.join(dir, 'database.duckdb') },
      readOnly: true,
    }).catch((caught: unknown) => caught);
    const typed = storageErrorFrom(opened, 'x.duckdb');
    expect(typed).toBeInstanceOf(IntegrityError);
    expect(typed?.message).toMatch(/version number 69, but we can only read/);
    expect(storageErrorFrom(new Error('IO Error: something else'), 'x')).toBeUndefined();
  });
});
