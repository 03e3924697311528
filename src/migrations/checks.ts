import path from 'node:path';
import { IntegrityError, UsageError } from '../errors.js';
import { type MigrationFile, versionNumber } from './files.js';
import type { LedgerRow } from './ledger.js';
import { compareWithLedger, type MigrationStatus } from './plan.js';

/**
 * What `up` may and will do, decided before anything runs: drift refusals,
 * the plan, and the checks of `--to`.
 */

/** A migration `up` skips (already applied) or runs. */
export interface UpPlan {
  skipped: MigrationFile[];
  todo: MigrationFile[];
}

/** What `up` would do: applied migrations are skipped, pending ones up to `target` run. */
export function planUp(
  files: readonly MigrationFile[],
  ledger: readonly LedgerRow[],
  target: number,
  allowOutOfOrder: boolean,
): UpPlan {
  const statuses = compareWithLedger(files, ledger);
  refuseDrift(statuses, files, allowOutOfOrder);
  const byVersion = new Map(files.map((file) => [file.version, file]));
  const skipped: MigrationFile[] = [];
  const todo: MigrationFile[] = [];
  for (const status of statuses) {
    const file = byVersion.get(status.version)!;
    if (status.state === 'applied') skipped.push(file);
    else if (versionNumber(status.version) <= target) todo.push(file);
  }
  return { skipped, todo };
}

/** Edited, missing or (unless allowed) out-of-order migrations stop `up` before anything runs. */
export function refuseDrift(
  statuses: readonly MigrationStatus[],
  files: readonly MigrationFile[],
  allowOutOfOrder: boolean,
) {
  const newestFile = Math.max(0, ...files.map((file) => versionNumber(file.version)));
  const newer = statuses.filter(
    (status) => status.state === 'missing' && versionNumber(status.version) > newestFile,
  );
  if (newer.length > 0) {
    throw new IntegrityError(
      `the database was migrated by a newer tradedb: it has migration ${newer.map((s) => `${s.version}_${s.name}`).join(', ')}, which this build does not know`,
      { hint: 'upgrade tradedb before working on this database' },
    );
  }
  const changed = statuses.filter((status) => status.state === 'changed' || status.state === 'missing');
  if (changed.length > 0) {
    throw new IntegrityError(
      `migrations drifted from the database: ${changed.map(describeDrift).join('; ')}`,
      {
        hint: 'restore the applied files as they were; put new changes in a new migration',
      },
    );
  }
  const outOfOrder = statuses.filter((status) => status.state === 'out-of-order');
  if (outOfOrder.length > 0 && !allowOutOfOrder) {
    throw new IntegrityError(
      `out-of-order migrations: ${outOfOrder.map((s) => path.basename(s.file ?? s.version)).join(', ')} ${outOfOrder.length === 1 ? 'is' : 'are'} older than the newest applied one but never applied`,
      {
        hint: 'renumber them after the newest migration, or apply them with `allowOutOfOrder: true`',
        fix: 'allow-out-of-order',
      },
    );
  }
}

export function describeDrift(status: MigrationStatus): string {
  const name = status.file ? path.basename(status.file) : `${status.version}_${status.name}.sql`;
  switch (status.state) {
    case 'changed':
      return `${name} was edited after it was applied`;
    case 'missing':
      return `${name} is applied but its file is missing`;
    case 'out-of-order':
      return `${name} is older than the newest applied migration but was never applied`;
    default:
      return `${name} is ${status.state}`;
  }
}

export function parseTarget(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new UsageError(`${flag} ${text}: expected a migration version such as 001 or 1`);
  return versionNumber(text.trim());
}

export function knownVersion(text: string, files: readonly MigrationFile[], flag: string): number {
  const target = parseTarget(text, flag);
  if (!files.some((file) => versionNumber(file.version) === target)) {
    throw new UsageError(`${flag} ${text}: no migration has that version`);
  }
  return target;
}
