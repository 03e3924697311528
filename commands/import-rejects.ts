import fs from 'node:fs';
import path from 'node:path';
import type { Library } from './cli/library.js';

/**
 * The rejects file of an import that ran in a serving process: the server
 * writes no file its caller names, so it sends the file's text and this
 * process writes it, as the library does (a temporary beside it, fsynced,
 * then renamed over it), with this user's rights.
 */
export interface RejectsCopy {
  /** Appends a piece of the text, in the order received. */
  write(text: string): void;
  /** Makes the file appear whole. */
  commit(): Promise<void>;
  /** Removes the temporary: nothing appears. */
  discard(): Promise<void>;
}

/** Opens the temporary before the import starts: a folder that cannot take the file stops it before anything is loaded. */
export async function openRejectsCopy(lib: Library, file: string): Promise<RejectsCopy> {
  // The name the library's writers use, so that a killed run's temporary is removed by the next one.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const failed = (error: unknown) =>
    new lib.IoError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(temp, 'w');
  } catch (error) {
    throw failed(error);
  }
  let written = Promise.resolve();
  const discard = async () => {
    await written.catch(() => {});
    await handle.close().catch(() => {});
    await fs.promises.rm(temp, { force: true });
  };
  return {
    write: (text) => {
      written = written.then(async () => {
        await handle.write(text);
      });
    },
    commit: async () => {
      try {
        await written;
        await handle.sync();
        await handle.close();
        await fs.promises.rename(temp, file);
        const folder = await fs.promises.open(path.dirname(file), 'r');
        await folder.sync().finally(() => folder.close());
      } catch (error) {
        await discard();
        throw failed(error);
      }
    },
    discard,
  };
}
