import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { TradeDbConfig } from '../config/schema.js';
import { engine } from '../pool/engine.js';
import { TOOL_VERSION } from '../version.js';
import type { BenchHardware } from './types.js';

/** statfs magic numbers of the file systems a database is likely to sit on. */
const FS_TYPES: Readonly<Record<number, string>> = {
  61267: 'ext4',
  1481003842: 'xfs',
  2435016766: 'btrfs',
  16914836: 'tmpfs',
  2035054128: 'overlayfs',
  26985: 'nfs',
  801189825: 'zfs',
  1702057286: 'fuse',
};

/**
 * The machine, the disk under `folder`, and the versions of Node, DuckDB
 * and tradedb: printed next to every number (a ratio means little without
 * the hardware it was measured on).
 */
export async function collectHardware(folder: string, config: TradeDbConfig): Promise<BenchHardware> {
  const cpus = os.cpus();
  const disk = await fs.promises.statfs(folder);
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cpu_cores: os.availableParallelism(),
    memory_bytes: os.totalmem(),
    load_average: loadAverage(),
    platform: os.platform(),
    kernel: os.release(),
    arch: os.arch(),
    disk: {
      path: folder,
      type: FS_TYPES[disk.type] ?? `0x${disk.type.toString(16)}`,
      total_bytes: disk.blocks * disk.bsize,
      free_bytes: disk.bavail * disk.bsize,
    },
    node: process.version,
    duckdb: await duckdbVersion(),
    duckdb_node_api: nodeApiVersion(),
    tradedb: TOOL_VERSION,
    // Sized by bin/tradedb.cjs; DuckDB calls run on libuv's pool, so it bounds concurrency.
    uv_threadpool_size: process.env['UV_THREADPOOL_SIZE'] ?? null,
    duckdb_threads: config.performance.num_threads,
    duckdb_memory_limit_mb: config.performance.memory_limit_mb,
  };
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = os.loadavg().map((value) => Math.round(value * 100) / 100);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}

async function duckdbVersion(): Promise<string> {
  const instance = await engine().DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT version() AS version');
    return String(reader.getRowObjectsJson()[0]?.['version'] ?? 'unknown');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function nodeApiVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('@duckdb/node-api/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
