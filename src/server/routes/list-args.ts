import { UsageError, ValidationError } from '../../errors.js';
import type { ModelSpec } from '../../models/column.js';
import { type Condition, FILTER_OPERATORS, type SortKey } from '../../query/filter.js';
import { parseTimeIso } from '../../query/parse-time.js';
import { buildSelect } from '../../query/select.js';
import { namedConditions } from '../../repositories/filters.js';
import type { ArgReader } from '../args.js';

/**
 * The most rows one list call returns. A page is built in memory and sent
 * whole, so a caller of the endpoint must not make the serving process
 * hold millions of rows; `--limit` has the same bound.
 */
export const MAX_LIST_LIMIT = 100_000;

/** `--where` conditions one list call may carry: far more than any command line, far fewer than a flood. */
export const MAX_LIST_CONDITIONS = 100;

/** The list part of a route's arguments, as the repositories take it. */
export interface ListArgs {
  where: Condition[];
  orderBy: SortKey[] | undefined;
  limit: number | undefined;
  offset: number | undefined;
  since: string | undefined;
  until: string | undefined;
  /** The caller's "now", so relative times in conditions mean what they meant where they were typed. */
  now: Date | undefined;
}

/**
 * Reads `where`, `orderBy`, `limit`, `offset`, `now` and, when the model
 * has a time window (`time`), `since` and `until`. Their shapes only: call
 * `checkListArgs` once the named filters are read too.
 */
export function readListArgs(args: ArgReader, options: { time: boolean }): ListArgs {
  const where =
    args.objects('where', (item) => ({
      column: item.requiredString('column'),
      op: required(item, 'op', item.oneOf('op', FILTER_OPERATORS)),
      // Text as typed after the operator; the model converts it to the column's type.
      value: item.string('value') ?? null,
    })) ?? [];
  if (where.length > MAX_LIST_CONDITIONS) {
    throw new UsageError(`${args.route}: at most ${MAX_LIST_CONDITIONS} conditions in \`where\``);
  }
  const orderBy = args.objects('orderBy', (item) => ({
    column: item.requiredString('column'),
    direction: required(item, 'direction', item.oneOf('direction', ['asc', 'desc'] as const)),
  }));
  return {
    where,
    orderBy: orderBy && orderBy.length > 0 ? orderBy : undefined,
    limit: args.integer('limit', 1, MAX_LIST_LIMIT),
    offset: args.integer('offset', 0),
    since: options.time ? args.string('since') : undefined,
    until: options.time ? args.string('until') : undefined,
    now: args.date('now'),
  };
}

/**
 * Checks a list call against `model` as the query will be built: every
 * column (named filter, condition, sort key) is one of the model's, every
 * value fits its column, the times parse. A mistake is a UsageError (64,
 * HTTP 400) before anything is read.
 */
export function checkListArgs(
  route: string,
  model: ModelSpec,
  list: ListArgs,
  equal: Readonly<Record<string, string | undefined>> = {},
): ListArgs {
  return asUsage(route, () => {
    const now = list.now ?? new Date();
    const time = (text: string | undefined, what: string) =>
      text === undefined ? undefined : parseTimeIso(text, { now, what });
    const checked = { ...list, since: time(list.since, 'since'), until: time(list.until, 'until') };
    buildSelect(model, namedConditions(model, equal, checked, checked.where), {
      orderBy: checked.orderBy,
      limit: checked.limit,
      offset: checked.offset,
      now,
    });
    return withoutUndefined(checked);
  });
}

/** The library's ValidationError (65: bad data) is, for a caller's arguments, a bad request. */
export function asUsage<T>(route: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(`${route}: ${error.message}`, error.hint ? { hint: error.hint } : {});
  }
}

/** Absent members stay absent: a repository's defaults (`now` among them) are spread under its filter. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

function required<T>(item: ArgReader, name: string, value: T | undefined): T {
  if (value === undefined) throw new UsageError(`${item.route}: \`${name}\` is required`);
  return value;
}
