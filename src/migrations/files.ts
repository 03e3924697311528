import fs from 'node:fs';
import path from 'node:path';
import { IntegrityError, NotFoundError } from '../errors.js';
import { PACKAGE_ROOT } from '../version.js';
import { migrationChecksum } from './checksum.js';

/** The trading schema's own migrations, shipped with the package. */
export const DEFAULT_MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');

export interface MigrationFile {
  /** The zero-padded file prefix: "001". */
  version: string;
  name: string;
  file: string;
  checksum: string;
  up: string;
  /** Empty when the file has no down section (such a migration cannot be reverted). */
  down: string;
  /**
   * True while the up section holds no statement (a file just made by
   * `migrate create`): listed as pending, refused by `up`.
   */
  empty: boolean;
}

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9_]+)\.sql$/;
const UP_MARKER = /^--\s*migrate:up\s*$/m;
const DOWN_MARKER = /^--\s*migrate:down\s*$/m;

/** Versions compare as numbers: "010" > "9", and `--to 1` means "001". */
export function versionNumber(version: string): number {
  return Number.parseInt(version, 10);
}

/** Reads every `NNN_name.sql` in the folder, ordered by version. */
export function readMigrationFiles(directory: string): MigrationFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch (error) {
    throw new NotFoundError(`cannot read the migrations folder ${directory}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(name);
    if (!match) {
      throw new IntegrityError(`migration file ${name} is not named NNN_name.sql`, {
        hint: 'rename it, e.g. 004_add_fee_currency.sql',
      });
    }
    const file = path.join(directory, name);
    files.push(parseMigration(match[1]!, match[2]!, file, fs.readFileSync(file, 'utf8')));
  }
  files.sort((a, b) => versionNumber(a.version) - versionNumber(b.version));
  for (let index = 1; index < files.length; index++) {
    if (versionNumber(files[index]!.version) === versionNumber(files[index - 1]!.version)) {
      throw new IntegrityError(
        `two migrations share version ${files[index]!.version}: ${path.basename(files[index - 1]!.file)} and ${path.basename(files[index]!.file)}`,
      );
    }
  }
  return files;
}

export function parseMigration(version: string, name: string, file: string, text: string): MigrationFile {
  const upMatch = UP_MARKER.exec(text);
  if (!upMatch) {
    throw new IntegrityError(`${path.basename(file)} has no "-- migrate:up" section`);
  }
  const afterUp = text.slice(upMatch.index + upMatch[0].length);
  const downMatch = DOWN_MARKER.exec(afterUp);
  const up = (downMatch ? afterUp.slice(0, downMatch.index) : afterUp).trim();
  const down = downMatch ? afterUp.slice(downMatch.index + downMatch[0].length).trim() : '';
  return {
    version,
    name,
    file,
    checksum: migrationChecksum(text),
    up,
    down: hasStatements(down) ? down : '',
    empty: !hasStatements(up),
  };
}

/** True if the SQL holds more than comments and white space. */
function hasStatements(sql: string): boolean {
  return (
    sql
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() !== ''
  );
}

/** The text of a new migration with both sections. */
export function migrationTemplate(name: string): string {
  return `-- ${name.replaceAll('_', ' ')}

-- migrate:up


-- migrate:down

`;
}
