import { COPY_LANES } from '../partitioning/export-batch.js';
import type { Pool } from '../pool/pool.js';

/**
 * Runs the statements in COPY_LANES lanes at once, each lane on its own
 * reader connection, statements dealt round-robin: how exportPartitions
 * runs a batch's per-day COPYs, without anything around them.
 */
export async function inCopyLanes(pool: Pool, statements: readonly string[]): Promise<void> {
  const lanes = Math.max(1, Math.min(COPY_LANES, statements.length));
  await Promise.all(
    Array.from({ length: lanes }, (_, lane) =>
      pool.withReader(async (session) => {
        for (let index = lane; index < statements.length; index += lanes) {
          await session.connection.run(statements[index]!);
        }
      }),
    ),
  );
}
