import { type ChildProcess, spawn } from 'node:child_process';
import { InternalError, InterruptedError } from '../errors.js';
import { fsError } from '../fs/errors.js';
import type { HashedFile } from './hashing-copy.js';

/**
 * The copier: says "ready" once started; on a line on stdin, copies argv[1]
 * to the new file argv[2] with the kernel's copy (copy_file_range) and says
 * "copied"; then reads the copy back for its sha256 while fsyncing it, and
 * prints {sha256, size_bytes, head} as JSON.
 * A failure prints {code, message} on stderr. Its stdin closing (the parent
 * gone) kills it at once, even mid-copy: the next backup removes what it
 * left in the unfinished folder, as it removes the rest of that folder.
 */
const COPIER = `
const fs = require('node:fs');
const crypto = require('node:crypto');
const [from, to] = process.argv.slice(1);
async function copy() {
  await fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL);
  process.stdout.write('copied\\n');
  const handle = await fs.promises.open(to, 'r');
  const synced = handle.sync();
  const hash = crypto.createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 << 20);
  let size = 0;
  let head = Buffer.alloc(0);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
    if (bytesRead === 0) break;
    if (size === 0) head = Buffer.from(buffer.subarray(0, Math.min(4096, bytesRead)));
    hash.update(buffer.subarray(0, bytesRead));
    size += bytesRead;
  }
  await synced;
  await handle.close();
  return { sha256: hash.digest('hex'), size_bytes: size, head: head.toString('base64') };
}
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  copy().then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error) => {
      process.stderr.write(JSON.stringify({ code: error.code, message: error.message }));
      process.exitCode = 1;
    },
  ).finally(() => process.stdin.destroy());
});
// SIGKILL, not exit(): exit() waits for the copy running on libuv's threads.
process.stdin.on('end', () => process.kill(process.pid, 'SIGKILL'));
`;

/** How a copier starts: by default this process's own runtime, given START_TIMEOUT_MS to say it runs. */
export interface CopierOptions {
  runtime?: string;
  startTimeoutMs?: number;
}

/** A copier process started ahead of the copy: its start-up overlaps the wait for the writer and the CHECKPOINT. */
export interface ChildCopier {
  /**
   * Resolves once the child has started, to true, or to false when it could
   * not start: it exited (or did not say so within START_TIMEOUT_MS, and was
   * ended). Waited for before a service's writes are held, so that they wait
   * for the copy alone; on false the caller copies another way.
   */
  readonly ready: Promise<boolean>;
  /**
   * Copies. Resolves once the copy is whole, from when on the source may
   * change again, with the rest of the job: waiting for the copy's sha256
   * and fsync. Either rejects with the typed file system error (a full disk
   * is DiskFull), or InterruptedError once `signal` fires.
   */
  copy(signal?: AbortSignal): Promise<() => Promise<HashedFile>>;
  /** Ends the child if the copy was never asked for or did not finish. */
  dispose(): void;
  /** The copier's process id, while it runs. */
  readonly pid: number | undefined;
}

/**
 * Why a child: DuckDB locks the database file with POSIX record locks, which
 * belong to the process. Opening the file again in this process and closing
 * it (as fs.copyFile does) would drop the lock while the pool keeps writing;
 * a child's descriptors are its own. And the kernel's copy takes 90-190 ms
 * for a 245 MB file on the 2-core machine of BENCHMARKS.md, where writing
 * the same bytes from this process took 200-900 ms.
 */
export function startChildCopier(from: string, to: string, options: CopierOptions = {}): ChildCopier {
  const { runtime = process.execPath, startTimeoutMs = START_TIMEOUT_MS } = options;
  const env = { ...process.env };
  // Preloads and a thread pool sized for the parent (instrumentation, 64 threads for DuckDB) have
  // no business in the copier, which runs two file operations at a time; nor has a CA bundle
  // (Node reads NODE_EXTRA_CA_CERTS at every start: ~36 ms of CPU beside the service).
  delete env['NODE_OPTIONS'];
  delete env['UV_THREADPOOL_SIZE'];
  delete env['NODE_EXTRA_CA_CERTS'];
  // A service embedded in Electron: its binary runs the script as node would.
  env['ELECTRON_RUN_AS_NODE'] = '1';
  const child: ChildProcess = spawn(runtime, ['-e', COPIER, from, to], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  /** How many whole lines (ready, copied) the child has said. */
  const linesSaid = () => stdout.split('\n').length - 1;
  /** Resolves once the child has said `lines` lines, or has exited. */
  const untilLines = (lines: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (linesSaid() < lines) return;
        child.stdout?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      void exited.then(() => {
        child.stdout?.off('data', check);
        resolve();
      });
      check();
    });
  // A write to a child that already died (spawn failed) must not become an unhandled error.
  child.stdin?.on('error', () => {});
  let stopWatching = () => {};
  const dispose = () => {
    stopWatching();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  /** The child's outcome once it has exited: the copy's hash, or the error that ended it. */
  const outcome = async (signal: AbortSignal | undefined): Promise<HashedFile> => {
    const { code, error } = await exited;
    stopWatching();
    if (signal?.aborted) throw new InterruptedError('interrupted while copying');
    if (error) throw fsError(error, 'starting a copier for', from);
    if (code !== 0) throw copierError(stderr, code, to);
    const result = JSON.parse(stdout.split('\n')[2] ?? '') as {
      sha256: string;
      size_bytes: number;
      head: string;
    };
    return { sha256: result.sha256, size_bytes: result.size_bytes, head: Buffer.from(result.head, 'base64') };
  };
  const ready = Promise.race([
    untilLines(1).then(() => linesSaid() >= 1),
    new Promise<false>((resolve) => setTimeout(resolve, startTimeoutMs, false).unref()),
  ]).then((started) => {
    if (!started) dispose();
    return started;
  });
  return {
    dispose,
    ready,
    pid: child.pid,
    async copy(signal) {
      if (signal?.aborted) {
        dispose();
        throw new InterruptedError('interrupted before copying');
      }
      const abort = () => dispose();
      signal?.addEventListener('abort', abort, { once: true });
      stopWatching = () => signal?.removeEventListener('abort', abort);
      child.stdin?.write('copy\n');
      await untilLines(2);
      if (linesSaid() < 2) {
        // Exited before the copy was whole: its outcome is the error.
        await outcome(signal);
        throw new InternalError('the copier ended without copying');
      }
      return () => outcome(signal);
    },
  };
}

/**
 * How long a copier may take to start before the backup copies another way:
 * node starts in 20-60 ms on the reference machine, seconds under heavy load;
 * a runtime that does not run the script at all (an embedding that is not
 * node) would otherwise hold the backup up for ever.
 */
const START_TIMEOUT_MS = 10_000;

/** The copier's {code, message} as the error the same failure in this process would give. */
function copierError(stderr: string, exitCode: number | null, to: string) {
  let reported: { code?: string; message?: string } = {};
  try {
    reported = JSON.parse(stderr) as typeof reported;
  } catch {
    reported = { message: `the copier exited ${exitCode}: ${stderr.trim().slice(0, 300)}` };
  }
  const cause = Object.assign(new Error(reported.message ?? `the copier exited ${exitCode}`), {
    code: reported.code,
  });
  return fsError(cause, 'writing', to, { missing: 'io' });
}
