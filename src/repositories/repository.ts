import type { ListOptions, Page } from '../query/filter.js';

/**
 * The shape every repository shares, so that generic code (a cache, an
 * admin screen, a test fixture) can read and write any entity the same
 * way. Domain operations keep their own names beside it
 * (`OrderRepository.updateStatus`, `TradeRepository.recordFill`, ...).
 *
 * A repository implements the part its domain allows: trades and positions
 * are read through it but never created through it (a trade enters only
 * as a fill, which also moves its order and position; a position is
 * derived from the trades), so they implement
 * `Pick<Repository<...>, 'findById' | 'findAll'>`.
 *
 * @typeParam T - the stored entity.
 * @typeParam Id - what identifies one entity (a UUID text, or a composite key object).
 * @typeParam New - what `create` takes (defaults filled in by the repository).
 * @typeParam Filter - the named filters of `findAll`.
 */
export interface Repository<T, Id, New = T, Filter extends ListOptions = ListOptions> {
  /** The entity with this id, or undefined. */
  findById(id: Id): Promise<T | undefined>;
  /**
   * One page of the entities matching the filter. `page` (limit, offset,
   * cursor) may be given apart from the filter; its fields win over the
   * filter's.
   */
  findAll(filter?: Filter, page?: Pick<ListOptions, 'limit' | 'offset' | 'cursor'>): Promise<Page<T>>;
  /** Stores one entity; returns it as stored. */
  create(input: New): Promise<T>;
  /** Stores entities atomically (all or none); returns them as stored, in input order. */
  createMany(inputs: readonly New[]): Promise<T[]>;
}

/** The page fields of `Repository.findAll`. */
export type PageRequest = Pick<ListOptions, 'limit' | 'offset' | 'cursor'>;

/** The filter with the page fields given apart laid over it (only those actually given). */
export function withPage<F extends ListOptions>(filter: F, page: PageRequest | undefined): F {
  if (page === undefined) return filter;
  const merged: F = { ...filter };
  if (page.limit !== undefined) merged.limit = page.limit;
  if (page.offset !== undefined) merged.offset = page.offset;
  if (page.cursor !== undefined) merged.cursor = page.cursor;
  return merged;
}
