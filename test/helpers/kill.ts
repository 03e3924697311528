import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * SIGKILLs a child so that it dies between system calls, never inside one.
 *
 * A SIGKILL that arrives while a thread is inside write(2) to a regular file
 * cuts the write at a page boundary (Linux checks for a fatal signal between
 * pages): a torn write, as a power loss would leave. DuckDB 1.5's CHECKPOINT
 * rewrites in place a metadata block the current header still points to
 * (256 KB in one pwrite), so a kill inside that one write leaves a file that
 * fails its block checksum when opened ("Corrupt database file: computed
 * checksum ... in block at location 12288"), which nothing above DuckDB can
 * prevent (README, "What a crash can do"). The kill tests are about
 * tradedb's own atomicity (temporary names, fsync, rename, transactions),
 * which holds between system calls; so they kill the way this does: SIGSTOP
 * first, which lets a write in flight finish (a stop is not a fatal signal),
 * and SIGKILL once every thread has stopped.
 */
export async function killBetweenSystemCalls(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGSTOP');
  const deadline = Date.now() + 10_000;
  while (!everyThreadStopped(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  child.kill('SIGKILL');
}

/** True once each thread of `pid` is stopped or gone (or when /proc cannot tell: then kill at once). */
function everyThreadStopped(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  return tasks.every((task) => {
    try {
      // The state is the field after the command name, which is in parentheses and may hold spaces.
      const stat = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const state = stat[stat.lastIndexOf(')') + 2];
      return state !== undefined && 'tTZX'.includes(state);
    } catch {
      return true;
    }
  });
}
