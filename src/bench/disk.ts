import fs from 'node:fs';
import path from 'node:path';

/** Bytes of every file under `folder` (0 when it does not exist). */
export async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await fs.promises.stat(full)).size;
  }
  return total;
}

export function removeFolder(folder: string): Promise<void> {
  return fs.promises.rm(folder, { recursive: true, force: true });
}
