import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { engine } from '../pool/engine.js';
import { quoteLiteral } from '../sql/quote.js';

/** sha256 of a file, read in 1 MiB pieces, as a plain script would. */
export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (data) => hash.update(data))
      .on('end', resolve)
      .on('error', reject);
  });
  return hash.digest('hex');
}

/**
 * The floor of a file backup, in this process: raw-backup.mjs's steps:
 * open read-write (the lock), CHECKPOINT, copy the file, fsync the copy,
 * sha256 of the copy, close.
 */
export async function rawFileBackup(database: string, target: string): Promise<string> {
  const instance = await engine().DuckDBInstance.create(database);
  const connection = await instance.connect();
  try {
    await connection.run('CHECKPOINT');
    await fs.promises.copyFile(database, target);
    const handle = await fs.promises.open(target, 'r');
    await handle.sync();
    await handle.close();
    return await sha256File(target);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** `cp` + sha256 of the copy: the least any verified file backup can do (the database closed and checkpointed). */
export async function copyAndHash(database: string, target: string): Promise<string> {
  await fs.promises.copyFile(database, target);
  return sha256File(target);
}

/** The floor of an export backup: a read-only open, EXPORT DATABASE as Parquet zstd, sha256 of every file. */
export async function rawExportBackup(database: string, folder: string): Promise<number> {
  const instance = await engine().DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    await connection.run(`EXPORT DATABASE ${quoteLiteral(folder)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  let files = 0;
  for (const name of await fs.promises.readdir(folder, { recursive: true })) {
    const full = path.join(folder, name);
    if ((await fs.promises.stat(full)).isFile()) {
      await sha256File(full);
      files += 1;
    }
  }
  return files;
}
