import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegrityError } from '../errors.js';
import { io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { engine } from '../pool/engine.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * DuckDB's storage format number sits in the file's main header: 8 bytes of
 * checksum, the magic `DUCK`, then the version as a little-endian uint64
 * (64 = the v1.0 format, 65 = v1.2, ... 68 = v1.5). A build reads the
 * numbers from 64 up to the one it writes with STORAGE_VERSION 'latest'.
 */
const MAGIC_OFFSET = 8;
const VERSION_OFFSET = 12;
/** Every DuckDB since 0.10 reads the v1.0 format (64); nothing older is readable. */
const OLDEST_READABLE = 64;

/** The storage format number in a database file header, or undefined if it is not a DuckDB file. */
export function storageNumberOf(head: Uint8Array): number | undefined {
  const buffer = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buffer.length < VERSION_OFFSET + 8) return undefined;
  if (buffer.toString('latin1', MAGIC_OFFSET, MAGIC_OFFSET + 4) !== 'DUCK') return undefined;
  const version = buffer.readBigUInt64LE(VERSION_OFFSET);
  return version > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(version);
}

export async function readStorageNumber(fsPort: FsPort, file: string): Promise<number | undefined> {
  const handle = await io('opening', file, () => fsPort.open(file, 'r'));
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await io('reading', file, () => handle.read(head, 0, head.length, 0));
    return storageNumberOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close().catch(() => {});
  }
}

export interface StorageRange {
  min: number;
  max: number;
}

let probed: Promise<StorageRange> | undefined;

/**
 * The storage numbers this build of DuckDB reads. Asked of the engine once
 * per process (a tiny database written with STORAGE_VERSION 'latest'), not
 * hard-coded, so a DuckDB upgrade moves it without a code change.
 */
export function readableStorageRange(): Promise<StorageRange> {
  probed ??= probeNewestStorage().then((max) => ({ min: OLDEST_READABLE, max }));
  return probed;
}

async function probeNewestStorage(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-storage-probe-'));
  const file = path.join(dir, `${crypto.randomBytes(4).toString('hex')}.duckdb`);
  const instance = await engine().DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run(`ATTACH ${quoteLiteral(file)} AS storage_probe (STORAGE_VERSION 'latest')`);
      await connection.run('DETACH storage_probe');
    } finally {
      connection.closeSync();
    }
    const head = Buffer.alloc(64);
    const handle = fs.openSync(file, 'r');
    try {
      fs.readSync(handle, head, 0, head.length, 0);
    } finally {
      fs.closeSync(handle);
    }
    return storageNumberOf(head) ?? OLDEST_READABLE;
  } finally {
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Refuses a database file this build cannot read, before anything is copied or replaced. */
export async function assertReadableStorage(
  storageNumber: number | undefined,
  file: string,
  duckdbVersion: string,
): Promise<void> {
  if (storageNumber === undefined) {
    throw new IntegrityError(`${file} is not a DuckDB database file (no DUCK header)`);
  }
  const range = await readableStorageRange();
  if (storageNumber < range.min || storageNumber > range.max) {
    throw unreadableStorage(file, storageNumber, range, duckdbVersion);
  }
}

function unreadableStorage(
  file: string,
  storageNumber: number,
  range: StorageRange,
  duckdbVersion: string,
): IntegrityError {
  const newer = storageNumber > range.max;
  return new IntegrityError(
    `${file} uses DuckDB storage version ${storageNumber}; this build reads ${range.min} to ${range.max} (the backup was made by ${duckdbVersion})`,
    {
      hint: newer
        ? 'restore it with a tradedb built on a newer DuckDB, or make an export backup there (portable across versions)'
        : 'restore it with the DuckDB version that wrote it and make an export backup',
    },
  );
}

/**
 * DuckDB's own refusal (`Trying to read a database file with version number
 * N, but we can only read ...`) as an IntegrityError; undefined for other errors.
 */
export function storageErrorFrom(error: unknown, file: string): IntegrityError | undefined {
  // The pool wraps DuckDB's error (keeping only its first line): look at the whole chain.
  let message = '';
  for (let link: unknown = error; link !== undefined && link !== null; link = (link as Error).cause) {
    message += `${link instanceof Error ? link.message : String(link)}\n`;
    if (!(link instanceof Error)) break;
  }
  const match = /Trying to read a database file with version number (\d+), but we can only read[^\n]*/.exec(
    message,
  );
  if (!match) return undefined;
  return new IntegrityError(`${file}: DuckDB cannot read this storage version (${match[0]})`, {
    cause: error,
    hint: 'restore it with a tradedb built on a newer DuckDB, or use an export backup',
  });
}
