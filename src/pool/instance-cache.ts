import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import {
  DatabaseLockedError,
  InternalError,
  InterruptedError,
  IoError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import type { FileHandleLike } from '../fs/port.js';
import { classifyDuckDbError } from './classify.js';
import { engine } from './engine.js';
import { createDatabaseFile, removeStaleCreations } from './new-database-file.js';
import { applySandbox, SANDBOX_INSTANCE_SETTINGS, type Sandbox, sandboxKey } from './sandbox.js';

/**
 * DuckDB must see one instance per file per process: two instances of one
 * file do not see each other's writes, and closing one drops the other's OS
 * lock. This cache hands out that one instance, counted by reference.
 *
 * A sandboxed instance (see sandbox.ts) is never shared with a caller that
 * asked for another sandbox or for none, in either direction: the entry
 * remembers its sandbox and any other request for the file is refused while
 * it is open. The limit that follows: a process that holds the file with
 * full access (a service's own pool) cannot also open it sandboxed for
 * untrusted SQL; that needs its own process.
 */
interface Entry {
  instance: DuckDBInstance;
  readOnly: boolean;
  sandbox: string;
  refs: number;
  /** The one descriptor this process reads the file through while the instance holds it: see heldFileReader. */
  reader?: Promise<FileHandle> | undefined;
}

const entries = new Map<string, Entry>();
const opening = new Map<string, Promise<Entry>>();

export interface OpenInstanceOptions {
  databasePath: string;
  readOnly: boolean;
  /** DuckDB settings given at creation (threads, memory_limit, ...). */
  settings: Record<string, string>;
  /** How long to wait for another process's lock; 0 = fail at once. */
  lockWaitMs: number;
  signal?: AbortSignal | undefined;
  /**
   * Refuse when this process already has the file open (another pool, a
   * service's own connections): DuckDB's file lock cannot tell, since the
   * lock is the process's. Used by restore, which replaces the file.
   */
  exclusive?: boolean | undefined;
  /** Confine the instance (see sandbox.ts); the sandbox is in place before the lease is handed out. */
  sandbox?: Sandbox | undefined;
  /** Session settings every connection needs (TimeZone): a sandbox locks them, so they are set globally first. */
  sandboxGlobals?: Readonly<Record<string, string>> | undefined;
}

export interface InstanceLease {
  instance: DuckDBInstance;
  key: string;
  release(): void;
}

export function isInMemory(databasePath: string): boolean {
  return databasePath === ':memory:' || databasePath === '';
}

/** The key for a file: its real path, so that two spellings of one file share an instance. */
function cacheKey(databasePath: string): string {
  const absolute = path.resolve(databasePath);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** Whether this process has (or is opening) an instance of the file, under any spelling of its path. */
export function isOpenInProcess(databasePath: string): boolean {
  if (isInMemory(databasePath)) return false;
  const key = cacheKey(databasePath);
  return entries.has(key) || opening.has(key);
}

export async function openInstance(options: OpenInstanceOptions): Promise<InstanceLease> {
  if (isInMemory(options.databasePath)) {
    // Every in-memory open is its own database: nothing to share, nothing to lock.
    const instance = await engine().DuckDBInstance.create(':memory:', creationSettings(options));
    try {
      await confine(instance, options);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    return { instance, key: ':memory:', release: () => instance.closeSync() };
  }
  const key = cacheKey(options.databasePath);
  const wanted = sandboxKey(options.sandbox);
  if (options.exclusive && (entries.has(key) || opening.has(key))) {
    throw new DatabaseLockedError(`database ${key} is open elsewhere in this process`, process.pid, {
      hint: 'close the pools that use it before replacing the file',
    });
  }
  let entry = entries.get(key);
  if (!entry) {
    let pending = opening.get(key);
    if (!pending) {
      pending = createWithLockWait(key, options).finally(() => opening.delete(key));
      opening.set(key, pending);
    }
    entry = await pending;
    if (!entries.has(key)) entries.set(key, entry);
  }
  if (entry.sandbox !== wanted) {
    throw new ValidationError(
      options.sandbox
        ? `database ${key} is already open in this process with other access rights; a sandboxed open needs a process of its own`
        : `database ${key} is open sandboxed in this process; close that pool before opening it with full access`,
    );
  }
  if (entry.readOnly && !options.readOnly) {
    throw new ValidationError(
      `database ${key} is already open read-only in this process; close that pool before opening it read-write`,
    );
  }
  // A read-write instance also serves read-only pools of this process: a second instance is not allowed.
  entry.refs += 1;
  const held = entry;
  let released = false;
  return {
    instance: held.instance,
    key,
    release: () => {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs === 0) {
        entries.delete(key);
        held.instance.closeSync();
        // Only now: DuckDB's lock went with its instance, so closing this descriptor drops nothing.
        held.reader?.then((handle) => handle.close()).catch(() => {});
      }
    },
  };
}

/**
 * A read-only handle on `file` while this process holds it open in DuckDB,
 * or undefined when it does not. DuckDB's lock on the file is a POSIX record
 * lock, and POSIX drops every lock a process has on a file as soon as the
 * process closes any descriptor of it: a backup that opened the file, read it
 * and closed it would leave the database unlocked, for another process to
 * open read-write beside the one that writes it. So reads share one
 * descriptor per instance, closed only after the instance is; `close()` on
 * the handle returned does nothing.
 */
export function heldFileReader(file: string): FileHandleLike | undefined {
  if (isInMemory(file)) return undefined;
  const key = cacheKey(file);
  const entry = entries.get(key);
  if (!entry) return undefined;
  return {
    read: async (buffer, offset, length, position) => {
      if (entries.get(key) !== entry) {
        throw new InternalError(`database ${key} was closed while it was being read`);
      }
      entry.reader ??= fsp.open(key, 'r');
      return (await entry.reader).read(buffer, offset, length, position);
    },
    write: () => Promise.reject(new InternalError(`database ${key} is open for reading only here`)),
    sync: async () => {},
    close: async () => {},
  };
}

async function createWithLockWait(file: string, options: OpenInstanceOptions): Promise<Entry> {
  if (options.readOnly && !fs.existsSync(file)) {
    throw new NotFoundError(`no database at ${file}`, {
      hint: 'create it (a writable pool, then MigrationRunner.up()), or check database_path',
      fix: 'create-database',
    });
  }
  if (!options.readOnly) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new IoError(`cannot create the folder for ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    removeStaleCreations(file);
    // Never half-made under its own name, whenever this process is killed.
    if (!fs.existsSync(file)) await createDatabaseFile(file, options.settings);
  }
  const deadline = Date.now() + options.lockWaitMs;
  let delayMs = 25;
  for (;;) {
    try {
      const instance = await engine().DuckDBInstance.create(file, {
        ...creationSettings(options),
        access_mode: options.readOnly ? 'READ_ONLY' : 'READ_WRITE',
      });
      try {
        await confine(instance, options);
      } catch (sandboxError) {
        instance.closeSync();
        throw sandboxError;
      }
      return { instance, readOnly: options.readOnly, sandbox: sandboxKey(options.sandbox), refs: 0 };
    } catch (error) {
      const typed = classifyDuckDbError(error, { databasePath: file });
      if (!(typed instanceof DatabaseLockedError)) throw typed;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        if (options.lockWaitMs > 0) {
          throw new DatabaseLockedError(
            `${typed.message}; still locked after waiting ${options.lockWaitMs} ms`,
            typed.pid,
            { cause: error, hint: 'retry later, or wait longer (pool.lock_wait_ms)', fix: 'wait-for-lock' },
          );
        }
        throw typed;
      }
      await sleep(Math.min(delayMs, remaining), options.signal);
      delayMs = Math.min(delayMs * 2, 1000);
    }
  }
}

function creationSettings(options: OpenInstanceOptions): Record<string, string> {
  return options.sandbox ? { ...options.settings, ...SANDBOX_INSTANCE_SETTINGS } : options.settings;
}

/** Applies the sandbox on a connection of its own, closed before anyone else connects. */
async function confine(instance: DuckDBInstance, options: OpenInstanceOptions): Promise<void> {
  if (!options.sandbox) return;
  const connection = await instance.connect();
  try {
    await applySandbox(connection, options.sandbox, options.sandboxGlobals ?? {});
  } finally {
    connection.closeSync();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new InterruptedError('interrupted while waiting for the database lock'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError('interrupted while waiting for the database lock'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
