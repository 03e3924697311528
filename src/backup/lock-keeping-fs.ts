import type { FsPort } from '../fs/port.js';
import { heldFileReader } from '../pool/instance-cache.js';

/**
 * `fs`, except that reading a database this process holds open goes through
 * the instance's own descriptor (heldFileReader), never one the job opens and
 * closes: closing that would drop DuckDB's lock on the file while the
 * service that holds it keeps writing.
 */
export function keepingDatabaseLocks(fs: FsPort): FsPort {
  return {
    ...fs,
    open: async (file, flags) => (flags === 'r' ? heldFileReader(file) : undefined) ?? fs.open(file, flags),
  };
}
