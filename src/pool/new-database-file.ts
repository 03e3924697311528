import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncPath } from '../fs/atomic-write.js';
import { errnoOf, fsError } from '../fs/errors.js';
import { removeStaleIn } from '../fs/stale-temps.js';
import { classifyDuckDbError } from './classify.js';
import { engine } from './engine.js';

/**
 * Creates the database file `file` (which does not exist) all at once.
 *
 * DuckDB creates a new database in place: the file exists before its
 * headers are written, and a process killed in between (an operator's
 * kill -9 of the first `tradedb migrate up`) leaves a file DuckDB refuses
 * to open ("not a valid DuckDB database file") until someone removes it.
 * So DuckDB creates it under a temporary name beside it, the instance is
 * closed (its headers written), the file fsynced, and only then linked in
 * under its name: a hard link never replaces a database another process
 * created meanwhile (EEXIST: that one is kept and opened). A kill leaves at
 * most the temporary, which the next writable open removes
 * (removeStaleCreations).
 *
 * Where the file system has no hard links, DuckDB creates the file in place,
 * as before.
 */
export async function createDatabaseFile(file: string, settings: Record<string, string>): Promise<void> {
  const random = crypto.randomBytes(4).toString('hex');
  const temp = path.join(path.dirname(file), `${creationPrefix(file)}${process.pid}-${random}`);
  try {
    try {
      (await engine().DuckDBInstance.create(temp, settings)).closeSync();
    } catch (error) {
      // DuckDB names the file it was creating: the operator knows it by its own name.
      const message = (error instanceof Error ? error.message : String(error)).replaceAll(temp, file);
      throw classifyDuckDbError(new Error(message, { cause: error }), { databasePath: file });
    }
    try {
      fsyncPath(temp);
      link(temp, file);
      fsyncPath(path.dirname(file));
    } catch (error) {
      throw fsError(error, 'creating the database', file, { missing: 'io' });
    }
  } finally {
    for (const leftover of [temp, `${temp}.wal`]) fs.rmSync(leftover, { force: true });
  }
}

/** `temp` under the name `file`, unless a file is there already (another process created it first: theirs is kept). */
function link(temp: string, file: string): void {
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') return;
    // No hard links on this file system: its creation in place, the old way.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return;
    throw error;
  }
}

/** `.<name>.creating-`: what the temporary names of `file` start with, before `<pid>-<random>`. */
function creationPrefix(file: string): string {
  return `.${path.basename(file)}.creating-`;
}

/**
 * Removes the temporaries (and their `.wal`) that killed creations left in
 * `file`'s folder: of `file`, and of any other database created there (a
 * restore's temporary database has a name of its own each time).
 */
export function removeStaleCreations(file: string): void {
  removeStaleIn(path.dirname(file), (name) => {
    const match = /^\..+\.creating-(\d+)-[0-9a-f]{8}(?:\.wal)?$/.exec(name);
    return match ? Number(match[1]) : undefined;
  });
}
