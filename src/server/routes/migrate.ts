import { UsageError } from '../../errors.js';
import type { MigrationStatus } from '../../migrations/plan.js';
import type { MigrationReport, MigrationResult } from '../../migrations/report.js';
import { MigrationRunner } from '../../migrations/runner.js';
import type { Pool } from '../../pool/pool.js';
import type { ArgReader } from '../args.js';
import { defineRoute, type RouteContext } from '../route.js';
import { errorFromWire, errorToWire, type WireError } from '../wire.js';

/** A MigrationReport as plain data: its errors as WireErrors, so it crosses the endpoint whole. */
export interface MigrationRunReport {
  direction: MigrationReport['direction'];
  dry_run: boolean;
  results: Array<Omit<MigrationResult, 'error'> & { error?: WireError }>;
  error?: WireError;
}

export function migrationReportToWire(report: MigrationReport): MigrationRunReport {
  return {
    direction: report.direction,
    dry_run: report.dry_run,
    results: report.results.map(({ error, ...result }) => ({
      ...result,
      ...(error ? { error: errorToWire(error) } : {}),
    })),
    ...(report.error ? { error: errorToWire(report.error) } : {}),
  };
}

/** The report `migrationReportToWire` was given, its errors typed again (same class, exit code, hint). */
export function migrationReportFromWire(report: MigrationRunReport): MigrationReport {
  return {
    direction: report.direction,
    dry_run: report.dry_run,
    results: report.results.map(({ error, ...result }) => ({
      ...result,
      ...(error ? { error: errorFromWire(error) } : {}),
    })),
    ...(report.error ? { error: errorFromWire(report.error) } : {}),
  };
}

/** The folder a migrate route may be given: only by a caller that opened the database itself. */
interface FolderArgs {
  directory: string | undefined;
}

function readFolder(args: ArgReader): FolderArgs {
  return { directory: args.string('directory') };
}

/**
 * The runner of a migrate route. Migration files are SQL the serving
 * process would run with its own rights: through the endpoint they come
 * only from its own config (`migrations.directory` and tradedb's schema),
 * never from a folder the caller names.
 */
function runnerFor(pool: Pool, { directory }: FolderArgs, context: RouteContext): MigrationRunner {
  if (directory !== undefined && context.remote) {
    throw new UsageError('the migrations of a live server come from its own config, not from the caller', {
      hint: "drop --migrations-dir, or set migrations.directory in the serving process's config",
    });
  }
  return new MigrationRunner({
    pool,
    ...(directory !== undefined ? { directory } : { projectDirectory: pool.config.migrations.directory }),
  });
}

/** `migrate/status`: every migration, file or ledger row, with its state. */
export const migrateStatusRoute = defineRoute({
  path: 'migrate/status',
  access: 'read',
  summary: 'every migration and its state, by version',
  parse: readFolder,
  run: (pool, folder, context): Promise<MigrationStatus[]> => runnerFor(pool, folder, context).status(),
});

/** `migrate/validate`: the drift (edited, missing, out-of-order migrations); empty when all is well. */
export const migrateValidateRoute = defineRoute({
  path: 'migrate/validate',
  access: 'read',
  summary: 'the migrations that drifted from the ledger',
  parse: readFolder,
  run: (pool, folder, context): Promise<MigrationStatus[]> => runnerFor(pool, folder, context).validate(),
});

/** `migrate/up`: applies the pending migrations (up to `to`), or with `dryRun` plans them. */
export const migrateUpRoute = defineRoute({
  path: 'migrate/up',
  access: 'write',
  summary: 'apply pending migrations (or plan them with dryRun)',
  parse: (args) => ({
    ...readFolder(args),
    to: args.string('to'),
    dryRun: args.boolean('dryRun'),
    allowOutOfOrder: args.boolean('allowOutOfOrder'),
  }),
  async run(pool, { to, dryRun, allowOutOfOrder, ...folder }, context): Promise<MigrationRunReport> {
    const report = await runnerFor(pool, folder, context).upReport({ to, dryRun, allowOutOfOrder });
    return migrationReportToWire(report);
  },
});
