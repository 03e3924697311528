import type { TradeDbError } from '../errors.js';

export type MigrationResultStatus = 'applied' | 'reverted' | 'skipped' | 'failed' | 'not_run' | 'planned';

/** What happened to one migration in an `up` or `down` run. */
export interface MigrationResult {
  version: string;
  name: string;
  status: MigrationResultStatus;
  duration_ms: number | null;
  /** The SQL that ran or would run (dry run). */
  sql?: string;
  error?: TradeDbError;
}

/** What a migration run did: each migration with its result, and the error if one failed. */
export interface MigrationReport {
  direction: 'up' | 'down';
  dry_run: boolean;
  results: MigrationResult[];
  /** Set when a migration failed; the results say which and what did not run. */
  error?: TradeDbError;
}
