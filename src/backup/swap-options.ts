// Apart from swap.ts: hold-target.ts, which swap.ts calls, takes them too,
// and importing them from swap.ts made a cycle.
import type { FsPort } from '../fs/port.js';
import type { JobOptions } from './job.js';

export interface SwapOptions extends JobOptions {
  fs: FsPort;
  /** The database being restored. */
  target: string;
  /** The finished new database, in the same folder. */
  built: string;
  /** Where the replaced database (and its WAL) go; null deletes them (`--no-keep`). */
  keepAs: string | null;
  lockWaitMs?: number | undefined;
}
