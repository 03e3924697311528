import fs from 'node:fs';
import path from 'node:path';
import {
  AlreadyExistsError,
  IntegrityError,
  MigrationFailedError,
  TradeDbError,
  UsageError,
  ValidationError,
} from '../errors.js';
import { NOOP_OBSERVER, type Observer, trackJob } from '../observability/observer.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import { TOOL_VERSION } from '../version.js';
import { knownVersion, parseTarget, planUp } from './checks.js';
import { CHECKSUM_ALGORITHM } from './checksum.js';
import {
  DEFAULT_MIGRATIONS_DIR,
  type MigrationFile,
  migrationTemplate,
  readMigrationFiles,
  versionNumber,
} from './files.js';
import { ensureLedger, type LedgerRow, readLedger, recordApplied, recordReverted } from './ledger.js';
import type { MigrationStatus } from './plan.js';
import { compareWithLedger } from './plan.js';
import type { MigrationReport, MigrationResult, MigrationResultStatus } from './report.js';
import { runMigrationScript } from './script.js';
import { nextVersion, readAllMigrations } from './sources.js';

export type { MigrationReport, MigrationResult, MigrationResultStatus } from './report.js';

/** The pool a `MigrationRunner` migrates and where its migration files are. */
export interface MigrationRunnerOptions {
  /** The database; undefined when its file does not exist yet (status and validate still work). */
  pool?: Pool | undefined;
  /** Folder of `NNN_name.sql` files. Default: the package's own migrations/. */
  directory?: string;
  /**
   * The project's own migrations folder (the CLI's `migrations.directory`),
   * applied with `directory`'s in one version order; a version in both is
   * refused. A folder that does not exist holds no migrations.
   */
  projectDirectory?: string;
  observer?: Observer;
}

/** Options of `MigrationRunner.up()`. */
export interface UpOptions {
  /** Stop after this version ("001" or "1"). */
  to?: string;
  dryRun?: boolean;
  /** Apply never-applied migrations older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

/** Options of `MigrationRunner.down()`. */
export interface DownOptions {
  /** Keep this version applied and revert everything newer ("0" reverts all). */
  to?: string;
  /** Revert this many of the newest applied migrations (default 1). */
  steps?: number;
  dryRun?: boolean;
}

/**
 * Applies and reverts the SQL migrations, keeping the `schema_migrations`
 * ledger. Each migration and its ledger row commit in one transaction,
 * followed by a CHECKPOINT. A run holds the pool's writer throughout, and the
 * process holds DuckDB's file lock, so two runners never both apply.
 * `up()` and `down()` reject with MigrationFailedError when a migration
 * fails (its `report` says which ran, failed and did not run);
 * `upReport()` and `downReport()` return that report instead of rejecting.
 *
 * @example
 * await new MigrationRunner({ pool }).up();
 */
export class MigrationRunner {
  readonly directory: string;
  readonly projectDirectory: string | undefined;
  private readonly pool: Pool | undefined;
  private readonly observer: Observer;

  constructor(options: MigrationRunnerOptions = {}) {
    this.pool = options.pool;
    this.directory = options.directory ?? DEFAULT_MIGRATIONS_DIR;
    this.projectDirectory = options.projectDirectory;
    this.observer = options.observer ?? options.pool?.observer ?? NOOP_OBSERVER;
  }

  /** Every migration, file or ledger row, with its state; ordered by version. */
  async status(): Promise<MigrationStatus[]> {
    const files = this.files();
    const ledger = this.pool ? await this.pool.withReader(readLedger) : [];
    return compareWithLedger(files, ledger);
  }

  /** The drift: edited, missing and out-of-order migrations. Empty when all is well. */
  async validate(): Promise<MigrationStatus[]> {
    return (await this.status()).filter((status) => status.state !== 'applied' && status.state !== 'pending');
  }

  /**
   * Applies the pending migrations. Rejects with MigrationFailedError (the
   * report attached as `.report`) when one fails: it was rolled back, the
   * ones before it stay applied, the ones after it did not run.
   */
  async up(options: UpOptions = {}): Promise<MigrationReport> {
    return throwOnFailure(await this.upReport(options));
  }

  /** Reverts migrations; rejects as `up()` does when one fails. */
  async down(options: DownOptions = {}): Promise<MigrationReport> {
    return throwOnFailure(await this.downReport(options));
  }

