import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'vitest';
import { atTestEnd } from './cleanup.js';

/**
 * A real small file system: a tmpfs of `size` mounted at `at` for the
 * current test and unmounted after it. Mounting needs root (CI runs tests
 * as root); elsewhere the test is skipped and the reason printed, so a
 * missing run is never mistaken for a pass.
 */
export function smallFileSystem(at: string, size: string, context: TestContext): string {
  fs.mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'pipe' });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    console.log(
      `skipped: cannot mount a ${size} tmpfs at ${at} (${reason}); run as root to test a full disk`,
    );
    context.skip();
  }
  atTestEnd(() => {
    execFileSync('umount', ['-l', at]);
  });
  return at;
}

/**
 * Fills the file system holding `dir` until at most `room` bytes are left,
 * so that the next writer runs out of space partway through a write.
 */
export function fillUp(dir: string, room: number): void {
  const filler = path.join(dir, '.filler');
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - room));
}
