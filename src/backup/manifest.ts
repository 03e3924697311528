import { BACKUP_METHODS, type BackupMethod } from '../config/schema.js';
import { IntegrityError } from '../errors.js';

export const MANIFEST_FILE = 'manifest.json';
/** The database file inside a `file` backup. */
export const DATABASE_FILE = 'database.duckdb';
/** The EXPORT DATABASE folder inside an `export` backup. */
export const EXPORT_DIR = 'data';
export const MANIFEST_FORMAT = 'tradedb-backup/1';

/** One file of a backup, relative to its folder with `/` separators. */
export interface ManifestFile {
  path: string;
  size_bytes: number;
  sha256: string;
}

/**
 * `manifest.json`, written last: a backup without one is not a backup.
 * It is what `verify` and `restore` check the folder against.
 */
export interface BackupManifest {
  format: string;
  method: BackupMethod;
  /** When the backup started (UTC, ms); also the folder's name. */
  created_at: string;
  tool_version: string;
  /** `SELECT version()` of the DuckDB that wrote it, e.g. `v1.5.6`. */
  duckdb_version: string;
  /** The source database's storage version tag, e.g. `v1.0.0+`. */
  storage_version: string;
  /** The storage format number in the database file header (64 = v1.0 format), or null if unknown. */
  storage_version_number: number | null;
  /** Highest applied migration, or null when the database has no migration ledger. */
  schema_version: string | null;
  source_path: string;
  /** Rows per table (`orders`, or `schema.table` outside `main`). */
  tables: Record<string, number>;
  files: ManifestFile[];
}

/** The manifest as text: stable key order, one file per line for people reading it. */
export function manifestText(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Parses and checks a manifest; anything off is an IntegrityError naming
 * the manifest file, because a backup we cannot describe cannot be trusted.
 */
export function parseManifest(text: string, file: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw corrupt(file, 'not a JSON object');
  if (value['format'] !== MANIFEST_FORMAT) {
    throw corrupt(file, `format is ${JSON.stringify(value['format'])}, expected "${MANIFEST_FORMAT}"`);
  }
  const method = value['method'];
  if (!BACKUP_METHODS.includes(method as BackupMethod)) {
    throw corrupt(file, `method is ${JSON.stringify(method)}, expected one of ${BACKUP_METHODS.join(', ')}`);
  }
  for (const key of ['created_at', 'tool_version', 'duckdb_version', 'storage_version', 'source_path']) {
    if (typeof value[key] !== 'string') throw corrupt(file, `${key} is missing or not a string`);
  }
  if (Number.isNaN(Date.parse(value['created_at'] as string)))
    throw corrupt(file, 'created_at is not a time');
  const storageNumber = value['storage_version_number'];
  if (storageNumber !== null && !isCount(storageNumber)) {
    throw corrupt(file, 'storage_version_number is not a number');
  }
  const schema = value['schema_version'];
  if (schema !== null && typeof schema !== 'string') throw corrupt(file, 'schema_version is not a string');
  const tables = value['tables'];
  if (!isObject(tables) || !Object.values(tables).every(isCount)) {
    throw corrupt(file, 'tables is not an object of row counts');
  }
  const files = value['files'];
  if (!Array.isArray(files) || files.length === 0) throw corrupt(file, 'files is missing or empty');
  const seen = new Set<string>();
  for (const entry of files) {
    if (!isObject(entry)) throw corrupt(file, 'a files entry is not an object');
    const relative = entry['path'];
    if (typeof relative !== 'string' || !isSafeRelative(relative) || relative === MANIFEST_FILE) {
      throw corrupt(file, `bad file path ${JSON.stringify(relative)}`);
    }
    if (seen.has(relative)) throw corrupt(file, `${relative} is listed twice`);
    seen.add(relative);
    if (!isCount(entry['size_bytes'])) throw corrupt(file, `size_bytes of ${relative} is not a byte count`);
    if (typeof entry['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(entry['sha256'])) {
      throw corrupt(file, `sha256 of ${relative} is not a sha256`);
    }
  }
  return value as unknown as BackupManifest;
}

export function totalRows(manifest: Pick<BackupManifest, 'tables'>): number {
  return Object.values(manifest.tables).reduce((sum, rows) => sum + rows, 0);
}

export function totalBytes(manifest: Pick<BackupManifest, 'files'>): number {
  return manifest.files.reduce((sum, file) => sum + file.size_bytes, 0);
}

function corrupt(file: string, why: string): IntegrityError {
  return new IntegrityError(`corrupt backup manifest ${file}: ${why}`, {
    hint: 'this backup cannot be trusted; use another one (listBackups())',
    fix: 'other-backup',
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A path inside the backup folder: relative, no `..`, no empty parts. */
function isSafeRelative(relative: string): boolean {
  if (relative === '' || relative.startsWith('/') || relative.includes('\\')) return false;
  return relative.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
