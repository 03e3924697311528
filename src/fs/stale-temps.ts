import fs from 'node:fs';
import path from 'node:path';

/** Whether a process with this pid exists (on this host): its temporary files are not stale. */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files `.<name>.<pid>[.<n>].tmp` that killed writers
 * of `file` left beside it (see writeFileAtomic, writeCsvFile). A file of a
 * process that still runs is left alone: it may be writing it now.
 */
export function removeStaleTemps(file: string): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // No folder: nothing to clean, and the write itself reports the problem.
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)(?:\.\d+)?\.tmp$/.exec(name.slice(prefix.length));
    if (!match || isProcessAlive(Number(match[1]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}
