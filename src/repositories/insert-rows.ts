import type { ModelSpec } from '../models/column.js';
import { bindRow, placeholders } from '../models/row-codec.js';
import type { Session } from '../pool/session.js';

/** Rows per INSERT statement: a few thousand parameters, and few distinct statements to prepare. */
export const INSERT_BATCH = 200;

/**
 * Inserts model records with multi-row `INSERT ... VALUES` statements on
 * `session` (the caller's transaction makes them atomic). Every value is
 * bound and validated against its column.
 */
export async function insertRows(
  session: Session,
  model: ModelSpec,
  records: readonly object[],
  verb: 'INSERT' | 'INSERT OR REPLACE' = 'INSERT',
): Promise<void> {
  const width = model.columns.length;
  const columns = model.columns.map((column) => column.name).join(', ');
  for (let start = 0; start < records.length; start += INSERT_BATCH) {
    const batch = records.slice(start, start + INSERT_BATCH);
    const values = batch.map((_, index) => `(${placeholders(width, index * width)})`).join(', ');
    await session.run(
      `${verb} INTO ${model.table} (${columns}) VALUES ${values}`,
      batch.flatMap((record) => bindRow(model, record)),
      { table: model.table },
    );
  }
}
