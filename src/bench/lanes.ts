import type { Pool } from '../pool/pool.js';

/**
 * Runs the statements in `lanes` lanes at once, each lane on its own reader
 * connection and given consecutive statements: how exportPartitions runs a
 * batch's per-day COPYs (COPY_SLOTS lanes for a table's only batch,
 * COPY_LANES for each of two in flight), without anything around them.
 */
export async function inCopyLanes(pool: Pool, statements: readonly string[], lanes: number): Promise<void> {
  const count = Math.max(1, Math.min(lanes, statements.length));
  const perLane = Math.ceil(statements.length / count);
  await Promise.all(
    Array.from({ length: count }, (_, lane) =>
      pool.withReader(async (session) => {
        for (const statement of statements.slice(lane * perLane, (lane + 1) * perLane)) {
          await session.connection.run(statement);
        }
      }),
    ),
  );
}
