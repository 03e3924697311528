import { UsageError, ValidationError } from '../errors.js';
import { classifyDuckDbError } from '../pool/classify.js';
import type { ResultSet, Session } from '../pool/session.js';

/**
 * Streams the result of one ad-hoc statement. Several statements are
 * refused: a read-only open already refuses writes, and one statement per
 * call keeps `;`-joined payloads out.
 */
export async function* runReadOnlySql(
  session: Session,
  sql: string,
  params: Readonly<Record<string, string>> = {},
): AsyncGenerator<ResultSet> {
  let count: number;
  try {
    count = (await session.connection.extractStatements(sql)).count;
  } catch (error) {
    throw classifyDuckDbError(error);
  }
  if (count !== 1) {
    throw new ValidationError(`expected exactly one SQL statement, got ${count}`, {
      hint: 'run statements one at a time',
    });
  }
  yield* session.stream(sql, Object.keys(params).length > 0 ? params : undefined);
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
