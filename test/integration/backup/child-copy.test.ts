import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startChildCopier } from '../../../src/backup/child-copy.js';
import { InterruptedError, IoError } from '../../../src/index.js';
import { ROOT, spawnScript, waitFor } from '../../helpers/bin.js';
import { tempDir } from '../../helpers/temp.js';

/** A file of `bytes` random bytes. */
function randomFile(dir: string, bytes: number): string {
  const file = path.join(dir, 'source.bin');
  fs.writeFileSync(file, crypto.randomBytes(bytes));
  return file;
}

/** Whether `pid` runs: an exited process nobody has reaped yet (a zombie, state Z) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The file method's copier: a child process that copies the database file
 * with the kernel's copy, because a descriptor of the file opened and closed
 * in the pool's process would drop DuckDB's lock (keeps-lock.test.ts checks
 * the lock; this checks the copier itself).
 */
describe('the child copier', () => {
  it('copies the file, and reports its sha256, size and first 4 KiB as written', async () => {
    const dir = tempDir();
    const source = randomFile(dir, 9 << 20);
    const target = path.join(dir, 'copy.bin');
    const copier = startChildCopier(source, target);
    const finish = await copier.copy();
    // Whole once copy() resolves: the hash and fsync that follow only read it.
    expect(fs.readFileSync(target).equals(fs.readFileSync(source))).toBe(true);
    const copied = await finish();
    const bytes = fs.readFileSync(source);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
    expect(copied).toEqual({
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      size_bytes: bytes.length,
      head: bytes.subarray(0, 4096),
    });
  });

  it('never overwrites: an existing target is an IoError and is left as it was', async () => {
    const dir = tempDir();
    const source = randomFile(dir, 64 * 1024);
    const target = path.join(dir, 'copy.bin');
    fs.writeFileSync(target, 'already here');
    const error = await startChildCopier(source, target)
      .copy()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IoError);
    expect((error as IoError).message).toContain(target);
    expect(fs.readFileSync(target, 'utf8')).toBe('already here');
  });

  it('stops on its signal with InterruptedError, mid-copy or before, and the child is gone', async () => {
    const dir = tempDir();
    // A FIFO nobody writes: the copy blocks opening it, so the signal finds it running.
    const fifo = path.join(dir, 'never-written.fifo');
    execFileSync('mkfifo', [fifo]);
    const copier = startChildCopier(fifo, path.join(dir, 'copy.bin'));
    await copier.ready;
    const controller = new AbortController();
    const running = copier.copy(controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(InterruptedError);
    expect(alive(copier.pid!)).toBe(false);

    const early = startChildCopier(randomFile(dir, 64 * 1024), path.join(dir, 'early.bin'));
    await expect(early.copy(AbortSignal.abort())).rejects.toBeInstanceOf(InterruptedError);
    await waitFor(() => !alive(early.pid!), 10_000, 'the copier to end');
    expect(fs.existsSync(path.join(dir, 'early.bin'))).toBe(false);
  });

  it('says it could not start when its runtime does not run it, or not in time, and is then gone', async () => {
    const dir = tempDir();
    const source = randomFile(dir, 64 * 1024);
    const refused = startChildCopier(source, path.join(dir, 'refused.bin'), { runtime: '/bin/false' });
    expect(await refused.ready).toBe(false);
    // A runtime that starts but never runs the script (an embedding that is not node).
    const silent = path.join(dir, 'silent-runtime.sh');
    fs.writeFileSync(silent, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    const slow = startChildCopier(source, path.join(dir, 'slow.bin'), {
      runtime: silent,
      startTimeoutMs: 300,
    });
    expect(await slow.ready).toBe(false);
    await waitFor(() => !alive(slow.pid!), 10_000, 'the silent copier to end');
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.bin') && name !== 'source.bin')).toEqual([]);
    const fine = startChildCopier(source, path.join(dir, 'fine.bin'));
    expect(await fine.ready).toBe(true);
    fine.dispose();
  });

  it('ends when disposed unused, and when the process that started it dies', async () => {
    const dir = tempDir();
    const source = randomFile(dir, 64 * 1024);
    const unused = startChildCopier(source, path.join(dir, 'unused.bin'));
    unused.dispose();
    await waitFor(() => !alive(unused.pid!), 10_000, 'the disposed copier to end');

    // A parent killed with SIGKILL mid-copy cannot dispose of it: the copier sees its stdin close and ends.
    // The source is a FIFO nobody writes, so the copy is still running (blocked opening it) when the parent dies.
    const fifo = path.join(dir, 'never-written.fifo');
    execFileSync('mkfifo', [fifo]);
    const module = pathToFileURL(path.join(ROOT, 'dist', 'src', 'backup', 'child-copy.js')).href;
    const parent = spawnScript(
      `const { startChildCopier } = await import(${JSON.stringify(module)});
       const copier = startChildCopier(${JSON.stringify(fifo)}, ${JSON.stringify(path.join(dir, 'orphan.bin'))});
       process.stdout.write(String(copier.pid));
       await copier.copy();`,
      { cwd: ROOT },
    );
    await waitFor(() => parent.output().stdout !== '', 20_000, 'the copier to start');
    const pid = Number(parent.output().stdout);
    // Its own start-up done and the copy asked for: give the copier time to block on the FIFO.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alive(pid)).toBe(true);
    parent.child.kill('SIGKILL');
    await parent.done;
    // Killed in any case: a copier that outlived the check would wait on the FIFO forever.
    await waitFor(() => !alive(pid), 10_000, 'the orphaned copier to end').finally(() => {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    });
  });
});
