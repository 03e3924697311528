/** The shared vocabulary of list queries: conditions, sort keys, pages. */

/** `~` is case-insensitive "contains", with `%` and `_` taken literally. */
export const FILTER_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', '~'] as const;
/** A comparison a `Condition` can make. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Value of a condition: text from a command line, or a typed value from code. */
export type FilterValue = string | bigint | number | Date | null;

/** `column <op> value`, checked against the model when the query is built. */
export interface Condition {
  column: string;
  op: FilterOperator;
  value: FilterValue;
}

export type SortDirection = 'asc' | 'desc';

/** A column to sort by and its direction. */
export interface SortKey {
  column: string;
  direction: SortDirection;
}

/** What every list method accepts besides its own named filters. */
export interface ListOptions {
  /** Further conditions, all of which must hold. */
  where?: readonly Condition[];
  /** Sort keys; the model's key columns are added as tie-breakers. Default: newest first. */
  orderBy?: readonly SortKey[];
  /** A positive integer; default 100. */
  limit?: number;
  /** Rows to skip; cannot be combined with `cursor`. */
  offset?: number;
  /** `next_cursor` of the previous page: continue after its last row (keyset pagination). */
  cursor?: string;
  /** "Now" for relative times such as `-15m`; default the current time. */
  now?: Date;
}

/** One page of a list: its rows and, when more follow, the cursor of the next page. */
export interface Page<T> {
  rows: T[];
  /** More rows follow this page. */
  has_more: boolean;
  /** Pass as `cursor` for the next page; null on the last page (or when sorting by a nullable column). */
  next_cursor: string | null;
}

/** Rows per page when no limit is given (`--limit` defaults to 100). */
export const DEFAULT_LIMIT = 100;
