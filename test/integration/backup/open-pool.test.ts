import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BackupProgress, backup, restore, verifyBackup } from '../../../src/admin.js';
import {
  InterruptedError,
  MarketDataRepository,
  Pool,
  type ScaledTick,
  type TradeDbConfig,
  UsageError,
} from '../../../src/index.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { configIn, freshDatabase } from './fixtures.js';

const BATCH = 200;
const START_MICROS = 1_800_000_000_000_000n;

function batch(index: number): ScaledTick[] {
  return Array.from({ length: BATCH }, (_, offset) => {
    const seq = BigInt(index * BATCH + offset);
    return {
      ts: START_MICROS + seq,
      exchange: 'BKP',
      symbol: 'LIVE',
      price: 100_00000000n + seq,
      size: 1_00000000n,
      bid: null,
      ask: null,
      seq,
    };
  });
}

/** Appends batches of ticks, one transaction each, until stopped: a service's ingest. */
function startIngest(pool: Pool) {
  const market = new MarketDataRepository(pool);
  let stopped = false;
  let committed = 0;
  const done = (async () => {
    while (!stopped) {
      await market.appendScaledTicks(batch(committed));
      committed += 1;
    }
  })();
  return {
    committed: () => committed,
    stop: async () => {
      stopped = true;
      await done;
      return committed;
    },
  };
}

async function liveTicks(config: TradeDbConfig, file: string) {
  const pool = await Pool.open({ config: { ...config, database_path: file } });
  try {
    return await pool.withReader((session) =>
      session.one<{ n: bigint; distinct_seqs: bigint; max_seq: bigint | null }>(
        "SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seqs, max(seq) AS max_seq FROM market_ticks WHERE exchange = 'BKP'",
      ),
    );
  } finally {
    await pool.close();
  }
}

describe('backup(pool) of an open pool', () => {
  it('copies a consistent database the first time while another task keeps appending, holding its writes', async () => {
    const { dir, config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    const ingest = startIngest(pool);
    const steps: string[] = [];
    // Let some batches commit first, so the backup holds rows that were written by the live pool.
    while (ingest.committed() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = ingest.committed();
    const progress: BackupProgress[] = [];
    const result = await backup(pool, {
      method: 'file',
      onStep: (name) => void steps.push(name),
      onProgress: (event) => void progress.push(event),
    });
    const after = ingest.committed();
    const total = await ingest.stop();
    await pool.close();

    // One copy, no retry: a copy that raced a checkpoint would have been redone ('copied' twice).
    expect(steps.filter((name) => name === 'copied')).toEqual(['copied']);
    // The ingest kept asking to write during the copy: it waited instead of failing.
    expect(result.writes.writers_waited).toBeGreaterThanOrEqual(1);
    expect(result.writes.longest_wait_ms).toBeLessThanOrEqual(result.writes.held_ms);
    // Structured progress: checkpoint, the copy's bytes up to the file's size, then the check.
    expect(progress.slice(0, 3)).toEqual([
      { phase: 'checkpoint', done: 0, total: 1 },
      { phase: 'checkpoint', done: 1, total: 1 },
      { phase: 'copy', done: 0, total: result.size_bytes },
    ]);
    expect(progress.slice(-3)).toEqual([
      { phase: 'copy', done: result.size_bytes, total: result.size_bytes },
      { phase: 'verify', done: 0, total: 1 },
      { phase: 'verify', done: 1, total: 1 },
    ]);
    expect(total).toBeGreaterThan(after);
    expect((await verifyBackup({ config, path: result.path, deep: true })).ok).toBe(true);

    const target = path.join(dir, 'restored.duckdb');
    await restore({ config: await configIn(dir), backup: result.path, to: target });
    const restored = await liveTicks(config, target);
    // Whole batches only, numbered without a gap: no half-written transaction in the copy.
    const rows = Number(restored!.n);
    expect(rows % BATCH).toBe(0);
    expect(restored!.distinct_seqs).toBe(restored!.n);
    expect(restored!.max_seq).toBe(BigInt(rows - 1));
    expect(rows / BATCH).toBeGreaterThanOrEqual(before);
    expect(rows / BATCH).toBeLessThanOrEqual(after);
  });

  it('backs up with the export method from a reader snapshot, holding no write', async () => {
    const { config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    const result = await backup(pool, { method: 'export' });
    expect(result.writes).toEqual({ held_ms: 0, writers_waited: 0, longest_wait_ms: 0 });
    expect((await verifyBackup({ config, path: result.path })).ok).toBe(true);
  });

  it('refuses the file method on a read-only pool, which cannot checkpoint', async () => {
    const { config } = await freshDatabase();
    const pool = await Pool.open({ config, readOnly: true });
    atTestEnd(() => pool.close());
    await expect(backup(pool, { method: 'file' })).rejects.toBeInstanceOf(UsageError);
  });

  it('is cancelled through its signal: no backup is left, and the writes it held go on', async () => {
    const { config } = await freshDatabase();
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    const controller = new AbortController();
    const cancelled = backup(pool, {
      method: 'file',
      signal: controller.signal,
      onStep: (name) => {
        if (name === 'copied') controller.abort();
      },
    });
    await expect(cancelled).rejects.toThrow(InterruptedError);
    expect(fs.readdirSync(config.backup.directory)).toEqual([]);
    expect(await new MarketDataRepository(pool).appendScaledTicks(batch(0))).toBe(BATCH);
  });
});
