import { UsageError } from '../errors.js';
import { classifyDuckDbError } from '../pool/classify.js';
import type { ResultSet, Session } from '../pool/session.js';
import { checkReadOnlySql, type SqlGuardOptions } from './sql-guard.js';

/**
 * Streams the result of one ad-hoc SELECT inside a READ ONLY transaction.
 * Anything else (several statements, another statement type, a table
 * function off the allow-list) is refused before it runs; see sql-guard.ts.
 * For SQL from someone else, run it on a pool opened with `sandbox` too.
 */
export async function* runReadOnlySql(
  session: Session,
  sql: string,
  params: Readonly<Record<string, string>> = {},
  options: SqlGuardOptions = {},
): AsyncGenerator<ResultSet> {
  await checkReadOnlySql(session.connection, sql, options);
  // The transaction is plumbing, not a statement of the caller's: it bypasses the session's metrics and spans.
  await plumbing(session, 'BEGIN TRANSACTION READ ONLY');
  let committed = false;
  try {
    yield* session.stream(sql, Object.keys(params).length > 0 ? params : undefined);
    await plumbing(session, 'COMMIT');
    committed = true;
  } finally {
    // Also reached when the consumer stops early (`| head`) or the statement fails.
    if (!committed) await plumbing(session, 'ROLLBACK').catch(() => undefined);
  }
}

async function plumbing(session: Session, sql: string): Promise<void> {
  try {
    await session.connection.run(sql);
  } catch (error) {
    throw classifyDuckDbError(error);
  }
}

/** `["sym=BTC", "n=3"]` -> `{ sym: "BTC", n: "3" }`; values stay text and DuckDB casts them where they are used. */
export function parseNamedParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(pair);
    if (!match) {
      throw new UsageError(`--param "${pair}" is not name=value`, { hint: 'e.g. --param symbol=BTC-USD' });
    }
    params[match[1]!] = match[2]!;
  }
  return params;
}
