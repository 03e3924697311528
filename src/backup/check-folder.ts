import path from 'node:path';
import { IntegrityError, NotFoundError } from '../errors.js';
import { listFilesRecursive } from '../fs/durable.js';
import { errnoOf, fsError, io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { hashFile } from './hashing-copy.js';
import { throwIfAborted } from './job.js';
import { type BackupManifest, DATABASE_FILE, MANIFEST_FILE, parseManifest } from './manifest.js';
import { assertReadableStorage, storageNumberOf } from './storage-version.js';

/**
 * How hard to look: `quick` checks the manifest, the file list and sizes
 * (what `list` and a fresh backup use); `full` also reads every file for its
 * sha256 and checks the storage version (what `verify` and `restore` use).
 */
export type CheckLevel = 'quick' | 'full';

/** Reads and parses `manifest.json`; a folder without one is not a (complete) backup. */
export async function loadManifest(fs: FsPort, dir: string): Promise<BackupManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new IntegrityError(`${file} is missing: ${dir} is not a complete backup`, {
        hint: 'an interrupted backup or prune leaves such a folder; use another backup',
      });
    }
    throw fsError(error, 'reading', file);
  }
  return parseManifest(text, file);
}

/** Checks a backup folder against its manifest; the first problem is an IntegrityError naming the file. */
export async function checkBackupFolder(
  fs: FsPort,
  dir: string,
  level: CheckLevel,
  signal?: AbortSignal,
): Promise<BackupManifest> {
  await assertFolder(fs, dir);
  const manifest = await loadManifest(fs, dir);
  await checkBackupFiles(fs, dir, manifest, level, signal);
  return manifest;
}

export async function assertFolder(fs: FsPort, dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await fs.stat(dir)).isDirectory();
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new NotFoundError(`no backup at ${dir}`, {
        hint: 'listBackups() shows the backups',
        fix: 'list-backups',
      });
    }
    throw fsError(error, 'reading', dir);
  }
  if (!isDir) throw new NotFoundError(`${dir} is not a backup folder`);
}

/** The files of a backup against its (already parsed) manifest. */
export async function checkBackupFiles(
  fs: FsPort,
  dir: string,
  manifest: BackupManifest,
  level: CheckLevel,
  signal: AbortSignal | undefined,
): Promise<void> {
  const present = new Set(await listFilesRecursive(fs, dir));
  present.delete(MANIFEST_FILE);
  const listed = new Set(manifest.files.map((file) => file.path));
  for (const file of manifest.files) {
    if (!present.has(file.path)) {
      throw bad(dir, file.path, 'is missing (listed in the manifest)');
    }
  }
  for (const relative of present) {
    if (!listed.has(relative)) throw bad(dir, relative, 'is not in the manifest (an extra file)');
  }
  for (const file of manifest.files) {
    const size = (await io('reading', path.join(dir, file.path), () => fs.stat(path.join(dir, file.path))))
      .size;
    if (size !== file.size_bytes) {
      throw bad(
        dir,
        file.path,
        `is ${size} bytes, the manifest says ${file.size_bytes} (truncated or changed)`,
      );
    }
  }
  if (level === 'quick') return;
  for (const file of manifest.files) {
    throwIfAborted(signal);
    const hashed = await hashFile(fs, path.join(dir, file.path), signal);
    if (hashed.sha256 !== file.sha256) {
      throw bad(dir, file.path, 'does not match its sha256 in the manifest (corrupted or changed)');
    }
    if (manifest.method === 'file' && file.path === DATABASE_FILE) {
      const storageNumber = storageNumberOf(hashed.head);
      if (manifest.storage_version_number !== null && storageNumber !== manifest.storage_version_number) {
        throw bad(dir, file.path, 'has a storage version other than the manifest says');
      }
      await assertReadableStorage(storageNumber, path.join(dir, file.path), manifest.duckdb_version);
    }
  }
}

function bad(dir: string, relative: string, what: string): IntegrityError {
  return new IntegrityError(`backup file ${path.join(dir, relative)} ${what}`, {
    hint: 'this backup cannot be trusted; use another one (listBackups())',
    fix: 'other-backup',
  });
}
