import { NotFoundError } from '../../errors.js';
import type { Pool } from '../../pool/pool.js';
import { ArgReader } from '../args.js';
import type { Route, RouteContext } from '../route.js';
import { backupRoute } from './backup.js';
import { exportPartitionsRoute } from './export-partitions.js';
import { importRoute } from './import.js';
import { ordersRoute, positionsRoute, snapshotsRoute, tradesRoute } from './lists.js';
import { barsRoute, ticksRoute } from './market.js';
import { migrateStatusRoute, migrateUpRoute, migrateValidateRoute } from './migrate.js';
import { orderRoute } from './order.js';
import { partitionsRoute } from './partitions.js';
import { statsRoute } from './stats.js';

/** Every route of the admin endpoint: the whole of what a caller can make a server do. */
export const ROUTES: readonly Route<unknown, unknown>[] = [
  untyped(orderRoute),
  // Lookups: one page of a list, checked against its model.
  untyped(ordersRoute),
  untyped(tradesRoute),
  untyped(positionsRoute),
  untyped(ticksRoute),
  untyped(barsRoute),
  untyped(snapshotsRoute),
  // The state of the database and its schema.
  untyped(statsRoute),
  untyped(partitionsRoute),
  untyped(migrateStatusRoute),
  untyped(migrateValidateRoute),
  untyped(migrateUpRoute),
  // Jobs: long, streaming progress, cancelled when the caller goes away.
  untyped(backupRoute),
  untyped(exportPartitionsRoute),
  untyped(importRoute),
];

/** A route's argument type is checked where it is defined; the table holds them all alike. */
function untyped<A, R>(route: Route<A, R>): Route<unknown, unknown> {
  return route as unknown as Route<unknown, unknown>;
}

const BY_PATH = new Map(ROUTES.map((route) => [route.path, route]));

/** The route at `path` (`query/order`), if there is one. */
export function findRoute(path: string): Route<unknown, unknown> | undefined {
  return BY_PATH.get(path);
}

/**
 * Checks `args` as the route reads them and runs it on `pool`: what the
 * server does for a request, and what the CLI does when it opens the
 * database itself, so both give the same answer and the same errors.
 */
export async function runRoute(
  pool: Pool,
  path: string,
  args: unknown,
  context: RouteContext,
): Promise<unknown> {
  const route = findRoute(path);
  if (!route) throw new NotFoundError(`no admin route ${path}`);
  return route.run(pool, parseRouteArgs(route, args), context);
}

/** A caller's `args` as `route` reads them; anything it does not read, or reads wrong, is a UsageError. */
export function parseRouteArgs(route: Route<unknown, unknown>, args: unknown): unknown {
  const reader = new ArgReader(route.path, args);
  const parsed = route.parse(reader);
  reader.done();
  return parsed;
}
