import type { Session } from '../pool/session.js';

export const LEDGER_TABLE = 'schema_migrations';

/** One applied migration, as the ledger records it. */
export interface LedgerRow {
  version: string;
  name: string;
  checksum: string;
  checksum_algorithm: string;
  applied_at: string;
  duration_ms: bigint;
  tool_version: string;
}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  version            VARCHAR PRIMARY KEY,
  name               VARCHAR NOT NULL,
  checksum           VARCHAR NOT NULL,
  checksum_algorithm VARCHAR NOT NULL,
  applied_at         TIMESTAMPTZ NOT NULL,
  duration_ms        BIGINT NOT NULL,
  tool_version       VARCHAR NOT NULL
)`;

export async function ledgerExists(session: Session): Promise<boolean> {
  const row = await session.one(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1",
    [LEDGER_TABLE],
  );
  return Number(row?.['n'] ?? 0) > 0;
}

export async function ensureLedger(session: Session): Promise<void> {
  if (await ledgerExists(session)) return;
  await session.run(CREATE_LEDGER);
  await session.run('CHECKPOINT');
}

export async function readLedger(session: Session): Promise<LedgerRow[]> {
  if (!(await ledgerExists(session))) return [];
  return session.all<LedgerRow & Record<string, never>>(
    `SELECT version, name, checksum, checksum_algorithm, applied_at, duration_ms, tool_version FROM ${LEDGER_TABLE}`,
  );
}

export async function recordApplied(session: Session, row: Omit<LedgerRow, 'applied_at'>): Promise<void> {
  await session.run(
    `INSERT INTO ${LEDGER_TABLE} (version, name, checksum, checksum_algorithm, applied_at, duration_ms, tool_version)
     VALUES ($1, $2, $3, $4, now(), $5, $6)`,
    [row.version, row.name, row.checksum, row.checksum_algorithm, row.duration_ms, row.tool_version],
  );
}

export async function recordReverted(session: Session, version: string): Promise<void> {
  await session.run(`DELETE FROM ${LEDGER_TABLE} WHERE version = $1`, [version]);
}

/** The schema version of a database: its highest applied migration, or undefined. */
export async function schemaVersion(session: Session): Promise<string | undefined> {
  const rows = await readLedger(session);
  let best: string | undefined;
  for (const row of rows) if (best === undefined || Number(row.version) > Number(best)) best = row.version;
  return best;
}
