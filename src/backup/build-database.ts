import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import { IntegrityError, IoError } from '../errors.js';
import { exists, syncFile } from '../fs/durable.js';
import { io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import type { Observer } from '../observability/observer.js';
import { Pool } from '../pool/pool.js';
import type { Sandbox } from '../pool/sandbox.js';
import { readDatabaseFacts } from './database-facts.js';
import { parseExportStatements } from './export-statements.js';
import { copyWithHash } from './hashing-copy.js';
import { jobConfig } from './job.js';
import { type BackupManifest, DATABASE_FILE, EXPORT_DIR } from './manifest.js';
import { assertReadableStorage, storageErrorFrom, storageNumberOf } from './storage-version.js';

export interface BuildOptions {
  fs: FsPort;
  backupDir: string;
  manifest: BackupManifest;
  /** The new database file; it must not exist. */
  target: string;
  config: TradeDbConfig;
  observer?: Observer | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Builds a database from a verified backup at `target` (a copy of the file,
 * or IMPORT DATABASE into a new file and CHECKPOINT), then checks its row
 * counts against the manifest. Used by restore and by `verify --deep`.
 */
export async function buildDatabase(options: BuildOptions): Promise<Record<string, number>> {
  const tables =
    options.manifest.method === 'file' ? await buildFromFile(options) : await buildFromExport(options);
  compareCounts(options.manifest.tables, tables, options.backupDir);
  return tables;
}

async function buildFromFile(options: BuildOptions): Promise<Record<string, number>> {
  const { fs, backupDir, manifest, target } = options;
  const source = path.join(backupDir, DATABASE_FILE);
  const copy = await copyWithHash(fs, source, target, options.signal);
  // The bytes that will be used are the ones checked: hashed on their way into the copy.
  const expected = manifest.files.find((file) => file.path === DATABASE_FILE);
  if (copy.sha256 !== expected?.sha256) {
    throw new IntegrityError(
      `backup file ${source} does not match its sha256 in the manifest (corrupted or changed)`,
      {
        hint: 'this backup cannot be trusted; use another one (listBackups())',
        fix: 'other-backup',
      },
    );
  }
  await assertReadableStorage(storageNumberOf(copy.head), source, manifest.duckdb_version);
  return countRows(options, true);
}

/**
 * What IMPORT DATABASE would do, without running the folder's SQL: the
 * statements are checked against the forms EXPORT writes (export-statements.ts)
 * and run on an instance sandboxed to the backup's data folder, so even an
 * accepted statement reaches no other file.
 */
async function buildFromExport(options: BuildOptions): Promise<Record<string, number>> {
  const { fs, backupDir, target } = options;
  const dataDir = path.join(backupDir, EXPORT_DIR);
  const schemaSql = await io('reading', path.join(dataDir, 'schema.sql'), () =>
    fs.readFile(path.join(dataDir, 'schema.sql')),
  );
  const loadSql = await io('reading', path.join(dataDir, 'load.sql'), () =>
    fs.readFile(path.join(dataDir, 'load.sql')),
  );
  const prefix = `${EXPORT_DIR}/`;
  const dataFiles = new Set(
    options.manifest.files
      .filter((file) => file.path.startsWith(prefix) && !file.path.slice(prefix.length).includes('/'))
      .map((file) => file.path.slice(prefix.length)),
  );
  const pool = await openBuilt(options, false, { readDirectories: [dataDir] });
  try {
    await pool.withWriter(async (session) => {
      const statements = await parseExportStatements({
        schemaSql,
        loadSql,
        dataDir,
        dataFiles,
        countStatements: async (sql) => (await session.connection.extractStatements(sql)).count,
      });
      await session.transaction(async () => {
        for (const sql of [...statements.schema, ...statements.loads]) await session.run(sql);
      });
      await session.run('CHECKPOINT');
    });
  } finally {
    await pool.close();
  }
  // After CHECKPOINT and a clean close everything is in the file: a WAL here would have to travel with it.
  if (await exists(fs, `${target}.wal`)) {
    throw new IoError(
      `${target}.wal remained after IMPORT and CHECKPOINT; the restored database is not self-contained`,
    );
  }
  await syncFile(fs, target);
  return countRows(options, true);
}

async function countRows(options: BuildOptions, readOnly: boolean): Promise<Record<string, number>> {
  const pool = await openBuilt(options, readOnly);
  try {
    return (await pool.withReader((session) => readDatabaseFacts(session))).tables;
  } finally {
    await pool.close();
  }
}

async function openBuilt(options: BuildOptions, readOnly: boolean, sandbox?: Sandbox): Promise<Pool> {
  try {
    return await Pool.open({
      config: jobConfig(options.config, options.target),
      readOnly,
      ...(sandbox ? { sandbox } : {}),
      observer: options.observer,
      signal: options.signal,
    });
  } catch (error) {
    throw storageErrorFrom(error, options.target) ?? error;
  }
}

/** Every table of the manifest with its count, and no other table: else an IntegrityError. */
export function compareCounts(
  expected: Record<string, number>,
  actual: Record<string, number>,
  where: string,
): void {
  for (const [table, rows] of Object.entries(expected)) {
    if (actual[table] === undefined) {
      throw new IntegrityError(`table ${table} of backup ${where} is missing from the restored database`);
    }
    if (actual[table] !== rows) {
      throw new IntegrityError(
        `table ${table}: backup ${where} should hold ${rows} rows, the restored database has ${actual[table]}`,
      );
    }
  }
  for (const table of Object.keys(actual)) {
    if (expected[table] === undefined) {
      throw new IntegrityError(
        `the restored database has a table ${table} that backup ${where} does not list`,
      );
    }
  }
}

/** Removes a database file and what DuckDB keeps beside it. */
export async function removeDatabaseFiles(fs: FsPort, file: string): Promise<void> {
  for (const part of [file, `${file}.wal`, `${file}.tmp`]) {
    await io('removing', part, () => fs.rm(part));
  }
}
