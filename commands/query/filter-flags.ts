import type { Command } from 'commander';
import type { ModelSpec } from '../../src/admin.js';
import type { Condition, SortKey } from '../../src/index.js';
import { asUsage, integerFlag } from '../cli/flags.js';
import type { Library } from '../cli/library.js';

/** The list flags every `query` list command takes. */
export interface ListFlags {
  where?: string[];
  orderBy?: string;
  limit?: string;
  offset?: string;
  since?: string;
  until?: string;
}

/** What the flags become: the ListOptions and TimeRange of a repository's filter. */
export interface ListArgs {
  where: Condition[];
  orderBy: SortKey[] | undefined;
  limit: number;
  offset: number | undefined;
  since: string | undefined;
  until: string | undefined;
  /** The instant relative times were counted back from. */
  now: Date;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--where` (repeatable), `--order-by`, `--limit`, `--offset`. */
export function addListOptions(command: Command): Command {
  return command
    .option('--where <column<op>value>', 'condition, repeatable; op: = != > >= < <= ~ (contains)', collect)
    .option('--order-by <column[:asc|desc]>', 'sort by a column (default: newest first)')
    .option('--limit <n>', 'at most this many rows (default 100, at most 100000)')
    .option('--offset <n>', 'skip this many rows first');
}

/** `--since` (inclusive) and `--until` (exclusive). */
export function addTimeOptions(command: Command): Command {
  return command
    .option('--since <time>', 'from this time: 2026-11-27, 2026-11-27T08:00:00Z, -15m, -2h, -7d')
    .option('--until <time>', 'before this time (same forms)');
}

/**
 * Parses and checks the list flags against `model` before anything is
 * opened: an unknown column, operator or sort direction, a value that does
 * not fit its column, or a malformed time is a usage error naming the flag.
 */
export function parseListFlags(lib: Library, model: ModelSpec, flags: ListFlags): ListArgs {
  const now = new Date();
  const where = (flags.where ?? []).map((text) => {
    const label = `--where "${text}"`;
    const condition = asUsage(lib, label, () => lib.parseWhere(text));
    checkConditions(lib, model, label, [condition], now);
    return condition;
  });
  let orderBy: SortKey[] | undefined;
  if (flags.orderBy !== undefined) {
    const label = `--order-by "${flags.orderBy}"`;
    orderBy = asUsage(lib, label, () => lib.parseOrderBy(flags.orderBy!));
    asUsage(lib, label, () => lib.buildSelect(model, [], { orderBy }));
  }
  const time = (text: string | undefined, flag: string) =>
    text === undefined ? undefined : asUsage(lib, flag, () => lib.parseTimeIso(text, { now, what: flag }));
  return {
    where,
    orderBy,
    limit: integerFlag(lib, flags.limit, '--limit', 1, lib.MAX_LIST_LIMIT) ?? lib.DEFAULT_LIMIT,
    offset: integerFlag(lib, flags.offset, '--offset', 0),
    since: time(flags.since, '--since'),
    until: time(flags.until, '--until'),
    now,
  };
}

/**
 * Checks a typed filter flag (`--status open`) as the condition the
 * repository will build from it, so a bad value is a usage error (64).
 */
export function checkNamedFlag(
  lib: Library,
  model: ModelSpec,
  flag: string,
  column: string,
  value: string | undefined,
): void {
  if (value === undefined) return;
  checkConditions(lib, model, `--${flag} "${value}"`, [{ column, op: '=', value }], new Date());
}

function checkConditions(
  lib: Library,
  model: ModelSpec,
  label: string,
  conditions: Condition[],
  now: Date,
): void {
  asUsage(lib, label, () => lib.buildSelect(model, conditions, { now }));
}
