/**
 * A counting semaphore with a FIFO queue and a per-acquire deadline. With a
 * capacity of 1 it is the writer's mutex.
 */
export class Semaphore {
  private available: number;
  private readonly queue: Array<{
    grant: () => void;
    fail: (error: Error) => void;
    timer: NodeJS.Timeout | undefined;
  }> = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  get waiting(): number {
    return this.queue.length;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  /**
   * Resolves when a permit is free. Rejects with `onTimeout()` after
   * `timeoutMs` (0 = wait forever) and leaves the queue unchanged.
   */
  acquire(timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.available > 0 && this.queue.length === 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          if (waiter.timer) clearTimeout(waiter.timer);
          resolve();
        },
        fail: (error: Error) => {
          if (waiter.timer) clearTimeout(waiter.timer);
          reject(error);
        },
        timer: undefined as NodeJS.Timeout | undefined,
      };
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(onTimeout());
        }, timeoutMs);
      }
      this.queue.push(waiter);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.available += 1;
  }

  /** Turns every waiter away, e.g. because the pool is closing. */
  rejectAll(error: Error): void {
    for (const waiter of this.queue.splice(0)) waiter.fail(error);
  }
}
