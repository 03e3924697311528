import path from 'node:path';
import { MigrationFailedError, TradeDbError } from '../errors.js';
import { classifyDuckDbError } from '../pool/classify.js';
import type { Session } from '../pool/session.js';
import type { MigrationFile } from './files.js';
import { splitStatements } from './statements.js';

/**
 * Runs one section of a migration statement by statement on the caller's
 * transaction, so that a failure names the file and the statement. No
 * statement timeout: an index build on a large table may take a while, and
 * Ctrl-C still interrupts it.
 */
export async function runMigrationScript(
  session: Session,
  file: MigrationFile,
  direction: 'up' | 'down',
): Promise<void> {
  const sql = direction === 'up' ? file.up : file.down;
  const label = `${path.basename(file.file)} (${direction})`;
  let extracted: Awaited<ReturnType<Session['connection']['extractStatements']>>;
  try {
    extracted = await session.connection.extractStatements(sql);
  } catch (error) {
    throw new MigrationFailedError(`migration ${label} failed: ${classifyDuckDbError(error).message}`, {
      cause: error,
      hint: 'it was rolled back and the ledger is unchanged for it; fix the file and run again',
    });
  }
  const texts = splitStatements(sql);
  const count = extracted.count;
  for (let index = 0; index < count; index++) {
    const text = texts.length === count ? texts[index]! : `statement ${index + 1}`;
    let prepared: Awaited<ReturnType<typeof extracted.prepare>> | undefined;
    try {
      // Binder errors (an unknown table, say) surface at prepare time, so both steps are inside the try.
      prepared = await session.execute(text, { timeoutMs: 0 }, async () => ({
        value: await extracted.prepare(index),
        rows: 0,
      }));
      const statement = prepared;
      await session.execute(text, { timeoutMs: 0 }, async () => ({ value: await statement.run(), rows: 0 }));
    } catch (error) {
      // Ctrl-C and a full disk are not faults of the migration: they keep their own exit codes.
      if (error instanceof TradeDbError && (error.code === 'INTERRUPTED' || error.code === 'DISK_FULL'))
        throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new MigrationFailedError(
        `migration ${label} failed at statement ${index + 1} of ${count} (${abbreviate(text)}): ${reason}`,
        {
          cause: error,
          hint: 'it was rolled back and the ledger is unchanged for it; fix the file and run again',
        },
      );
    } finally {
      prepared?.destroySync();
    }
  }
}

function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
