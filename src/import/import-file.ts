import path from 'node:path';
import { ValidationError } from '../errors.js';
import { trackJob } from '../observability/observer.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import { TradeRepository } from '../repositories/trade-repository.js';
import { cancellableOn, throwIfCancelled } from '../util/cancel.js';
import { loadInOneStatement } from './fast-load.js';
import { writeCsvFile } from './rejects-file.js';
import { reportRejects } from './rejects-report.js';
import { type ImportSource, openSource } from './source.js';
import { stageAndCheck } from './staging.js';
import { type ImportTarget, importTarget } from './targets.js';
import { type PlannedFill, planTradeFills } from './trade-fills.js';
import type { ImportOptions, ImportProgress, ImportResult } from './types.js';

const DEFAULT_REPORT_LIMIT = 10;

/**
 * Validated bulk load of ticks, orders or trades from a CSV or Parquet file
 * (`tradedb import`). DuckDB reads the file; every row is
 * checked (required columns, types, enums, signs, at most 8 fractional
 * digits, unique keys, and for trades a fillable order they do not
 * overfill); the load is all-or-nothing in one transaction. A file with
 * problems writes nothing: the result counts the rejects and lists the
 * first ones with their file lines. Trades are recorded as fills
 * (TradeRepository.recordFill), so orders and positions follow. `dryRun`
 * checks only, and works on a read-only pool.
 *
 * @example
 * const result = await importFile(pool, { kind: 'ticks', file: 'ticks.csv' });
 * if (result.rows_rejected > 0) logger.warn(result.rejects);
 */
export async function importFile(pool: Pool, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const target = importTarget(options.kind);
  const file = path.resolve(options.file);
  const name = options.displayName ?? file;
  const dryRun = options.dryRun ?? false;
  const work = (session: Session) =>
    cancellableOn(session, options.signal, IMPORT_CANCELLED, async () => {
      await assertTableExists(session, target.table);
      const source = await openSource(session, target, file, name);
      // Each progress event is also a point where a cancel is noticed.
      const onProgress = (event: ImportProgress) => {
        options.onProgress?.(event);
        throwIfCancelled(options.signal, IMPORT_CANCELLED);
      };
      const outcome = await importSource(pool, session, target, source, { ...options, dryRun, onProgress });
      return {
        kind: options.kind,
        table: target.table,
        file: name,
        format: source.format,
        dry_run: dryRun,
        ...outcome,
        rejects_file: options.rejectsFile ? path.resolve(options.rejectsFile) : null,
        duration_ms: Math.round(performance.now() - started),
      };
    });
  const run = () => (dryRun || pool.readOnly ? pool.withReader(work) : pool.withWriter(work));
  if (dryRun) return run();
  return trackJob(pool.observer, 'import', run, (result) => ({
    rows: Object.values(result.loaded).reduce((sum, rows) => sum + rows, 0),
  }));
}

/** Every load is one transaction, so a cancelled import leaves the tables as they were. */
const IMPORT_CANCELLED = 'import cancelled; no row was loaded';

type Outcome = Pick<ImportResult, 'rows_read' | 'rows_rejected' | 'rejects' | 'loaded'>;

async function importSource(
  pool: Pool,
  session: Session,
  target: ImportTarget,
  source: ImportSource,
  options: ImportOptions & { dryRun: boolean },
): Promise<Outcome> {
  let failedLoad: unknown;
  if (!options.dryRun && target.kind !== 'trades') {
    options.onProgress?.({ phase: 'load', done: 0, total: 1 });
    try {
      const rows = await pool.transaction(async () => {
        const loaded = await loadInOneStatement(session, target, source);
        // Inside the transaction: a rejects file that cannot be written (a full disk) rolls the load back.
        await writeNoRejects(options.rejectsFile, source);
        return loaded;
      });
      pool.observer.rowsWritten(target.table, rows);
      return { rows_read: rows, rows_rejected: 0, rejects: [], loaded: { [target.table]: rows } };
    } catch (error) {
      // A bad row (or a duplicate key) aborted the load and the rollback undid it: find every reject below.
      if (!(error instanceof ValidationError)) throw error;
      failedLoad = error;
    }
  }
  options.onProgress?.({ phase: 'validate', done: 0, total: 1 });
  const staged = await stageAndCheck(session, target, source);
  try {
    const fills =
      target.kind === 'trades' && staged.malformed.length === 0
        ? await planTradeFills(session, staged.staged, staged.rejects)
        : [];
    const report = await reportRejects(session, staged, source, {
      limit: options.reportLimit ?? DEFAULT_REPORT_LIMIT,
      rejectsFile: options.rejectsFile,
    });
    const checked = { rows_read: staged.rowsRead, rows_rejected: report.count, rejects: report.first };
    if (report.count > 0 || options.dryRun) return { ...checked, loaded: {} };
    // Every row passed, yet the one-statement load failed: that failure is the answer.
    if (failedLoad !== undefined) throw failedLoad;
    // Only trades get here (ticks and orders were loaded above). The staged copy is not needed while fills run.
    await staged.drop();
    return { ...checked, loaded: await recordFills(pool, fills, options) };
  } finally {
    await staged.drop();
  }
}

/** Applies the checked fills in one transaction, in the order they were checked. */
async function recordFills(
  pool: Pool,
  fills: readonly PlannedFill[],
  options: ImportOptions,
): Promise<Record<string, number>> {
  const trades = new TradeRepository(pool);
  const orders = new Set<string>();
  const positions = new Set<string>();
  await pool.transaction(async () => {
    for (const [index, planned] of fills.entries()) {
      throwIfCancelled(options.signal, IMPORT_CANCELLED);
      await trades.recordFill(planned.fill);
      orders.add(planned.fill.order_id);
      positions.add(`${planned.exchange}\u0000${planned.symbol}`);
      if ((index + 1) % 100 === 0)
        options.onProgress?.({ phase: 'load', done: index + 1, total: fills.length });
    }
  });
  return { trades: fills.length, orders: orders.size, positions: positions.size };
}

async function writeNoRejects(file: string | undefined, source: ImportSource): Promise<void> {
  if (!file) return;
  await writeCsvFile(
    file,
    [source.format === 'csv' ? 'line' : 'row', 'error', ...source.header],
    (async function* () {})(),
  );
}

async function assertTableExists(session: Session, table: string): Promise<void> {
  const row = await session.one<{ n: bigint }>(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1",
    [table],
  );
  if (!row || row.n === 0n) {
    throw new ValidationError(`the database has no ${table} table`, {
      hint: 'apply the migrations first (MigrationRunner.up())',
      fix: 'apply-migrations',
    });
  }
}