  /** `up()`, returning a failed migration in the report's `error` instead of rejecting. */
  async upReport(options: UpOptions = {}): Promise<MigrationReport> {
    const files = this.files();
    const target =
      options.to === undefined ? Number.POSITIVE_INFINITY : knownVersion(options.to, files, '--to');
    const allowOutOfOrder = options.allowOutOfOrder ?? false;
    if (options.dryRun) {
      // A dry run reads only: a read-only pool, or no database at all, will do.
      const ledger = this.pool ? await this.pool.withReader(readLedger) : [];
      const { skipped, todo } = planUp(files, ledger, target, allowOutOfOrder);
      refuseEmpty(todo);
      const planned = todo.map((file) => ({ ...resultOf(file, 'planned'), sql: file.up }));
      return { direction: 'up', dry_run: true, results: [...skipped.map(asSkipped), ...planned] };
    }
    const pool = this.requirePool();
    return trackJob(
      this.observer,
      'migrate',
      () =>
        pool.withWriter(async (session) => {
          const { skipped, todo } = planUp(files, await readLedger(session), target, allowOutOfOrder);
          refuseEmpty(todo);
          if (todo.length > 0) await ensureLedger(session);
          return this.runEach(session, todo, 'up', skipped.map(asSkipped));
        }),
      (report) => ({
        rows: report.results.filter((result) => result.status === 'applied').length,
        ok: report.error === undefined,
      }),
    );
  }

  /** `down()`, returning a failed migration in the report's `error` instead of rejecting. */
  async downReport(options: DownOptions = {}): Promise<MigrationReport> {
    if (options.to !== undefined && options.steps !== undefined) {
      throw new UsageError('--to and --steps cannot be used together; give one of them');
    }
    const files = this.files();
    const byNumber = new Map(files.map((file) => [versionNumber(file.version), file]));
    const target = options.to === undefined ? undefined : parseTarget(options.to, '--to');
    if (target !== undefined && target !== 0 && !byNumber.has(target)) {
      throw new UsageError(`--to ${options.to}: no migration has that version`);
    }
    const steps = options.steps ?? 1;
    if (!Number.isInteger(steps) || steps < 1)
      throw new UsageError(`--steps ${steps}: expected a positive integer`);
    const pool = this.requirePool();
    return trackJob(
      this.observer,
      'migrate',
      () =>
        pool.withWriter(async (session) => {
          const ledger = (await readLedger(session)).sort(
            (a, b) => versionNumber(b.version) - versionNumber(a.version),
          );
          const chosen =
            target === undefined
              ? ledger.slice(0, steps)
              : ledger.filter((row) => versionNumber(row.version) > target);
          const todo = chosen.map((row) => revertibleFile(row, byNumber));
          if (options.dryRun) {
            const results = todo.map((file) => ({ ...resultOf(file, 'planned'), sql: file.down }));
            return { direction: 'down' as const, dry_run: true, results };
          }
          return this.runEach(session, todo, 'down', []);
        }),
      (report) => ({
        rows: report.results.filter((result) => result.status === 'reverted').length,
        ok: report.error === undefined,
      }),
    );
  }

  /**
   * Writes `<next>_<name>.sql` with both sections into the folder (made if
   * missing) and returns its path. Names are lower-case letters, digits and
   * underscores. With `packagedDirectory`, `directory` is a project folder
   * and the version follows the highest of both.
   */
  static create(
    name: string,
    directory: string = DEFAULT_MIGRATIONS_DIR,
    packagedDirectory?: string,
  ): { version: string; file: string } {
    const cleaned = name
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (!/^[a-z][a-z0-9_]{0,80}$/.test(cleaned)) {
      throw new UsageError(
        `migration name "${name}" must start with a letter and hold only letters, digits, _ and -`,
      );
    }
    fs.mkdirSync(directory, { recursive: true });
    const files = packagedDirectory
      ? readAllMigrations(packagedDirectory, directory)
      : readMigrationFiles(directory);
    const version = nextVersion(files);
    const file = path.join(directory, `${version}_${cleaned}.sql`);
    try {
      fs.writeFileSync(file, migrationTemplate(cleaned), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new AlreadyExistsError(`${file} already exists; not overwriting it`, { cause: error });
      }
      throw error;
    }
    return { version, file };
  }

