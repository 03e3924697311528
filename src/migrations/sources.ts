import fs from 'node:fs';
import path from 'node:path';
import { IntegrityError } from '../errors.js';
import { type MigrationFile, readMigrationFiles, versionNumber } from './files.js';

/**
 * Every migration a database gets: the schema's own (shipped with the
 * package) and the project's (its configured folder, which may not exist
 * yet), in one version order. A version used in both is refused, naming
 * both files: which one ran would otherwise depend on the order of reading.
 */
export function readAllMigrations(directory: string, projectDirectory: string | undefined): MigrationFile[] {
  const packaged = readMigrationFiles(directory);
  if (projectDirectory === undefined || path.resolve(projectDirectory) === path.resolve(directory))
    return packaged;
  if (!fs.existsSync(projectDirectory)) return packaged;
  const own = readMigrationFiles(projectDirectory);
  const byVersion = new Map(packaged.map((file) => [versionNumber(file.version), file]));
  for (const file of own) {
    const clash = byVersion.get(versionNumber(file.version));
    if (clash) {
      throw new IntegrityError(
        `migration version ${file.version} is used twice: ${file.file} (the project's) and ${clash.file} (tradedb's schema)`,
        {
          hint: `renumber the project's file; the next free version is ${nextVersion([...packaged, ...own])}`,
        },
      );
    }
  }
  return [...packaged, ...own].sort((a, b) => versionNumber(a.version) - versionNumber(b.version));
}

/** The version after the highest one, zero-padded like the others (at least 3 digits). */
export function nextVersion(files: readonly MigrationFile[]): string {
  const highest = Math.max(0, ...files.map((file) => versionNumber(file.version)));
  const width = Math.max(3, ...files.map((file) => file.version.length));
  return String(highest + 1).padStart(width, '0');
}
