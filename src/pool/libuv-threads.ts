/**
 * DuckDB calls from Node run on libuv's thread pool, 4 threads unless
 * UV_THREADPOOL_SIZE says otherwise when the pool starts, i.e. before the
 * first line of an ES module entry runs. With fewer threads than readers,
 * long reads queue behind each other and in front of every file operation:
 * a pool of 50 readers then behaves like a pool of 4.
 */

/** libuv's default and its upper bound for UV_THREADPOOL_SIZE. */
const LIBUV_DEFAULT_THREADS = 4;
const LIBUV_MAX_THREADS = 1024;

/**
 * The size libuv gave its thread pool, as UV_THREADPOOL_SIZE said when this
 * module loaded: an application's static imports load before its own code
 * runs, so a later change of the variable (which libuv ignores) is not seen.
 */
export const LIBUV_THREADS = threadsFrom(process.env['UV_THREADPOOL_SIZE']);

/** What libuv makes of a UV_THREADPOOL_SIZE value: unset or unparsable is 4; clamped to 1..1024. */
export function threadsFrom(value: string | undefined): number {
  const parsed = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(parsed)) return LIBUV_DEFAULT_THREADS;
  return Math.min(Math.max(parsed, 1), LIBUV_MAX_THREADS);
}

/** A problem a pool found when it opened; reported through `Observer.warning`. */
export interface PoolWarning {
  code: 'LIBUV_THREADS_LOW';
  message: string;
  max_readers: number;
  libuv_threads: number;
}

/** The warning for a pool whose readers outnumber libuv's threads, or undefined when they fit. */
export function libuvThreadsWarning(maxReaders: number, threads = LIBUV_THREADS): PoolWarning | undefined {
  if (maxReaders <= threads) return undefined;
  return {
    code: 'LIBUV_THREADS_LOW',
    message:
      `pool.max_readers is ${maxReaders} but libuv has ${threads} threads: at most ${threads} statements run at once, ` +
      'and slow reads delay every other query and file operation; start node with ' +
      '`-r tradedb/threadpool` (or set UV_THREADPOOL_SIZE before node starts), or lower pool.max_readers',
    max_readers: maxReaders,
    libuv_threads: threads,
  };
}