  /** The schema's migrations and the project's, in version order. */
  private files(): MigrationFile[] {
    return readAllMigrations(this.directory, this.projectDirectory);
  }

  private requirePool(): Pool {
    if (!this.pool) throw new ValidationError('this operation needs an open database');
    if (this.pool.readOnly) throw new ValidationError('migrations need the database open read-write');
    return this.pool;
  }

  /** Runs each migration in its own transaction with its ledger change; stops at the first failure. */
  private async runEach(
    session: Session,
    todo: readonly MigrationFile[],
    direction: 'up' | 'down',
    results: MigrationResult[],
  ): Promise<MigrationReport> {
    const pool = this.requirePool();
    let failure: TradeDbError | undefined;
    for (const file of todo) {
      if (failure) {
        results.push(resultOf(file, 'not_run'));
        continue;
      }
      const started = performance.now();
      try {
        await pool.transaction(async () => {
          await runMigrationScript(session, file, direction);
          if (direction === 'up') {
            await recordApplied(session, {
              version: file.version,
              name: file.name,
              checksum: file.checksum,
              checksum_algorithm: CHECKSUM_ALGORITHM,
              duration_ms: BigInt(Math.round(performance.now() - started)),
              tool_version: TOOL_VERSION,
            });
          } else {
            await recordReverted(session, file.version);
          }
        });
        // A DDL change left only in the WAL can make the file unopenable after a crash: checkpoint now.
        await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
        results.push({
          ...resultOf(file, direction === 'up' ? 'applied' : 'reverted'),
          duration_ms: Math.round(performance.now() - started),
        });
      } catch (error) {
        failure =
          error instanceof MigrationFailedError ||
          !(error instanceof TradeDbError) ||
          error.code === 'VALIDATION'
            ? asMigrationFailure(error, file, direction)
            : error;
        results.push({ ...resultOf(file, 'failed'), error: failure });
        if (failure.code !== 'MIGRATION_FAILED') throw failure;
      }
    }
    return { direction, dry_run: false, results, ...(failure ? { error: failure } : {}) };
  }
}

/** A migration whose up section is still empty (just created) is never applied, nor recorded as applied. */
function refuseEmpty(todo: readonly MigrationFile[]): void {
  const empty = todo.find((file) => file.empty);
  if (empty) {
    throw new IntegrityError(`${empty.file}: the "-- migrate:up" section is empty; nothing was applied`, {
      hint: 'write its SQL under "-- migrate:up" (and the undo under "-- migrate:down"), or delete the file',
    });
  }
}

/**
 * Rejects with the report's failure, the report attached to it. Not
 * enumerable: the report holds the error, and a JSON dump of the error must
 * not loop.
 */
function throwOnFailure(report: MigrationReport): MigrationReport {
  const failure = report.error;
  if (!failure) return report;
  if (failure instanceof MigrationFailedError) {
    Object.defineProperty(failure, 'report', { value: report, enumerable: false, configurable: true });
  }
  throw failure;
}

function resultOf(file: MigrationFile, status: MigrationResultStatus): MigrationResult {
  return { version: file.version, name: file.name, status, duration_ms: null };
}

function asSkipped(file: MigrationFile): MigrationResult {
  return resultOf(file, 'skipped');
}

function asMigrationFailure(error: unknown, file: MigrationFile, direction: string): TradeDbError {
  if (error instanceof MigrationFailedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MigrationFailedError(`migration ${path.basename(file.file)} (${direction}) failed: ${message}`, {
    cause: error,
    hint: 'it was rolled back and the ledger is unchanged for it; fix the file and run again',
  });
}

function revertibleFile(row: LedgerRow, byNumber: ReadonlyMap<number, MigrationFile>): MigrationFile {
  const file = byNumber.get(versionNumber(row.version));
  if (!file) {
    throw new IntegrityError(`cannot revert ${row.version}_${row.name}: its file is missing`);
  }
  if (file.down === '') {
    throw new IntegrityError(
      `cannot revert ${path.basename(file.file)}: it has no "-- migrate:down" section`,
      {
        hint: 'nothing was reverted; add a down section or stop before this version (the `to` option)',
        fix: 'add-down-section',
      },
    );
  }
  return file;
}
