import { Gauge, type Registry } from 'prom-client';
import type { PoolGaugeSource } from './observer.js';

type Stats = ReturnType<PoolGaugeSource['stats']>;

/**
 * Pool gauges, read from `pool.stats()` when the registry is read (never on
 * the statement path). Summed over the open pools of the process; a closed
 * pool drops out.
 */
export class PoolGauges {
  private readonly pools = new Set<PoolGaugeSource>();

  constructor(registry: Registry) {
    const sum = (pick: (stats: Stats) => number): number => {
      let total = 0;
      for (const pool of this.pools) total += pick(pool.stats());
      return total;
    };
    const gauge = (name: string, help: string, pick: (stats: Stats) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(sum(pick));
        },
      });
    gauge('tradedb_pool_reader_connections', 'Reader connections open', (stats) => stats.readers_total);
    gauge(
      'tradedb_pool_reader_connections_busy',
      'Reader connections running an operation',
      (stats) => stats.readers_busy,
    );
    gauge('tradedb_pool_waiters', 'Callers waiting for a connection', (stats) => stats.waiters);
    gauge('tradedb_pool_writer_busy', '1 while the writer connection is in use', (stats) =>
      stats.writer_busy ? 1 : 0,
    );
  }

  /** Counts `pool` in the gauges until the returned function is called. */
  add(pool: PoolGaugeSource): () => void {
    this.pools.add(pool);
    return () => {
      this.pools.delete(pool);
    };
  }
}
