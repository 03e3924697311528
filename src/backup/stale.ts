import path from 'node:path';
import { errnoOf, fsError } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { staleTempNames } from '../fs/stale-temps.js';
import { parseTempName, restoreTempPid } from './naming.js';

/**
 * Removes the `.tmp-*` folders in the backup folder whose process is gone
 * (a backup, verify or prune that was killed). Folders of live processes
 * are left alone: another backup may be running. Best effort: a folder that
 * cannot be removed now is tried again next time. Returns the names removed.
 */
export async function cleanStaleTemps(fs: FsPort, root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of staleTempNames(await namesIn(fs, root), (name) => parseTempName(name)?.pid)) {
    try {
      await fs.rm(path.join(root, name));
      removed.push(name);
    } catch {
      // Left for the next run; it is never mistaken for a backup meanwhile.
    }
  }
  return removed;
}

/** The same for the temporary databases a killed restore left next to its target. */
export async function cleanStaleRestoreTemps(fs: FsPort, target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const removed: string[] = [];
  for (const name of staleTempNames(await namesIn(fs, dir), (name) => restoreTempPid(name, base))) {
    try {
      await fs.rm(path.join(dir, name));
      removed.push(name);
    } catch {
      // Next time.
    }
  }
  return removed;
}

async function namesIn(fs: FsPort, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).map((entry) => entry.name);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw fsError(error, 'reading', dir);
  }
}
