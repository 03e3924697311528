import { InterruptedError } from '../errors.js';
import type { Session } from '../pool/session.js';

/**
 * Cancelling a job through an AbortSignal: the job checks between its steps,
 * and a statement running when the signal fires is interrupted. Only the
 * job's own session is interrupted, never the pool: a service's other work
 * goes on.
 */

/** Throws InterruptedError(`message`) when `signal` has fired: call it between a job's steps. */
export function throwIfCancelled(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw new InterruptedError(message, { cause: signal.reason });
}

/**
 * Runs `work` on `session` so that the signal interrupts the statement it is
 * running; whatever `work` then fails with (an interrupted statement reads as
 * a query timeout) becomes InterruptedError(`message`).
 */
export async function cancellableOn<T>(
  session: Session,
  signal: AbortSignal | undefined,
  message: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!signal) return work();
  throwIfCancelled(signal, message);
  const onAbort = () => session.interrupt();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (error) {
    if (signal.aborted && !(error instanceof InterruptedError)) {
      throw new InterruptedError(message, { cause: error });
    }
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Passes `items` through, checking the signal every `every` items (for generators fed to an appender). */
export function* checkedEvery<T>(
  items: Iterable<T>,
  signal: AbortSignal | undefined,
  message: string,
  every = 8192,
): Generator<T> {
  let count = 0;
  for (const item of items) {
    if (++count % every === 0) throwIfCancelled(signal, message);
    yield item;
  }
}
