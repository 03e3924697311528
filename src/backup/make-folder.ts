import { AlreadyExistsError } from '../errors.js';
import { errnoOf, fsError } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';

/**
 * Makes a folder and its parents when missing (`backup --out`); a file in
 * its way is refused by name (exit 73), not reported as a raw EEXIST.
 */
export async function makeFolder(fs: FsPort, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw fsError(error, 'creating', dir);
    throw new AlreadyExistsError(`${dir} is a file, or lies under one: backups go in a folder`, {
      cause: error,
      hint: 'give backup.directory (or the directory option) a folder, new or existing',
      fix: 'backup-folder',
    });
  }
}
