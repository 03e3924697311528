import fs from 'node:fs';
import path from 'node:path';

/**
 * The one stale-temp scheme of the jobs: a temporary file or folder names
 * the pid of the process writing it, and is stale once that process is
 * gone. Each job keeps its own name pattern (the crash suites look for
 * them); what counts as stale is decided here.
 */

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
 * The names among `names` that are temporaries of a process that is gone.
 * `pidOf` reads the writer's pid from a name, or undefined for a name that
 * is not one of the caller's temporaries.
 */
export function staleTempNames(
  names: readonly string[],
  pidOf: (name: string) => number | undefined,
): string[] {
  return names.filter((name) => {
    const pid = pidOf(name);
    return pid !== undefined && !isProcessAlive(pid);
  });
}

/** The writer's pid in `.<name>.<pid>[.<n>].tmp`, the temporary of `file` (writeFileAtomic, writeCsvFile). */
function atomicTempPid(file: string): (name: string) => number | undefined {
  const prefix = `.${path.basename(file)}.`;
  return (name) => {
    if (!name.startsWith(prefix)) return undefined;
    const match = /^(\d+)(?:\.\d+)?\.tmp$/.exec(name.slice(prefix.length));
    return match ? Number(match[1]) : undefined;
  };
}

/**
 * Removes the temporary files `.<name>.<pid>[.<n>].tmp` that killed writers
 * of `file` left beside it (see writeFileAtomic, writeCsvFile). A file of a
 * process that still runs is left alone: it may be writing it now.
 */
export function removeStaleTemps(file: string): void {
  removeStaleIn(path.dirname(file), atomicTempPid(file));
}

/** Removes the entries of `dir` that `pidOf` names as temporaries of a process that is gone. */
export function removeStaleIn(dir: string, pidOf: (name: string) => number | undefined): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // No folder: nothing to clean, and the write itself reports the problem.
  }
  for (const name of staleTempNames(names, pidOf)) {
    fs.rmSync(path.join(dir, name), { force: true });
  }
}
