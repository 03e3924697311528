import type { Session } from '../pool/session.js';
import { quoteIdent } from '../sql/quote.js';

/** What a backup records about the database it was taken from. */
export interface DatabaseFacts {
  /** Rows per table: `orders`, or `schema.table` outside the `main` schema. */
  tables: Record<string, number>;
  schema_version: string | null;
  duckdb_version: string;
  storage_version: string;
}

interface TableRef {
  schema_name: string;
  table_name: string;
}

export function tableKey(ref: TableRef): string {
  return ref.schema_name === 'main' ? ref.table_name : `${ref.schema_name}.${ref.table_name}`;
}

/**
 * Row counts, schema version and versions, read on one connection. Run it
 * inside the transaction that takes the snapshot, so counts match what is
 * copied or exported.
 */
export async function readDatabaseFacts(session: Session): Promise<DatabaseFacts> {
  const refs = await session.all<TableRef & Record<string, string>>(
    `SELECT schema_name, table_name FROM duckdb_tables()
      WHERE database_name = current_database() AND NOT internal AND NOT temporary
      ORDER BY schema_name, table_name`,
  );
  const tables: Record<string, number> = {};
  if (refs.length > 0) {
    // One statement for every count: count(*) is answered from metadata, the round trips are the cost.
    const union = refs
      .map(
        (ref, index) =>
          `SELECT ${index} AS i, count(*) AS n FROM ${quoteIdent(ref.schema_name)}.${quoteIdent(ref.table_name)}`,
      )
      .join(' UNION ALL ');
    const counts = await session.all<{ i: number; n: bigint }>(union);
    for (const { i, n } of counts) tables[tableKey(refs[i]!)] = Number(n);
  }
  const hasLedger = refs.some((ref) => ref.schema_name === 'main' && ref.table_name === 'schema_migrations');
  const schema = hasLedger
    ? await session.one<{ v: string | null }>('SELECT max(version) AS v FROM main.schema_migrations')
    : undefined;
  const versions = await session.one<{ duckdb: string; storage: string | null }>(
    `SELECT version() AS duckdb,
            (SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()) AS storage`,
  );
  return {
    tables: Object.fromEntries(Object.entries(tables).sort(([a], [b]) => a.localeCompare(b))),
    schema_version: schema?.v ?? null,
    duckdb_version: versions?.duckdb ?? 'unknown',
    storage_version: versions?.storage ?? 'unknown',
  };
}
