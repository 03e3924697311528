import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { RouteContext } from '../route.js';

/**
 * The folder a job writes to when a caller names one. Through the admin
 * endpoint the job runs with the serving process's rights (often a service
 * account's), so a caller may not choose where it writes: only the
 * server's own configured folder is accepted (or none, meaning that one).
 * A local call writes where its caller says, with the caller's own rights.
 */
export function ownFolder(
  context: RouteContext,
  given: string | undefined,
  configured: string,
  what: { job: string; key: string },
): string | undefined {
  if (given === undefined || !context.remote) return given;
  if (path.resolve(given) === path.resolve(configured)) return given;
  throw new UsageError(
    `through the admin endpoint, ${what.job} writes only to the serving process's ${what.key} (${configured}), ` +
      `not ${given}: a caller may not choose where the serving process writes`,
    {
      hint: `leave the folder out to use ${what.key}, or run the job in a process that opens the database itself`,
      fix: 'server-folder',
    },
  );
}
