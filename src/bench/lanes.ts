import { inLanes } from '../partitioning/export-batch.js';
import type { Pool } from '../pool/pool.js';

/**
 * Runs the statements in `lanes` lanes at once, each lane on its own reader
 * connection and given consecutive statements: how exportPartitions runs a
 * batch's per-day COPYs (COPY_SLOTS lanes for a table's only batch,
 * COPY_LANES for each of two in flight), without anything around them.
 */
export async function inCopyLanes(pool: Pool, statements: readonly string[], lanes: number): Promise<void> {
  const count = Math.max(1, Math.min(lanes, statements.length));
  await Promise.all(
    inLanes(statements, count).map((lane) =>
      pool.withReader(async (session) => {
        for (const statement of lane) await session.connection.run(statement);
      }),
    ),
  );
}
